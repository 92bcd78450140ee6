//! Signing in and out, and users and API tokens, for admins. Each change
//! is recorded in the audit log (never a password or a token's secret).

use super::audit::Entry;
use super::{Service, ServiceError, require};
use crate::auth::NewSession;
use serde_json::json;
use types::{
    Actor, ActorKind, ApiToken, AuditAction, CreatedToken, NewToken, NewUser, Principal, RequestFrom, Role, User,
};

impl Service {
    /// Checks a name and password and opens a session; both outcomes are
    /// recorded, with where the attempt came from.
    pub async fn sign_in(&self, name: &str, password: &str, from: &RequestFrom) -> Result<NewSession, ServiceError> {
        // Whatever was typed, bounded and without control characters.
        let typed = name.chars().filter(|character| !character.is_control()).take(64).collect();
        let actor = Actor { kind: ActorKind::User, name: typed };
        match self.accounts.sign_in(name, password, from.address.as_deref()).await {
            Ok(session) => {
                self.record_as(actor, from, AuditAction::SignIn, Entry::default()).await;
                Ok(session)
            }
            // Throttled attempts are not recorded one by one: a flood would
            // only fill the log; the attempts that led to the throttle are there.
            Err(error @ crate::auth::AuthError::Throttled(_)) => Err(error.into()),
            Err(error) => {
                let error = ServiceError::from(error);
                let entry = Entry::default().detail(json!({ "reason": error.to_string() }));
                self.record_as(actor, from, AuditAction::SignInFailed, entry).await;
                Err(error)
            }
        }
    }

    /// Ends a session (by its key).
    pub async fn sign_out(&self, principal: &Principal, key: &str) -> Result<(), ServiceError> {
        self.accounts.sign_out(key).await?;
        self.record(principal, AuditAction::SignOut, Entry::default()).await;
        Ok(())
    }

    pub async fn users(&self, principal: &Principal) -> Result<Vec<User>, ServiceError> {
        require(principal, Role::Admin)?;
        Ok(self.accounts.list_users().await?)
    }

    pub async fn add_user(&self, principal: &Principal, user: NewUser) -> Result<User, ServiceError> {
        require(principal, Role::Admin)?;
        let added = self.accounts.create_user(user.name.trim(), user.role, &user.password).await?;
        let entry = Entry::on(&added.name).detail(json!({ "role": added.role }));
        self.record(principal, AuditAction::UserAdd, entry).await;
        Ok(added)
    }

    pub async fn delete_user(&self, principal: &Principal, name: &str) -> Result<(), ServiceError> {
        require(principal, Role::Admin)?;
        if name == principal.name {
            return Err(ServiceError::Conflict("You cannot delete yourself.".to_owned()));
        }
        self.accounts.delete_user(name).await?;
        self.record(principal, AuditAction::UserDelete, Entry::on(name)).await;
        Ok(())
    }

    pub async fn tokens(&self, principal: &Principal) -> Result<Vec<ApiToken>, ServiceError> {
        require(principal, Role::Admin)?;
        Ok(self.accounts.list_tokens().await?)
    }

    pub async fn create_token(&self, principal: &Principal, token: NewToken) -> Result<CreatedToken, ServiceError> {
        require(principal, Role::Admin)?;
        let (token, secret) = self.accounts.create_token(&token.name, token.role, &principal.name).await?;
        let entry = Entry::on(&token.name).detail(json!({ "id": token.id, "role": token.role }));
        self.record(principal, AuditAction::TokenCreate, entry).await;
        Ok(CreatedToken { token, secret })
    }

    pub async fn revoke_token(&self, principal: &Principal, id: &str) -> Result<ApiToken, ServiceError> {
        require(principal, Role::Admin)?;
        let id = id.parse().map_err(|_| ServiceError::not_found(format_args!("token {id:?}")))?;
        let revoked = self.accounts.revoke_token(id).await?;
        let entry = Entry::on(&revoked.name).detail(json!({ "id": revoked.id }));
        self.record(principal, AuditAction::TokenRevoke, entry).await;
        Ok(revoked)
    }
}
