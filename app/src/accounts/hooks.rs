//! What other capabilities do when someone signs up or in, without accounts knowing who they
//! are: a capability registers a [`SignInHook`] (in `crate::SIGN_IN_HOOKS`, at the top of the
//! dependency graph), and accounts runs every registered hook. Today: assessments taken before
//! signing in become the account's.

use crate::db::{Body, Tx};
use crate::error::AppError;
use tower_sessions::Session;
use uuid::Uuid;

/// The account a visitor has just become (signed up as, or signed in to).
#[derive(Debug, Clone, Copy)]
pub struct NewMember {
    pub user_id: Uuid,
    pub org_id: Uuid,
}

/// One capability's work at sign-up and sign-in.
#[derive(Clone, Copy)]
pub struct SignInHook {
    /// Inside the sign-up or sign-in transaction (under the member's row-level security):
    /// adopt what the visitor kept in the session. Gives how many things were adopted.
    pub adopt: for<'a> fn(&'a Session, &'a mut Tx, NewMember) -> Body<'a, usize>,
    /// After that transaction has committed: forget the session's copy.
    pub forget: for<'a> fn(&'a Session) -> Body<'a, ()>,
}

/// Every registered hook (provided as context by the server; none in a bare test router).
#[derive(Clone, Copy, Default)]
pub struct SignInHooks(pub &'static [SignInHook]);

impl SignInHooks {
    pub fn current() -> Self {
        leptos::prelude::use_context::<SignInHooks>().unwrap_or_default()
    }

    pub async fn adopt(&self, session: &Session, tx: &mut Tx, member: NewMember) -> Result<usize, AppError> {
        let mut adopted = 0;
        for hook in self.0 {
            adopted += (hook.adopt)(session, tx, member).await?;
        }
        Ok(adopted)
    }

    pub async fn forget(&self, session: &Session) -> Result<(), AppError> {
        for hook in self.0 {
            (hook.forget)(session).await?;
        }
        Ok(())
    }
}
