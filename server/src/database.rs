//! Connecting to PostgreSQL: the embedded cluster or `DATABASE_URL`, migrations as the owner,
//! and the request pool as `waypoint_app`, which row-level security binds.

use crate::config::Config;
use crate::embedded::{EmbeddedError, EmbeddedOptions, EmbeddedPostgres, SUPERUSER};
use secrecy::ExposeSecret;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The role every request runs as (created by the first migration).
pub const APP_ROLE: &str = "waypoint_app";
/// The role the request pool logs in as when it must `SET ROLE waypoint_app` (created by the
/// hardening migration): it owns nothing and can do nothing but become `waypoint_app`.
pub const LOGIN_ROLE: &str = "waypoint_login";
/// The database the embedded cluster keeps Waypoint in.
pub const EMBEDDED_DATABASE: &str = "waypoint";

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error("{name} is not a valid PostgreSQL URL: {reason}")]
    BadUrl { name: &'static str, reason: String },
    #[error("could not connect to PostgreSQL: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Reference(#[from] crate::reference::ReferenceError),
    #[error("could not set up the {LOGIN_ROLE} role the request pool logs in as (the DATABASE_URL role needs CREATEROLE, or set APP_DATABASE_URL): {0}")]
    LoginRole(#[source] sqlx::Error),
}

/// The login role's password, derived from the owner's URL (which holds the owner's password),
/// so every server started with the same `DATABASE_URL` sets and uses the same one and nothing
/// is stored anywhere. An owner URL without a password gets a random one for this process.
fn login_password(owner_url: &str) -> String {
    use blake2::Digest;
    let authority = owner_url.split_once("://").map_or(owner_url, |(_, rest)| rest).split(['/', '?']).next().unwrap_or("");
    let has_password = authority.rsplit_once('@').is_some_and(|(user_info, _)| user_info.contains(':'));
    let seed = if has_password { owner_url.to_string() } else { uuid::Uuid::new_v4().to_string() };
    let digest = blake2::Blake2s256::new().chain_update(b"waypoint_login\0").chain_update(seed.as_bytes()).finalize();
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// How requests reach the database as the application role.
#[derive(Debug, Clone)]
pub enum AppConnection {
    /// Log in as `waypoint_app` directly (the embedded cluster, or `APP_DATABASE_URL`).
    Direct(PgConnectOptions),
    /// Log in as `waypoint_login` (on the owner's server, with a password the owner sets at
    /// start-up) and `SET ROLE waypoint_app` on every new connection: for a `DATABASE_URL`
    /// without `APP_DATABASE_URL`. Requests never hold a connection logged in as the owner, so a
    /// `RESET ROLE` slipped into a query cannot gain the owner's rights.
    SetRole(PgConnectOptions),
}

/// Where the data lives. Keeps the embedded cluster running while it exists.
#[derive(Debug)]
pub struct Database {
    pub owner: PgConnectOptions,
    pub app: AppConnection,
    embedded: Option<EmbeddedPostgres>,
    /// The password migrate() gives `waypoint_login` (SET ROLE mode only).
    login_password: Option<String>,
}

fn parse_url(name: &'static str, url: &str) -> Result<PgConnectOptions, DatabaseError> {
    url.parse::<PgConnectOptions>().map_err(|error| DatabaseError::BadUrl { name, reason: error.to_string() })
}

impl Database {
    /// Starts the embedded cluster when no `DATABASE_URL` is set, creates Waypoint's database
    /// in it if needed, applies the migrations and loads the reference data.
    pub async fn open(config: &Config) -> Result<Self, DatabaseError> {
        let mut login_password_to_set = None;
        let database = match &config.database_url {
            Some(url) => {
                let owner = parse_url("DATABASE_URL", url.expose_secret())?;
                let app = match &config.app_database_url {
                    Some(app_url) => AppConnection::Direct(parse_url("APP_DATABASE_URL", app_url.expose_secret())?),
                    None => {
                        let password = login_password(url.expose_secret());
                        login_password_to_set = Some(password.clone());
                        AppConnection::SetRole(owner.clone().username(LOGIN_ROLE).password(&password))
                    }
                };
                Database { owner, app, embedded: None, login_password: login_password_to_set }
            }
            None => {
                let cluster = EmbeddedPostgres::start(&EmbeddedOptions::new(config.data_dir.join("postgres"))).await?;
                tracing::info!(dir = %cluster.dir().display(), "embedded PostgreSQL started");
                create_database_if_missing(&cluster.connect_options(SUPERUSER, "postgres"), EMBEDDED_DATABASE).await?;
                Database {
                    owner: cluster.connect_options(SUPERUSER, EMBEDDED_DATABASE),
                    app: AppConnection::Direct(cluster.connect_options(APP_ROLE, EMBEDDED_DATABASE)),
                    embedded: Some(cluster),
                    login_password: None,
                }
            }
        };
        database.migrate().await?;
        Ok(database)
    }

    pub async fn owner_pool(&self) -> Result<PgPool, DatabaseError> {
        PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(self.owner.clone())
            .await
            .map_err(DatabaseError::Connect)
    }

    /// Applies the migrations, then loads the reference data (O*NET careers, the Interest
    /// Profiler) that every installation needs, demo data or not; both are no-ops when done.
    pub async fn migrate(&self) -> Result<(), DatabaseError> {
        let owner = self.owner_pool().await?;
        let result = async {
            MIGRATOR.run(&owner).await?;
            crate::reference::load(&owner).await?;
            if let Some(password) = &self.login_password {
                // DDL takes no parameters, so this can't be a checked `query!`: the password is
                // hex (see login_password), so it is safe inside the literal.
                owner
                    .execute(format!("alter role {LOGIN_ROLE} with login password '{password}'").as_str())
                    .await
                    .map_err(DatabaseError::LoginRole)?;
            }
            Ok::<(), DatabaseError>(())
        }
        .await;
        owner.close().await;
        result
    }

    /// The pool requests use.
    pub async fn app_pool(&self, max_connections: u32) -> Result<PgPool, DatabaseError> {
        app_pool(&self.app, max_connections).await
    }

    /// Closes nothing itself (close pools first), then stops the embedded cluster if there is one.
    pub fn shutdown(self) {
        if let Some(cluster) = self.embedded {
            cluster.stop();
        }
    }
}

pub async fn app_pool(connection: &AppConnection, max_connections: u32) -> Result<PgPool, DatabaseError> {
    let options = PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(5))
        .idle_timeout(Duration::from_secs(300));
    let pool = match connection {
        AppConnection::Direct(connect) => options.connect_with(connect.clone()).await,
        AppConnection::SetRole(connect) => {
            options
                .after_connect(|connection, _| {
                    Box::pin(async move {
                        sqlx::query!("set role waypoint_app").execute(&mut *connection).await?;
                        Ok(())
                    })
                })
                .connect_with(connect.clone())
                .await
        }
    };
    pool.map_err(DatabaseError::Connect)
}

/// The read replica's pool (`DATABASE_READ_URL`): connections `SET ROLE waypoint_app`, so the
/// replica's reads are bound by row-level security as the primary's are.
pub async fn read_pool(url: &str, max_connections: u32) -> Result<PgPool, DatabaseError> {
    app_pool(&AppConnection::SetRole(parse_url("DATABASE_READ_URL", url)?), max_connections).await
}

pub async fn create_database_if_missing(maintenance: &PgConnectOptions, name: &str) -> Result<(), DatabaseError> {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect_with(maintenance).await.map_err(DatabaseError::Connect)?;
    let exists = sqlx::query_scalar!(r#"select exists (select 1 from pg_database where datname = $1) as "exists!""#, name)
        .fetch_one(&mut connection)
        .await?;
    if !exists {
        // DDL takes no parameters, so this can't be a checked `query!`: the name is quoted as
        // an identifier instead.
        connection.execute(format!("create database \"{}\"", name.replace('"', "\"\"")).as_str()).await?;
        tracing::info!(database = name, "created database");
    }
    connection.close().await?;
    Ok(())
}
