//! Who someone is to Waypoint: their role and whether their account is usable. Both are
//! PostgreSQL enums (`user_role`, `user_status`) and cross the wire as snake_case strings.

use super::ValidationError;
use serde::{Deserialize, Serialize};

/// What someone may do. `OrgAdmin` manages one organization; `Admin` runs the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "user_role", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Student,
    Mentor,
    OrgAdmin,
    Admin,
}

impl Role {
    /// The name row-level security policies compare against (`app.role`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Mentor => "mentor",
            Role::OrgAdmin => "org_admin",
            Role::Admin => "admin",
        }
    }

    pub const ALL: [Role; 4] = [Role::Student, Role::Mentor, Role::OrgAdmin, Role::Admin];

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == input)
            .ok_or_else(|| ValidationError(format!("\u{201c}{input}\u{201d} isn't a role.")))
    }

    /// Organization administrators and platform administrators.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::OrgAdmin | Role::Admin)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Student => "Student",
            Role::Mentor => "Mentor",
            Role::OrgAdmin => "Organization admin",
            Role::Admin => "Platform admin",
        }
    }
}

/// Whether an account can be used. Only `Active` accounts sign in; an administrator suspends or
/// reactivates, and deleting an account deactivates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "user_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Suspended,
    Deactivated,
}

impl UserStatus {
    pub fn label(self) -> &'static str {
        match self {
            UserStatus::Active => "Active",
            UserStatus::Suspended => "Suspended",
            UserStatus::Deactivated => "Deactivated",
        }
    }
}
