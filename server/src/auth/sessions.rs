//! Browser sessions: a random token in an `HttpOnly` cookie, stored in the
//! database as its SHA-256, with a CSRF token tied to it.

use super::password::{PasswordHash, dummy_hash};
use super::secret::{random_token, sha256_hex};
use super::users::{MAX_NAME_LENGTH, is_valid_name, stored_role};
use super::{Accounts, AuthError};
use crate::clock::{micros, now_micros};
use crate::db::entities::{sessions, users};
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, QueryFilter};
use types::{ActorKind, Principal};

/// A session just opened: the cookie's token is only ever here.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub principal: Principal,
}

/// The caller behind a session cookie (its `Debug` hides the secrets).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionCaller {
    pub principal: Principal,
    pub csrf_token: String,
    /// The session's key (the token's hash), to sign out with.
    pub key: String,
}

impl std::fmt::Debug for SessionCaller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCaller").field("principal", &self.principal).finish_non_exhaustive()
    }
}

impl Accounts {
    /// Checks a name and password (throttled per account and per `peer`
    /// address) and opens a session. The attempt counts before the password
    /// is checked. A name no account can have (too long, or with characters
    /// a name cannot hold) is not looked up, but costs as much as a wrong
    /// password, so neither its answer nor its time tells names apart.
    pub async fn sign_in(&self, name: &str, password: &str, peer: Option<&str>) -> Result<NewSession, AuthError> {
        let shown: String = name.chars().take(MAX_NAME_LENGTH + 1).collect();
        let account_key = format!("user:{}", shown.to_lowercase());
        let address_key = peer.map(|peer| format!("addr:{peer}"));
        let keys: Vec<String> = std::iter::once(account_key.clone()).chain(address_key.clone()).collect();
        self.throttle.begin(&keys).map_err(|wait| AuthError::Throttled(wait.as_secs().max(1)))?;
        let user = if is_valid_name(name) { self.find_user(name).await? } else { None };
        let hash = match &user {
            Some(user) => PasswordHash::from_stored(user.password_hash.clone()),
            None => dummy_hash().await?,
        };
        let (Some(user), true) = (user, hash.verify(password).await?) else {
            return Err(AuthError::BadCredentials);
        };
        self.throttle.succeeded(&account_key, address_key.as_deref());
        self.open_session(user).await
    }

    async fn open_session(&self, user: users::Model) -> Result<NewSession, AuthError> {
        let token = random_token("tss_");
        let csrf_token = random_token("");
        let now = now_micros();
        let row = sessions::ActiveModel {
            token_hash: ActiveValue::Set(sha256_hex(&token)),
            user_name: ActiveValue::Set(user.name.clone()),
            csrf_token: ActiveValue::Set(csrf_token.clone()),
            created_at: ActiveValue::Set(now),
            expires_at: ActiveValue::Set(now + micros(self.session_ttl)),
        };
        sessions::Entity::insert(row).exec_without_returning(&self.db.write).await?;
        let principal = Principal::new(ActorKind::User, user.name.clone(), stored_role(&user)?);
        Ok(NewSession { token, csrf_token, principal })
    }

    /// The caller behind a session cookie's token, if the session is open.
    pub async fn session(&self, token: &str) -> Result<Option<SessionCaller>, AuthError> {
        let key = sha256_hex(token);
        if let Some(cached) = self.sessions.get(&key) {
            return Ok(Some(cached));
        }
        let Some(session) = sessions::Entity::find_by_id(key.clone()).one(&self.db.read).await? else {
            return Ok(None);
        };
        if session.expires_at < now_micros() {
            return Ok(None);
        }
        let Some(user) = self.find_user(&session.user_name).await? else {
            return Ok(None);
        };
        let caller = SessionCaller {
            principal: Principal::new(ActorKind::User, user.name.clone(), stored_role(&user)?),
            csrf_token: session.csrf_token,
            key: key.clone(),
        };
        self.sessions.insert(key, caller.clone());
        Ok(Some(caller))
    }

    /// Ends the session with this key.
    pub async fn sign_out(&self, key: &str) -> Result<(), AuthError> {
        sessions::Entity::delete_by_id(key.to_owned()).exec(&self.db.write).await?;
        self.sessions.remove_where(|caller| caller.key == key);
        Ok(())
    }

    /// Deletes expired sessions; returns how many.
    pub async fn purge_expired_sessions(&self) -> Result<u64, AuthError> {
        let deleted = sessions::Entity::delete_many()
            .filter(sessions::Column::ExpiresAt.lt(now_micros()))
            .exec(&self.db.write)
            .await?;
        Ok(deleted.rows_affected)
    }
}
