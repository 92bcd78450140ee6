//! Users and API tokens, for admins.

use super::{Service, ServiceError, require};
use types::{ApiToken, CreatedToken, NewToken, NewUser, Principal, Role, User};

impl Service {
    pub async fn users(&self, principal: &Principal) -> Result<Vec<User>, ServiceError> {
        require(principal, Role::Admin)?;
        Ok(self.accounts.list_users().await?)
    }

    pub async fn add_user(&self, principal: &Principal, user: NewUser) -> Result<User, ServiceError> {
        require(principal, Role::Admin)?;
        Ok(self.accounts.create_user(user.name.trim(), user.role, &user.password).await?)
    }

    pub async fn delete_user(&self, principal: &Principal, name: &str) -> Result<(), ServiceError> {
        require(principal, Role::Admin)?;
        if name == principal.name {
            return Err(ServiceError::Conflict("You cannot delete yourself.".to_owned()));
        }
        Ok(self.accounts.delete_user(name).await?)
    }

    pub async fn tokens(&self, principal: &Principal) -> Result<Vec<ApiToken>, ServiceError> {
        require(principal, Role::Admin)?;
        Ok(self.accounts.list_tokens().await?)
    }

    pub async fn create_token(&self, principal: &Principal, token: NewToken) -> Result<CreatedToken, ServiceError> {
        require(principal, Role::Admin)?;
        let (token, secret) = self.accounts.create_token(&token.name, token.role, &principal.name).await?;
        Ok(CreatedToken { token, secret })
    }

    pub async fn revoke_token(&self, principal: &Principal, id: &str) -> Result<ApiToken, ServiceError> {
        require(principal, Role::Admin)?;
        let id = id.parse().map_err(|_| ServiceError::not_found(format_args!("token {id:?}")))?;
        Ok(self.accounts.revoke_token(id).await?)
    }
}
