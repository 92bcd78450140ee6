//! API tokens, for admins.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{ApiToken, CreatedToken, NewToken, Problem};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_tokens() -> Result<Vec<ApiToken>, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.tokens(&principal).await)
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn create_token(token: NewToken) -> Result<CreatedToken, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.create_token(&principal, token).await)
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn revoke_token(id: String) -> Result<ApiToken, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.revoke_token(&principal, &id).await)
}

#[cfg(feature = "ssr")]
use super::server;
