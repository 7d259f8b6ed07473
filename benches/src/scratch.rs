//! A private embedded PostgreSQL for one benchmark, under `.data/<name>`: migrated, with the
//! reference data, started fresh and removed afterwards.

use server::config::Config;
use server::database::Database;
use sqlx::PgPool;

/// The cluster and its owner and request (`waypoint_app`) pools.
pub struct Scratch {
    pub database: Database,
    pub owner: PgPool,
    pub app: PgPool,
    dir: std::path::PathBuf,
}

impl Scratch {
    pub async fn start(name: &str, app_connections: u32) -> anyhow::Result<Scratch> {
        let dir = std::path::PathBuf::from(".data").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let mut config = Config::from_env_with(leptos::config::LeptosOptions::builder().output_name("waypoint").build())?;
        config.database_url = None;
        config.app_database_url = None;
        config.data_dir = dir.clone();
        let database = Database::open(&config).await?;
        let owner = database.owner_pool().await?;
        let app = database.app_pool(app_connections).await?;
        Ok(Scratch { database, owner, app, dir })
    }

    /// Closes the pools, stops the cluster and removes its folder.
    pub async fn stop(self) {
        self.app.close().await;
        self.owner.close().await;
        self.database.shutdown();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
