//! Users, for admins.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{NewUser, Problem, User};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_users() -> Result<Vec<User>, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.users(&principal).await)
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn add_user(user: NewUser) -> Result<User, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.add_user(&principal, user).await)
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn delete_user(name: String) -> Result<(), Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.delete_user(&principal, &name).await)
}

#[cfg(feature = "ssr")]
use super::server;
