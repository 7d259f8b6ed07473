//! What every HTTP test needs: the site's host and origin, form encoding, sending a request to
//! the router in-process, and a response read whole the way a browser would read it.

use app::error::AppError;
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::FromServerFnError;
use tower::ServiceExt;

pub const HOST: &str = "waypoint.example";
pub const ORIGIN: &str = "https://waypoint.example";

/// Percent-encodes a form field (application/x-www-form-urlencoded).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A form body from name/value pairs.
pub fn form<N: AsRef<str>, V: AsRef<str>>(fields: &[(N, V)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name.as_ref()), encode(value.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// A server function request (form fields in, JSON out) to `/api/<endpoint>`, with the session
/// cookie if given, but no Origin or Referer yet (CSRF tests leave them out on purpose).
pub fn server_fn_request(endpoint: &str, content_type: &str, cookie: Option<&str>) -> axum::http::request::Builder {
    let request = Request::post(format!("/api/{endpoint}"))
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, "application/json");
    match cookie {
        Some(cookie) => request.header(header::COOKIE, format!("waypoint_session={cookie}")),
        None => request,
    }
}

/// One response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// Sends `request` to `router` and reads the whole response.
    pub async fn send(router: axum::Router, request: Request<Body>) -> Reply {
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
    }

    /// The session cookie this response sets: `Some(None)` when it removes it.
    pub fn set_session_cookie(&self) -> Option<Option<String>> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|value| value.to_str().ok()).find_map(|cookie| {
            let value = cookie.strip_prefix("waypoint_session=")?.split(';').next()?.to_string();
            let removed = cookie.to_ascii_lowercase().contains("max-age=0");
            Some((!value.is_empty() && !removed).then_some(value))
        })
    }

    /// The session cookie this response sets, if it sets a live one.
    pub fn session_cookie(&self) -> Option<String> {
        self.set_session_cookie().flatten()
    }

    /// The typed error a server function answered with.
    #[track_caller]
    pub fn error(&self) -> AppError {
        assert!(!self.status.is_success(), "expected an error, got {} {}", self.status, self.body);
        AppError::de(self.body.clone().into())
    }

    #[track_caller]
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("{error}: {}", self.body))
    }

    /// Where a successful server function sends the browser next.
    pub fn redirect(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|value| value.to_str().ok())
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        self
    }
}

/// A fresh database and the site's router over it (connected as `waypoint_app`).
pub async fn site() -> (crate::support::TestDb, axum::Router) {
    let db = crate::support::TestDb::new().await;
    let router = crate::http::app(db.app.clone());
    (db, router)
}

/// Two organizations of fixtures (acme and globex); every account's password becomes `password`.
pub async fn tenants(db: &crate::support::TestDb, password: &str) -> (crate::fixtures::Tenant, crate::fixtures::Tenant) {
    let acme = crate::fixtures::tenant(&db.owner, "acme").await;
    let globex = crate::fixtures::tenant(&db.owner, "globex").await;
    let hash = app::accounts::password::hash(password).unwrap();
    sqlx::query("update users set password_hash = $1").bind(hash).execute(&db.owner).await.unwrap();
    (acme, globex)
}
