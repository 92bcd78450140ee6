//! Users: created by an admin or the command line, the first admin made on
//! the first start with a one-time password.

use super::password::PasswordHash;
use super::secret::random_password;
use super::{Accounts, AuthError};
use crate::clock::now_micros;
use crate::db::entities::{sessions, users};
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use types::Role;

impl Accounts {
    pub async fn list_users(&self) -> Result<Vec<users::Model>, AuthError> {
        Ok(users::Entity::find().order_by_asc(users::Column::Name).all(&self.db.read).await?)
    }

    pub async fn find_user(&self, name: &str) -> Result<Option<users::Model>, AuthError> {
        Ok(users::Entity::find_by_id(name.to_owned()).one(&self.db.read).await?)
    }

    pub async fn create_user(&self, name: &str, role: Role, password: &str) -> Result<users::Model, AuthError> {
        check_name(name)?;
        let hash = PasswordHash::new(password).await.map_err(AuthError::Invalid)?;
        if self.find_user(name).await?.is_some() {
            return Err(AuthError::Conflict(format!("A user named {name:?} already exists.")));
        }
        let user = users::Model {
            name: name.to_owned(),
            role: role.as_str().to_owned(),
            password_hash: hash.as_stored().to_owned(),
            created_at: now_micros(),
        };
        let row = users::ActiveModel {
            name: ActiveValue::Set(user.name.clone()),
            role: ActiveValue::Set(user.role.clone()),
            password_hash: ActiveValue::Set(user.password_hash.clone()),
            created_at: ActiveValue::Set(user.created_at),
        };
        users::Entity::insert(row).exec_without_returning(&self.db.write).await.map_err(|error| {
            if error.to_string().to_lowercase().contains("unique") {
                AuthError::Conflict(format!("A user named {name:?} already exists."))
            } else {
                AuthError::Database(error)
            }
        })?;
        Ok(user)
    }

    /// Sets a new password and signs the user out everywhere.
    pub async fn set_password(&self, name: &str, password: &str) -> Result<(), AuthError> {
        let hash = PasswordHash::new(password).await.map_err(AuthError::Invalid)?;
        let changed = users::Entity::update_many()
            .col_expr(users::Column::PasswordHash, sea_orm::sea_query::Expr::value(hash.as_stored()))
            .filter(users::Column::Name.eq(name))
            .exec(&self.db.write)
            .await?;
        if changed.rows_affected == 0 {
            return Err(AuthError::NotFound(format!("No user {name:?}.")));
        }
        self.end_sessions_of(name).await
    }

    /// Deletes a user (and their sessions). The last admin cannot be deleted.
    pub async fn delete_user(&self, name: &str) -> Result<(), AuthError> {
        let user = self.find_user(name).await?.ok_or_else(|| AuthError::NotFound(format!("No user {name:?}.")))?;
        if user.role == Role::Admin.as_str() {
            let admins =
                users::Entity::find().filter(users::Column::Role.eq(Role::Admin.as_str())).count(&self.db.read).await?;
            if admins <= 1 {
                return Err(AuthError::Conflict("The last admin cannot be deleted.".to_owned()));
            }
        }
        self.end_sessions_of(name).await?;
        users::Entity::delete_by_id(name.to_owned()).exec(&self.db.write).await?;
        Ok(())
    }

    async fn end_sessions_of(&self, name: &str) -> Result<(), AuthError> {
        sessions::Entity::delete_many().filter(sessions::Column::UserName.eq(name)).exec(&self.db.write).await?;
        self.sessions.remove_where(|caller| caller.principal.name == name);
        Ok(())
    }

    /// On a first start with no users: creates `admin` with `password`, or a
    /// random one, and returns the password to show once.
    pub async fn ensure_first_admin(&self, password: Option<&str>) -> Result<Option<String>, AuthError> {
        if users::Entity::find().count(&self.db.read).await? > 0 {
            return Ok(None);
        }
        let password = password.map_or_else(random_password, str::to_owned);
        match self.create_user("admin", Role::Admin, &password).await {
            Ok(_) => Ok(Some(password)),
            // Another process created it first.
            Err(AuthError::Conflict(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// User names: 1 to 64 letters, digits, `.`, `_`, `-` or `@`.
fn check_name(name: &str) -> Result<(), AuthError> {
    let fits = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if fits {
        Ok(())
    } else {
        Err(AuthError::Invalid("A user name is 1 to 64 letters, digits, '.', '_', '-' or '@'.".to_owned()))
    }
}
