//! The one error type that crosses the wire. Every variant carries a message a person can read
//! and maps to an HTTP status; causes (SQL, I/O) are logged on the server, never sent.

use crate::domain::FieldErrors;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input that a domain type refused: what to fix, field by field (`FieldErrors`), so a
    /// form shows each message beside its field.
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You don't have access to that.")]
    Forbidden,
    #[error("We couldn't find {0}.")]
    NotFound(String),
    /// The request clashes with what is already saved (a taken email, a booked slot).
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Please try again in {}.", minutes_phrase(*retry_after_secs))]
    RateLimited { retry_after_secs: u64 },
    #[error("Waypoint is briefly unavailable. Please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The browser could not reach the server, or the request or response was malformed.
    #[error("We couldn't reach Waypoint. Check your connection and try again.")]
    Transport(String),
}

fn minutes_phrase(secs: u64) -> String {
    let minutes = secs.div_ceil(60).max(1);
    if minutes == 1 {
        "1 minute".to_string()
    } else {
        format!("{minutes} minutes")
    }
}

impl AppError {
    /// Refused input, with a message about the form as a whole.
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::Invalid(FieldErrors::from(message.into()))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) => StatusCode::BAD_REQUEST,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Sets this error's status on the response (a 4xx for what the user can fix, never a
    /// blanket 500). Called once, by the server-function shape in `db` (`db::run`).
    pub fn respond(self) -> Self {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            // A redirect already decided for this response (RequireUser sending a visitor to
            // sign in) wins over the status of a data fetch on the same page, whichever ends last.
            let redirecting = response.0.read().is_ok_and(|parts| parts.status.is_some_and(|s| s.is_redirection()));
            if !redirecting {
                response.set_status(self.status());
            }
        }
        self
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

impl From<crate::domain::ValidationError> for AppError {
    fn from(error: crate::domain::ValidationError) -> Self {
        AppError::Invalid(error.into())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server this is a request the function could not read (missing or malformed
    /// arguments): the caller's mistake, answered 400 like every other error, through `respond`.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = AppError::Transport(value.to_string());
        #[cfg(feature = "ssr")]
        let error = error.respond();
        error
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    /// Maps what the database refused to what the user may know; the cause goes to the log.
    /// Capability modules match their own constraint names first for more specific messages.
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => AppError::NotFound("that".into()),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => {
                tracing::error!(%error, "database unavailable");
                AppError::Unavailable
            }
            sqlx::Error::Database(db) => match db.code().as_deref() {
                Some("23505") => AppError::Conflict("That already exists.".into()),
                Some("23P01") => AppError::Conflict("That time overlaps another session.".into()),
                Some("42501") => AppError::Forbidden,
                Some("23503") => AppError::NotFound("what that refers to".into()),
                // The server went away or is out of room (connection exception, insufficient
                // resources, operator intervention such as a shutdown in progress): it comes
                // back by itself, so the caller may retry. Not our bug, not a 500.
                Some(code) if code.starts_with("08") || code.starts_with("53") || code.starts_with("57") => {
                    tracing::error!(%error, "database unavailable");
                    AppError::Unavailable
                }
                Some("23514") | Some("22P02") | Some("22001") => {
                    tracing::warn!(%error, "database refused a value the domain types let through");
                    AppError::invalid("Some of that information isn't valid.")
                }
                _ => {
                    tracing::error!(%error, "database error");
                    AppError::Internal
                }
            },
            _ => {
                tracing::error!(%error, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_message_rounds_up_to_whole_minutes() {
        assert_eq!(
            AppError::RateLimited { retry_after_secs: 61 }.to_string(),
            "Too many attempts. Please try again in 2 minutes."
        );
        assert_eq!(
            AppError::RateLimited { retry_after_secs: 5 }.to_string(),
            "Too many attempts. Please try again in 1 minute."
        );
    }

    #[test]
    fn transport_errors_read_as_connection_problems() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Request("dns".into()));
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert!(error.to_string().contains("couldn't reach Waypoint"));
    }

    #[test]
    fn errors_survive_the_wire() {
        let error = AppError::Conflict("That email is already registered.".into());
        let bytes = error.ser();
        assert_eq!(AppError::de(bytes), error);
    }
}
