//! Forms that work before hydration and without JavaScript, errors included.
//!
//! With JavaScript an `<ActionForm>` posts in the background and its action's value carries the
//! server's answer. Without it (or when someone submits before the WASM has loaded) the browser
//! posts the form itself: the server's `plain_form_posts` layer keeps a refused submission in
//! the session as a [`FormFlash`] (the error and the values typed, passwords excepted) and sends
//! the browser back to the page with 303 See Other. The page takes the flash once
//! ([`take_form_flash`], through a resource, so the hydrated page sees the same) and a
//! [`FormFeedback`] shows its messages beside their fields, with the values kept.

use crate::error::AppError;
use leptos::prelude::*;
use server_fn::ServerFn;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A refused plain form post, as the server kept it for the page it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormFlash {
    /// The server function's path, e.g. `/api/sign_in` (`<SignIn as ServerFn>::PATH`).
    pub endpoint: String,
    pub error: AppError,
    /// What was typed, by field name; fields whose name mentions "password" are never kept.
    pub values: Vec<(String, String)>,
}

impl FormFlash {
    /// The session entry the server's layer writes and [`take_form_flash`] removes.
    pub const SESSION_KEY: &'static str = "waypoint.form";

    /// Whether a field's value may be kept and shown again: never a password or a bank account
    /// number (the session would hold it, and the page would type it back in).
    pub fn keeps(field: &str) -> bool {
        let field = field.to_ascii_lowercase();
        !field.contains("password") && field != "account"
    }
}

/// The refused submission waiting for this page, if any; it is removed as it is read, so a
/// reload shows a clean form.
#[server(endpoint = "take_form_flash")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn take_form_flash() -> Result<Option<FormFlash>, AppError> {
    crate::db::run(async {
        let session = crate::db::caller::session().await?;
        session.remove::<FormFlash>(FormFlash::SESSION_KEY).await.map_err(|error| {
            tracing::error!(%error, "session store error");
            AppError::Unavailable
        })
    })
    .await
}

/// One form's server-side messages and kept values, provided as context to its fields.
#[derive(Clone)]
pub struct FormFeedback {
    error: Signal<Option<AppError>>,
    values: Arc<Vec<(String, String)>>,
}

impl FormFeedback {
    /// The feedback of the form that posts to `action`: its latest answer (with JavaScript), or
    /// `flash`, the refused plain post the page came back with, when it was posted to this
    /// action's endpoint, and only until the action answers.
    pub fn new<S>(action: ServerAction<S>, flash: Option<FormFlash>) -> Self
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        Self::with_latest(S::PATH, flash, move || action.value().get())
    }

    fn with_latest<T: 'static>(
        endpoint: &str,
        flash: Option<FormFlash>,
        latest: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    ) -> Self {
        let flash = flash.filter(|flash| flash.endpoint == endpoint);
        let values = Arc::new(flash.as_ref().map(|flash| flash.values.clone()).unwrap_or_default());
        let flashed = flash.map(|flash| flash.error);
        let error = Signal::derive(move || match latest() {
            Some(answer) => answer.err(),
            None => flashed.clone(),
        });
        Self { error, values }
    }

    /// Makes this the feedback of the fields rendered inside the current component.
    pub fn provide(&self) {
        provide_context(self.clone());
    }

    pub fn current() -> Option<FormFeedback> {
        use_context::<FormFeedback>()
    }

    /// The error to show above the form (every message, as the summary).
    pub fn error(&self) -> Option<AppError> {
        self.error.get()
    }

    /// The server's message about one field, to show beside it.
    pub fn field_error(&self, field: &str) -> Option<String> {
        match self.error.get() {
            Some(AppError::Invalid(errors)) => errors.field(field).map(str::to_string),
            _ => None,
        }
    }

    /// What was typed into `field` before a refused plain post.
    pub fn value(&self, field: &str) -> Option<String> {
        self.values.iter().find(|(name, _)| name == field).map(|(_, value)| value.clone())
    }

    /// Whether a refused plain post left values for this form.
    pub fn has_values(&self) -> bool {
        !self.values.is_empty()
    }
}

/// The refused plain post waiting for this page (see the module comment). Create it at the top
/// of the page component, so the server renders with it and the browser hydrates with the same.
pub fn form_flash() -> Resource<Option<FormFlash>> {
    Resource::new(|| (), |_| async {
        take_form_flash().await.unwrap_or_else(|error| {
            tracing::warn!(%error, "could not read a refused form's messages");
            None
        })
    })
}

/// Renders `children` (a form's fields) with `feedback` as their [`FormFeedback`].
#[component]
pub fn WithFeedback(feedback: FormFeedback, children: Children) -> impl IntoView {
    feedback.provide();
    children()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FieldErrors;

    fn flash(endpoint: &str) -> FormFlash {
        let mut errors = FieldErrors::new();
        errors.add("email", "An email address needs an @, as in name@example.org.");
        FormFlash {
            endpoint: endpoint.into(),
            error: AppError::Invalid(errors),
            values: vec![("email".into(), "ada.example.org".into())],
        }
    }

    #[test]
    fn a_flash_for_this_form_shows_its_messages_and_values() {
        let owner = Owner::new();
        owner.with(|| {
            let feedback = FormFeedback::with_latest("/api/sign_up", Some(flash("/api/sign_up")), || None::<Result<(), AppError>>);
            assert_eq!(
                feedback.field_error("email").as_deref(),
                Some("An email address needs an @, as in name@example.org.")
            );
            assert_eq!(feedback.value("email").as_deref(), Some("ada.example.org"));
            assert_eq!(feedback.field_error("username"), None);
        });
    }

    #[test]
    fn a_flash_for_another_form_is_ignored() {
        let owner = Owner::new();
        owner.with(|| {
            let feedback = FormFeedback::with_latest("/api/sign_in", Some(flash("/api/sign_up")), || None::<Result<(), AppError>>);
            assert_eq!(feedback.error(), None);
            assert_eq!(feedback.value("email"), None);
        });
    }

    #[test]
    fn passwords_are_never_kept() {
        assert!(!FormFlash::keeps("password"));
        assert!(!FormFlash::keeps("new_password"));
        assert!(!FormFlash::keeps("current_password"));
        assert!(!FormFlash::keeps("account"), "a bank account number");
        assert!(FormFlash::keeps("email"));
    }
}
