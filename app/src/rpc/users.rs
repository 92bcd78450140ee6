//! Users, for admins.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{NewUser, Problem, User};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_users() -> Result<Vec<User>, Problem> {
    server::call(|port, who| async move { port.users(&who).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn add_user(user: NewUser) -> Result<User, Problem> {
    server::call(|port, who| async move { port.add_user(&who, user).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn delete_user(name: String) -> Result<(), Problem> {
    server::call(|port, who| async move { port.delete_user(&who, &name).await }).await
}

#[cfg(feature = "ssr")]
use super::server;
