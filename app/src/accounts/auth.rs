//! The signed-in user as the pages see it ([`SessionUser`], [`Auth`], [`use_auth`]), the guard
//! for pages that need one ([`RequireUser`]), and where to go after signing in ([`safe_next`]).

use super::api::{current_user, SignIn, SignOut, SignUp};
use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The signed-in user, as much as the pages need (never the email or anything secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: Uuid,
    pub username: String,
    pub first_name: String,
    pub role: Role,
    pub organization_name: String,
}

/// Where to go after signing in: a path on this site only (never `//host` or a scheme), so the
/// `next` parameter cannot send anyone elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && !path.starts_with("/sign-in")
                && !path.starts_with("/sign-up") =>
        {
            path.to_string()
        }
        _ => "/account".to_string(),
    }
}

/// Percent-encodes a path for the `next` query parameter.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The signed-in user and the actions that change who that is, shared by the header and pages.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    /// Bumped by pages whose actions change what the header shows (a new name, a new role).
    pub changed: RwSignal<u32>,
}

impl Auth {
    pub fn provide() -> Auth {
        let sign_in = ServerAction::<SignIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let changed = RwSignal::new(0);
        let user = Resource::new(
            move || (sign_in.version().get(), sign_up.version().get(), sign_out.version().get(), changed.get()),
            |_| current_user(),
        );
        let auth = Auth { user, sign_in, sign_up, sign_out, changed };
        provide_context(auth);
        auth
    }
}

pub fn use_auth() -> Auth {
    use_context::<Auth>().unwrap_or_else(Auth::provide)
}

/// Renders `children` for a signed-in user; anyone else goes to sign-in and comes back after.
/// Routes using it render with `SsrMode::Async`, so the redirect is a real 302 without JavaScript.
#[component]
pub fn RequireUser<F, V>(children: F) -> impl IntoView
where
    F: Fn(SessionUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let auth = use_auth();
    let location = use_location();
    let children = std::sync::Arc::new(children);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => children(user).into_any(),
                        Ok(None) => {
                            let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                            let path = format!("/sign-in?next={}", encode_query_value(&here));
                            view! { <Redirect path/> }.into_any()
                        }
                        Err(error) => view! { <div class="error-box" role="alert"><p>{error.to_string()}</p></div> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
