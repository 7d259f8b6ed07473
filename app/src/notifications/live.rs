//! Live notifications: each app server holds one `LISTEN waypoint_notifications` connection
//! (the triggers of migration 16 `NOTIFY` it with a person's id when one of their notifications
//! is written or read, at commit), and fans the news out to the server-sent event streams of
//! that person's open pages. Because the news goes through PostgreSQL, a notification written
//! through one app server reaches a browser connected to any other. Server-only.
//!
//! The stream (`GET /notifications/live`, for a signed-in session) sends `event: unread` with
//! the person's unread count when it opens and whenever it changes; a keep-alive comment every
//! 15 seconds holds proxies open, and the browser's `EventSource` reconnects by itself. When the
//! listener loses its connection it reconnects and every stream counts again, as notifications
//! may have been missed meanwhile.

use crate::db::caller::{resolve, SignedIn};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::PgPool;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;
use uuid::Uuid;

/// The channel the triggers notify.
pub const CHANNEL: &str = "waypoint_notifications";

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// This person's notifications.
    Person(Uuid),
    /// Anyone's: the listener reconnected and may have missed news.
    Anyone,
}

/// One app server's listener, shared by every stream it serves.
#[derive(Debug, Clone)]
pub struct Hub {
    sender: broadcast::Sender<Change>,
    /// Where to listen: a connection of its own (not one of the request pool's), opened when
    /// the first stream subscribes, so a server nobody watches holds no extra connection.
    options: PgConnectOptions,
    started: std::sync::Arc<std::sync::Once>,
}

impl Hub {
    /// A hub for `pool`'s database; it starts listening at the first [`Hub::subscribe`] and
    /// reconnects for as long as the process runs.
    pub fn start(pool: PgPool) -> Hub {
        let (sender, _) = broadcast::channel(1024);
        Hub { sender, options: pool.connect_options().as_ref().clone(), started: std::sync::Arc::new(std::sync::Once::new()) }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        let receiver = self.sender.subscribe();
        self.started.call_once(|| {
            // One connection, apart from the request pool (LISTEN needs no privilege).
            let pool = PgPoolOptions::new().max_connections(1).connect_lazy_with(self.options.clone());
            tokio::spawn(listen(pool, self.sender.clone()));
        });
        receiver
    }
}

async fn listen(pool: PgPool, sender: broadcast::Sender<Change>) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "live notifications: cannot connect; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(%error, "live notifications: LISTEN failed; retrying");
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        // Anything may have happened while not listening.
        let _ = sender.send(Change::Anyone);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    if let Ok(person) = notification.payload().parse::<Uuid>() {
                        // No receiver (nobody connected) is not an error.
                        let _ = sender.send(Change::Person(person));
                    }
                }
                // The connection dropped; the next call reconnects and re-listens.
                Ok(None) => {
                    tracing::info!("live notifications: connection lost; reconnecting");
                    let _ = sender.send(Change::Anyone);
                }
                Err(error) => {
                    tracing::warn!(%error, "live notifications: listener failed; starting again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

/// Whether this process is shutting down: open streams end then, so a graceful shutdown does
/// not wait for browsers that would keep them open for ever (they reconnect to another server).
fn closing() -> &'static tokio::sync::watch::Sender<bool> {
    static CLOSING: std::sync::OnceLock<tokio::sync::watch::Sender<bool>> = std::sync::OnceLock::new();
    CLOSING.get_or_init(|| tokio::sync::watch::channel(false).0)
}

/// Ends every open stream of this process (called when shutdown begins).
pub fn close_streams() {
    closing().send_replace(true);
}

/// What the stream's route needs.
#[derive(Debug, Clone)]
pub struct LiveState {
    /// The request pool (row-level security applies to the counts).
    pub pool: PgPool,
    pub hub: Hub,
}

/// `GET /notifications/live`: the signed-in person's unread count, as server-sent events.
pub async fn stream(State(state): State<LiveState>, session: tower_sessions::Session) -> Response {
    let user = match resolve(&session, &state.pool).await {
        Ok(Some(user)) => user,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "Sign in to receive notifications.").into_response(),
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "Notifications are briefly unavailable.").into_response(),
    };
    let watch = Watch {
        receiver: state.hub.subscribe(),
        closing: closing().subscribe(),
        pool: state.pool,
        session,
        user,
        last: None,
        opened: false,
    };
    let events = futures::stream::unfold(watch, |mut watch| async move {
        let count = watch.next_count().await?;
        let event = Event::default().event("unread").data(count.to_string()).retry(Duration::from_secs(3));
        Some((Ok::<Event, Infallible>(event), watch))
    });
    let mut response = Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    // Proxies such as nginx would otherwise buffer the stream.
    response.headers_mut().insert("x-accel-buffering", axum::http::HeaderValue::from_static("no"));
    response
}

/// One open stream.
struct Watch {
    receiver: broadcast::Receiver<Change>,
    closing: tokio::sync::watch::Receiver<bool>,
    pool: PgPool,
    session: tower_sessions::Session,
    user: SignedIn,
    /// The count last sent.
    last: Option<i64>,
    opened: bool,
}

impl Watch {
    /// The next count to send: at once when the stream opens, then after each change that
    /// moves it. `None` ends the stream (signed out since, or the server is shutting down).
    async fn next_count(&mut self) -> Option<i64> {
        loop {
            if *self.closing.borrow() {
                return None;
            }
            if self.opened {
                let change = tokio::select! {
                    change = self.receiver.recv() => change,
                    _ = self.closing.wait_for(|closing| *closing) => return None,
                };
                match change {
                    Ok(Change::Person(person)) if person != self.user.user_id => continue,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
                // Signed out, suspended or signed out everywhere since the stream opened.
                match resolve(&self.session, &self.pool).await {
                    Ok(Some(user)) => self.user = user,
                    Ok(None) => return None,
                    Err(_) => continue,
                }
            }
            self.opened = true;
            let count = match self.count().await {
                Ok(count) => count,
                Err(error) => {
                    tracing::warn!(%error, "live notifications: counting failed");
                    continue;
                }
            };
            if self.last != Some(count) {
                self.last = Some(count);
                return Some(count);
            }
        }
    }

    async fn count(&self) -> Result<i64, sqlx::Error> {
        let mut tx = crate::db::tx(&self.pool, &self.user.ctx()).await?;
        let count = super::api::ssr::unread_of(&mut tx, self.user.user_id).await?;
        tx.commit().await?;
        Ok(count)
    }
}
