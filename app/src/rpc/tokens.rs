//! API tokens, for admins.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{ApiToken, CreatedToken, NewToken, Problem};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_tokens() -> Result<Vec<ApiToken>, Problem> {
    server::call(|port, who| async move { port.tokens(&who).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn create_token(token: NewToken) -> Result<CreatedToken, Problem> {
    server::call(|port, who| async move { port.create_token(&who, token).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn revoke_token(id: String) -> Result<ApiToken, Problem> {
    server::call(|port, who| async move { port.revoke_token(&who, &id).await }).await
}

#[cfg(feature = "ssr")]
use super::server;
