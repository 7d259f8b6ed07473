//! The test harness: every test gets its own database, cloned from a migrated template, in a
//! PostgreSQL cluster private to this test process (or in `DATABASE_URL`'s server when set).
//! Two pools per database: the owner's (setting up fixtures) and `waypoint_app`'s (what the
//! product runs as, bound by row-level security).

use server::database::{create_database_if_missing, MIGRATOR};
use server::embedded::{EmbeddedOptions, EmbeddedPostgres, SUPERUSER};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgPool};
use std::path::PathBuf;
use std::sync::OnceLock;
use uuid::Uuid;

struct Cluster {
    /// Options for the maintenance database, as the owner.
    maintenance: PgConnectOptions,
    template: String,
    // Kept for the life of the process; PostgreSQL stops when the process exits.
    _embedded: Option<EmbeddedPostgres>,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

/// `.data/test`, where tests that start clusters of their own make their folders.
pub fn scratch_dir() -> PathBuf {
    let dir = workspace_dir().join(".data").join("test");
    std::fs::create_dir_all(&dir).expect("create .data/test");
    dir
}

fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("server/ has a parent").to_path_buf()
}

/// Removes clusters left by test processes that are gone, then makes this process's own.
fn fresh_cluster_dir() -> PathBuf {
    let root = workspace_dir().join(".data").join("test");
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            // `pg-<pid>` (a test process's cluster) and `replica-<pid>-<id>` (the read replica test's).
            let owner_pid = name
                .strip_prefix("pg-")
                .or_else(|| name.strip_prefix("replica-"))
                .and_then(|rest| rest.split('-').next())
                .and_then(|pid| pid.parse::<u32>().ok());
            if owner_pid.is_some_and(|pid| !PathBuf::from(format!("/proc/{pid}")).exists()) {
                let path = entry.path();
                if let Ok(target) = std::fs::read_link(&path) {
                    let _ = std::fs::remove_dir_all(target);
                }
                let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
            }
        }
    }
    root.join(format!("pg-{}", std::process::id()))
}

fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        // Set-up is async but this runs inside a test's runtime: do it on a thread of its own.
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                let (maintenance, embedded) = match std::env::var("DATABASE_URL") {
                    Ok(url) => (url.parse::<PgConnectOptions>().expect("DATABASE_URL parses"), None),
                    Err(_) => {
                        let mut options = EmbeddedOptions::new(fresh_cluster_dir());
                        options.durable = false;
                        options.max_connections = 300;
                        let embedded = EmbeddedPostgres::start(&options).await.expect("embedded PostgreSQL starts");
                        (embedded.connect_options(SUPERUSER, "postgres"), Some(embedded))
                    }
                };
                let template = format!("waypoint_template_{}", std::process::id());
                let mut connection = sqlx::PgConnection::connect_with(&maintenance).await.expect("connect");
                connection
                    .execute(format!("drop database if exists {template}").as_str())
                    .await
                    .expect("drop old template");
                connection.close().await.ok();
                create_database_if_missing(&maintenance, &template).await.expect("create template");
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_with(maintenance.clone().database(&template))
                    .await
                    .expect("connect to template");
                MIGRATOR.run(&pool).await.expect("migrations apply");
                // Every test's database has the reference data, as every installation does.
                server::reference::load(&pool).await.expect("reference data loads");
                pool.close().await;
                Cluster { maintenance, template, _embedded: embedded }
            })
        })
        .join()
        .expect("cluster set-up thread")
    })
}

/// One test's database.
pub struct TestDb {
    pub name: String,
    /// The owner: bypasses row-level security; for fixtures and for checking what was stored.
    pub owner: PgPool,
    /// `waypoint_app`, as the server connects: bound by row-level security.
    pub app: PgPool,
    pub owner_options: PgConnectOptions,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let cluster = cluster();
        let name = format!("t_{}", Uuid::new_v4().simple());
        let mut connection = sqlx::PgConnection::connect_with(&cluster.maintenance).await.expect("connect");
        connection
            .execute(format!("create database {name} template {}", cluster.template).as_str())
            .await
            .expect("clone the template");
        connection.close().await.ok();
        let owner_options = cluster.maintenance.clone().database(&name);
        let app_options = owner_options.clone().username("waypoint_app");
        let owner =
            PgPoolOptions::new().max_connections(4).connect_with(owner_options.clone()).await.expect("owner pool");
        let app = PgPoolOptions::new().max_connections(4).connect_with(app_options.clone()).await.expect("app pool");
        TestDb { name, owner, app, owner_options }
    }
}

/// The embedded cluster the tests run on (`None` under an external `DATABASE_URL`): the read
/// replica test copies it.
pub fn embedded_cluster() -> Option<&'static EmbeddedPostgres> {
    cluster()._embedded.as_ref()
}

/// A test's database goes when the test ends (pass or fail): each is a full copy of the template
/// with the reference data, and 200 of them kept until the run ended took 10 GB of disk.
impl Drop for TestDb {
    fn drop(&mut self) {
        let maintenance = cluster().maintenance.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let mut connection = sqlx::PgConnection::connect_with(&maintenance).await.ok()?;
                // `force` ends the test's own pools' connections, still open at this point.
                connection.execute(format!("drop database if exists {name} with (force)").as_str()).await.ok()?;
                connection.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("test database {} was not dropped", self.name);
        }
    }
}
