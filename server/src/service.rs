//! The one service layer: every operation the REST API, the console's server
//! functions and the command line perform, each checking who is asking.

mod accounts;
mod audit;
mod budget;
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
    budget: Arc<budget::StartBudget>,
}

impl Service {
    pub fn new(engine: Engine, config: Arc<Config>, accounts: Accounts) -> Service {
        let budget = Arc::new(budget::StartBudget::new(config.api.starts_per_minute));
        Service { engine, config, accounts, budget }
    }

    /// Takes `count` starts from `principal`'s budget (`api.starts_per_minute`).
    fn spend(&self, principal: &Principal, count: u64) -> Result<(), ServiceError> {
        self.budget.take(principal, count).map_err(|refusal| match refusal {
            budget::Refusal::Wait(wait) => ServiceError::RateLimited {
                detail: format!(
                    "{} has started more runs than the {} a minute it may; try again in {} s.",
                    principal.name,
                    self.config.api.starts_per_minute,
                    wait.as_secs().max(1)
                ),
                retry_after: wait.as_secs().max(1),
            },
            budget::Refusal::TooMany { limit } => ServiceError::Unprocessable(format!(
                "This would start {count} runs at once, more than the {limit} a minute anyone may start; act in parts."
            )),
        })
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
