//! Users: created by an admin or the command line, the first admin made on
//! the first start with a one-time password.

use super::password::PasswordHash;
use super::secret::random_password;
use super::{Accounts, AuthError};
use crate::clock::{now_micros, to_rfc3339};
use crate::db::entities::{sessions, users};
use crate::db::insertable;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait, sea_query::Expr,
};
use types::{Role, User};

/// The longest user name.
pub const MAX_NAME_LENGTH: usize = 64;

impl Accounts {
    pub async fn list_users(&self) -> Result<Vec<User>, AuthError> {
        let rows = users::Entity::find().order_by_asc(users::Column::Name).all(&self.db.read).await?;
        rows.iter().map(shown).collect()
    }

    /// The user named `name`, as stored (with its password hash).
    pub(super) async fn find_user(&self, name: &str) -> Result<Option<users::Model>, AuthError> {
        if !is_valid_name(name) {
            return Ok(None);
        }
        Ok(users::Entity::find_by_id(name.to_owned()).one(&self.db.read).await?)
    }

    /// Whether a user named `name` exists.
    pub async fn user_exists(&self, name: &str) -> Result<bool, AuthError> {
        Ok(self.find_user(name).await?.is_some())
    }

    pub async fn create_user(&self, name: &str, role: Role, password: &str) -> Result<User, AuthError> {
        if !is_valid_name(name) {
            return Err(AuthError::Invalid(format!(
                "A user name is 1 to {MAX_NAME_LENGTH} letters, digits, '.', '_', '-' or '@'."
            )));
        }
        let hash = PasswordHash::new(password).await?;
        if self.find_user(name).await?.is_some() {
            return Err(AuthError::Conflict(format!("A user named {name:?} already exists.")));
        }
        let user = users::Model {
            name: name.to_owned(),
            role: role.as_str().to_owned(),
            password_hash: hash.as_stored().to_owned(),
            created_at: now_micros(),
        };
        users::Entity::insert(insertable::<users::ActiveModel, _>(user.clone()))
            .exec_without_returning(&self.db.write)
            .await
            .map_err(|error| {
                if error.to_string().to_lowercase().contains("unique") {
                    AuthError::Conflict(format!("A user named {name:?} already exists."))
                } else {
                    AuthError::Database(error)
                }
            })?;
        shown(&user)
    }

    /// Sets a new password and signs the user out everywhere.
    pub async fn set_password(&self, name: &str, password: &str) -> Result<(), AuthError> {
        let hash = PasswordHash::new(password).await?;
        if !is_valid_name(name) {
            return Err(AuthError::NotFound(format!("No user {name:?}.")));
        }
        let changed = users::Entity::update_many()
            .col_expr(users::Column::PasswordHash, Expr::value(hash.as_stored()))
            .filter(users::Column::Name.eq(name))
            .exec(&self.db.write)
            .await?;
        if changed.rows_affected == 0 {
            return Err(AuthError::NotFound(format!("No user {name:?}.")));
        }
        self.end_sessions_of(name).await
    }

    /// Deletes a user (and their sessions). The last admin cannot be deleted,
    /// even by two admins deleting each other at the same moment: the check
    /// and the delete share a transaction that locks every admin's row
    /// (PostgreSQL; SQLite has one writer).
    pub async fn delete_user(&self, name: &str) -> Result<(), AuthError> {
        let not_found = || AuthError::NotFound(format!("No user {name:?}."));
        if !is_valid_name(name) {
            return Err(not_found());
        }
        let transaction = self.db.write.begin().await?;
        let user = users::Entity::find_by_id(name.to_owned()).one(&transaction).await?.ok_or_else(not_found)?;
        if user.role == Role::Admin.as_str() {
            let admins: Vec<String> = users::Entity::find()
                .select_only()
                .column(users::Column::Name)
                .filter(users::Column::Role.eq(Role::Admin.as_str()))
                .lock_exclusive_if_postgres(self.db.backend)
                .into_tuple()
                .all(&transaction)
                .await?;
            if admins.len() <= 1 || !admins.iter().any(|admin| admin == name) {
                return Err(AuthError::Conflict("The last admin cannot be deleted.".to_owned()));
            }
        }
        sessions::Entity::delete_many().filter(sessions::Column::UserName.eq(name)).exec(&transaction).await?;
        users::Entity::delete_by_id(name.to_owned()).exec(&transaction).await?;
        transaction.commit().await?;
        self.sessions.remove_where(|caller| caller.principal.name == name);
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

/// `FOR UPDATE` on PostgreSQL; SQLite's single writer needs no lock.
trait LockIfPostgres: Sized {
    fn lock_exclusive_if_postgres(self, backend: crate::db::Backend) -> Self;
}

impl<S: QuerySelect> LockIfPostgres for S {
    fn lock_exclusive_if_postgres(self, backend: crate::db::Backend) -> S {
        match backend {
            crate::db::Backend::Postgres => self.lock_exclusive(),
            crate::db::Backend::Sqlite => self,
        }
    }
}

/// User names: 1 to 64 letters, digits, `.`, `_`, `-` or `@`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LENGTH
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// A stored user's role; a role this server does not know is an error, never a guess.
pub(super) fn stored_role(user: &users::Model) -> Result<Role, AuthError> {
    Role::parse(&user.role).ok_or_else(|| {
        AuthError::Internal(format!("user {:?} has a role this server does not know: {:?}", user.name, user.role))
    })
}

/// A user as the admin pages show it.
fn shown(user: &users::Model) -> Result<User, AuthError> {
    Ok(User { name: user.name.clone(), role: stored_role(user)?, created_at: to_rfc3339(user.created_at) })
}
