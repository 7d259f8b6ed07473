//! `server [serve | migrate | seed-demo | help]`: see README.md for the environment variables.

use anyhow::Context;
use server::config::Config;
use server::database::Database;
use server::{demo, http, telemetry};
use tower_sessions::ExpiredDeletion;

const USAGE: &str = "usage: server [serve | migrate | seed-demo | help]
  serve      apply migrations, load the reference data and (once) the demo data, and serve the site (default)
  migrate    apply migrations, load the reference data, and exit
  seed-demo  apply migrations, load the demo data if it is missing, and exit";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    telemetry::init();
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".to_string());
    let outcome = match command.as_str() {
        "serve" => serve().await,
        "migrate" => with_database(async |_| Ok(())).await,
        "seed-demo" => with_database(seed).await,
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("unknown command {other:?}\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Opens the database (starting the embedded cluster if needed), runs `work`, and stops it.
async fn with_database(work: impl AsyncFnOnce(&Database) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let database = Database::open(&config).await.context("opening the database")?;
    let result = work(&database).await;
    database.shutdown();
    result
}

async fn seed(database: &Database) -> anyhow::Result<()> {
    let owner = database.owner_pool().await?;
    let outcome = demo::load(&owner).await.context("loading demo data")?;
    owner.close().await;
    match outcome {
        demo::DemoOutcome::Loaded => println!("Demo data loaded. The accounts are listed in README.md."),
        demo::DemoOutcome::AlreadyPresent => println!("Demo data is already present; nothing to do."),
    }
    Ok(())
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let database = Database::open(&config).await.context("opening the database")?;
    if config.load_demo_data {
        seed(&database).await?;
    }
    let pool = database.app_pool(32).await?;
    // Expired sessions are swept hourly (the first sweep runs an hour after start).
    let sweeper = tokio::spawn(
        http::session_store(pool.clone()).continuously_delete_expired(std::time::Duration::from_secs(3600)),
    );
    // Finished sign-in / sign-up throttle windows are swept on the same rhythm.
    let throttle_sweeper = tokio::spawn({
        let pool = pool.clone();
        async move {
            let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every_hour.tick().await;
                if let Err(error) = app::accounts::throttle::sweep(&pool).await {
                    tracing::warn!(%error, "sweeping finished throttle windows failed");
                }
            }
        }
    });
    let app = http::router(
        config.leptos.clone(),
        pool.clone(),
        &http::HttpOptions { site_url: config.public_url.clone(), behind_https: config.behind_https },
    );
    let listener = tokio::net::TcpListener::bind(config.leptos.site_addr)
        .await
        .with_context(|| format!("binding {}", config.leptos.site_addr))?;
    tracing::info!("Waypoint is listening on http://{}", config.leptos.site_addr);
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(shutdown_signal()).await;
    sweeper.abort();
    throttle_sweeper.abort();
    pool.close().await;
    database.shutdown();
    served.context("serving HTTP")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
