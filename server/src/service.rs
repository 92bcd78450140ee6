//! The one service layer: every operation the REST API, the console's server
//! functions and the command line perform, each checking who is asking.

mod accounts;
mod audit;
mod bulk;
mod error;
mod external;
mod filters;
mod presets;
mod runs;
mod schedules;
mod tasks;

pub use error::ServiceError;
pub use runs::RunCursor;

use crate::auth::Accounts;
use crate::config::Config;
use crate::engine::Engine;
use std::sync::Arc;
use types::{Principal, Role};

/// The operations of Task Starter over one engine and one set of accounts.
#[derive(Clone)]
pub struct Service {
    engine: Engine,
    config: Arc<Config>,
    accounts: Accounts,
}

impl Service {
    pub fn new(engine: Engine, config: Arc<Config>, accounts: Accounts) -> Service {
        Service { engine, config, accounts }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// The impersonation user, when `principal` may start runs as it.
    pub fn impersonation_for(&self, principal: &Principal) -> Option<&str> {
        let user = self.config.impersonate_user.as_deref()?;
        (principal.may(Role::Operator) && self.config.impersonate_roles.contains(&principal.role)).then_some(user)
    }
}

/// Refuses `principal` unless its role includes `needed`.
pub fn require(principal: &Principal, needed: Role) -> Result<(), ServiceError> {
    if principal.may(needed) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "This needs the {needed} role; {} has the {} role.",
            principal.name, principal.role
        )))
    }
}
