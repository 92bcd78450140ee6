//! Who is asking: roles, the kinds of actors that start runs, and the
//! signed-in user's view of their own session.

use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// What an account may do. Each role includes the ones below it (the
    /// order of declaration is the order of power).
    pub enum Role {
        /// Reads tasks, runs and schedules.
        Viewer = "viewer",
        /// Also starts, re-runs and cancels runs, and controls schedules.
        Operator = "operator",
        /// Also manages users and API tokens.
        Admin = "admin",
    }
}

impl Role {
    /// Whether this role includes everything `needed` may do.
    pub fn includes(self, needed: Role) -> bool {
        self >= needed
    }
}

crate::named_enum! {
    /// The kind of actor recorded as having started a run.
    pub enum ActorKind {
        User = "user",
        Token = "token",
        Schedule = "schedule",
        Cli = "cli",
        External = "external",
    }
}

/// An authenticated caller: a signed-in user, an API token, or the server
/// itself acting for the scheduler or the command line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub kind: ActorKind,
    /// The user's name, or the token's name.
    pub name: String,
    pub role: Role,
}

impl Principal {
    /// Whether this caller's role includes `needed`.
    pub fn may(&self, needed: Role) -> bool {
        self.role.includes(needed)
    }
}

/// What the console needs to know about the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: String,
    pub role: Role,
    /// The configured impersonation user, when this user may start runs as it.
    pub impersonate_user: Option<String>,
    /// Sent back in `X-CSRF-Token` on every unsafe request of this session.
    pub csrf_token: String,
}
