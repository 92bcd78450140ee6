//! `user` and `token`: accounts from the command line, which acts as an admin.

use super::{CliError, TokenCommand, UserCommand, cli_principal, read_password};
use crate::runtime::Runtime;
use types::{NewToken, NewUser};

pub async fn user(runtime: &Runtime, command: UserCommand) -> Result<(), CliError> {
    let service = &runtime.service;
    let admin = cli_principal();
    match command {
        UserCommand::Add { name, role, password_stdin } => {
            let (password, made_up) = read_password(password_stdin)?;
            let user = service.add_user(&admin, NewUser { name, role, password: password.clone() }).await?;
            println!("Added {} ({}).", user.name, user.role);
            if made_up {
                println!("Password (shown once): {password}");
            }
        }
        UserCommand::Passwd { name, password_stdin } => {
            let (password, made_up) = read_password(password_stdin)?;
            service.accounts().set_password(&name, &password).await.map_err(crate::service::ServiceError::from)?;
            println!("Set the password of {name}; their sessions have ended.");
            if made_up {
                println!("Password (shown once): {password}");
            }
        }
        UserCommand::List => {
            for user in service.users(&admin).await? {
                println!("{:<24} {:<9} since {}", user.name, user.role, user.created_at);
            }
        }
        UserCommand::Delete { name } => {
            service.delete_user(&admin, &name).await?;
            println!("Deleted {name}.");
        }
    }
    Ok(())
}

pub async fn token(runtime: &Runtime, command: TokenCommand) -> Result<(), CliError> {
    let service = &runtime.service;
    let admin = cli_principal();
    match command {
        TokenCommand::Create { name, role } => {
            let created = service.create_token(&admin, NewToken { name, role }).await?;
            println!("Created token {} ({}), id {}.", created.token.name, created.token.role, created.token.id);
            println!("Secret (shown once): {}", created.secret);
        }
        TokenCommand::Revoke { id } => {
            let token = service.revoke_token(&admin, &id).await?;
            println!("Revoked {}.", token.name);
        }
        TokenCommand::List => {
            for token in service.tokens(&admin).await? {
                let state = if token.revoked_at.is_some() { "revoked" } else { "active" };
                let used = token.last_used_at.unwrap_or_else(|| "never".to_owned());
                println!("{}  {:<20} {:<9} {state:<8} last used {used}", token.id, token.name, token.role);
            }
        }
    }
    Ok(())
}
