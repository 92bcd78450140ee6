//! API tokens for third parties: random, shown once, stored as a SHA-256
//! hash, each with a role, revocable, with the last time it was used.

use super::secret::{random_token, sha256_hex};
use super::{Accounts, AuthError};
use crate::clock::{now_micros, to_rfc3339};
use crate::db::entities::api_tokens;
use crate::db::{insertable, text::is_storable};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use types::{ActorKind, ApiToken, Principal, Role};
use uuid::Uuid;

/// Every API token starts with this, so leaked ones are easy to recognise.
pub const TOKEN_PREFIX: &str = "tsk_";

impl Accounts {
    /// Creates a token; returns it with its secret, which is never shown again.
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        created_by: &str,
    ) -> Result<(ApiToken, String), AuthError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) || !is_storable(name) {
            return Err(AuthError::Invalid(
                "A token needs a name of 1 to 100 characters, without control characters.".to_owned(),
            ));
        }
        let secret = random_token(TOKEN_PREFIX);
        let token = api_tokens::Model {
            id: Uuid::now_v7(),
            name: name.to_owned(),
            role: role.as_str().to_owned(),
            token_hash: sha256_hex(&secret),
            created_by: created_by.to_owned(),
            created_at: now_micros(),
            last_used_at: None,
            revoked_at: None,
        };
        api_tokens::Entity::insert(insertable::<api_tokens::ActiveModel, _>(token.clone()))
            .exec_without_returning(&self.db.write)
            .await?;
        Ok((shown(&token)?, secret))
    }

    pub async fn list_tokens(&self) -> Result<Vec<ApiToken>, AuthError> {
        let rows = api_tokens::Entity::find().order_by_desc(api_tokens::Column::CreatedAt).all(&self.db.read).await?;
        rows.iter().map(shown).collect()
    }

    /// Revokes a token at once (in this process; within seconds elsewhere).
    pub async fn revoke_token(&self, id: Uuid) -> Result<ApiToken, AuthError> {
        let token = api_tokens::Entity::find_by_id(id)
            .one(&self.db.read)
            .await?
            .ok_or_else(|| AuthError::NotFound(format!("No token {id}.")))?;
        if token.revoked_at.is_some() {
            return shown(&token);
        }
        let revoked_at = now_micros();
        api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::RevokedAt, sea_orm::sea_query::Expr::value(revoked_at))
            .filter(api_tokens::Column::Id.eq(id))
            .exec(&self.db.write)
            .await?;
        self.tokens.remove_where(|(token_id, _)| *token_id == id);
        shown(&api_tokens::Model { revoked_at: Some(revoked_at), ..token })
    }

    /// The caller behind a bearer token, if it is valid and not revoked.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Option<Principal>, AuthError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let hash = sha256_hex(secret);
        let (id, principal) = if let Some(cached) = self.tokens.get(&hash) {
            cached
        } else {
            let Some(token) = api_tokens::Entity::find()
                .filter(api_tokens::Column::TokenHash.eq(hash.clone()))
                .one(&self.db.read)
                .await?
            else {
                return Ok(None);
            };
            if token.revoked_at.is_some() {
                return Ok(None);
            }
            let principal = Principal::new(ActorKind::Token, token.name.clone(), stored_role(&token)?);
            self.tokens.insert(hash, (token.id, principal.clone()));
            (token.id, principal)
        };
        self.note_token_use(id).await;
        Ok(Some(principal))
    }

    /// Records when a token was used, at most once a minute per token.
    async fn note_token_use(&self, id: Uuid) {
        if self.token_uses.get(&id).is_some() {
            return;
        }
        self.token_uses.insert(id, ());
        let written = api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::LastUsedAt, sea_orm::sea_query::Expr::value(now_micros()))
            .filter(api_tokens::Column::Id.eq(id))
            .exec(&self.db.write)
            .await;
        if let Err(error) = written {
            tracing::warn!(%error, "could not record a token's last use");
        }
    }
}

/// A stored token's role; a role this server does not know is an error, never a guess.
fn stored_role(token: &api_tokens::Model) -> Result<Role, AuthError> {
    Role::parse(&token.role).ok_or_else(|| {
        AuthError::Internal(format!("token {} has a role this server does not know: {:?}", token.id, token.role))
    })
}

/// A token as the admin pages show it (never its hash).
fn shown(token: &api_tokens::Model) -> Result<ApiToken, AuthError> {
    Ok(ApiToken {
        id: token.id.to_string(),
        name: token.name.clone(),
        role: stored_role(token)?,
        created_by: token.created_by.clone(),
        created_at: to_rfc3339(token.created_at),
        last_used_at: token.last_used_at.map(to_rfc3339),
        revoked_at: token.revoked_at.map(to_rfc3339),
    })
}
