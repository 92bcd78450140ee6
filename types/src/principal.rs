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
        /// The server itself (notifications).
        System = "system",
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
    /// Where the request came from, for the audit log (never sent to the browser).
    #[serde(skip)]
    pub from: RequestFrom,
}

/// The client of a request: its address and its user agent (bounded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFrom {
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestFrom {
    /// The longest user agent kept; the rest is cut off.
    pub const MAX_USER_AGENT: usize = 256;

    pub fn new(address: Option<String>, user_agent: Option<&str>) -> RequestFrom {
        let user_agent =
            user_agent.map(|agent| agent.chars().filter(|c| !c.is_control()).take(Self::MAX_USER_AGENT).collect());
        RequestFrom { address, user_agent }
    }
}

impl Principal {
    /// A caller of this kind, name and role, from nowhere in particular.
    pub fn new(kind: ActorKind, name: impl Into<String>, role: Role) -> Principal {
        Principal { kind, name: name.into(), role, from: RequestFrom::default() }
    }

    /// Whether this caller's role includes `needed`.
    pub fn may(&self, needed: Role) -> bool {
        self.role.includes(needed)
    }
}

/// What the console needs to know about the signed-in user.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: String,
    pub role: Role,
    /// The configured impersonation user, when this user may start runs as it.
    pub impersonate_user: Option<String>,
    /// Sent back in `X-CSRF-Token` on every unsafe request of this session.
    pub csrf_token: String,
}

impl std::fmt::Debug for SessionInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionInfo")
            .field("user", &self.user)
            .field("role", &self.role)
            .field("impersonate_user", &self.impersonate_user)
            .field("csrf_token", &"***")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CreatedToken, NewUser};

    #[test]
    fn debug_output_never_shows_a_secret() {
        let user = NewUser { name: "ann".to_owned(), role: Role::Admin, password: "hunter22-secret".to_owned() };
        let session = SessionInfo {
            user: "ann".to_owned(),
            role: Role::Admin,
            impersonate_user: None,
            csrf_token: "csrf-secret".to_owned(),
        };
        let token = crate::ApiToken {
            id: "1".to_owned(),
            name: "ci".to_owned(),
            role: Role::Viewer,
            created_by: "ann".to_owned(),
            created_at: String::new(),
            last_used_at: None,
            revoked_at: None,
        };
        let created = CreatedToken { token, secret: "tsk_secret".to_owned() };
        let printed = format!("{user:?} {session:?} {created:?}");
        for secret in ["hunter22-secret", "csrf-secret", "tsk_secret"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
}
