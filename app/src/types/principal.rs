//! Who is asking: roles, the kinds of actors that start runs, and the
//! signed-in user's view of their own session.

use serde::{Deserialize, Serialize};

/// What an account may do. Each role includes the ones below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads tasks, runs and schedules.
    Viewer,
    /// Also starts, re-runs and cancels runs, and controls schedules.
    Operator,
    /// Also manages users and API tokens.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Whether this role includes everything `needed` may do.
    pub fn includes(self, needed: Role) -> bool {
        self >= needed
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of actor recorded as having started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    User,
    Token,
    Schedule,
    Cli,
    External,
}

impl ActorKind {
    pub const ALL: [ActorKind; 5] =
        [ActorKind::User, ActorKind::Token, ActorKind::Schedule, ActorKind::Cli, ActorKind::External];

    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::Token => "token",
            ActorKind::Schedule => "schedule",
            ActorKind::Cli => "cli",
            ActorKind::External => "external",
        }
    }

    pub fn parse(text: &str) -> Option<ActorKind> {
        ActorKind::ALL.into_iter().find(|kind| kind.as_str() == text)
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
