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

/// mimalloc rather than glibc's malloc: rendering a page allocates and frees many small buffers
/// from every worker thread, and glibc's arena locks and consolidation took a third of a
/// signed-in page's CPU under load (`perf`, see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    } else if !config.demo_accounts_allowed {
        let owner = database.owner_pool().await?;
        let present = demo::present(&owner).await.context("checking for demo accounts")?;
        owner.close().await;
        if present {
            database.shutdown();
            anyhow::bail!(
                "this database holds the demo accounts, whose passwords are published in README.md, and it is \
                 not the local embedded one: remove the demo organization, or set WAYPOINT_DEMO_DATA=true if \
                 this really is a demo installation"
            );
        }
    }
    app::booking::api::ssr::bookings::install_note_keys(config.note_keys()?);
    app::notifications::links::install(config.link_key()?);
    let smtp_url = config.smtp_url.as_ref().map(|url| secrecy::ExposeSecret::expose_secret(url).to_string());
    let delivery = app::notifications::mailer::Delivery::from_url(smtp_url.as_deref()).map_err(anyhow::Error::msg)?;
    app::notifications::mailer::install(app::notifications::mailer::MailSettings {
        from: config.mail_from.clone(),
        site_url: config.public_url.clone(),
        keeping: smtp_url.is_none(),
    });
    let mailer = app::notifications::mailer::Mailer {
        delivery,
        from: app::notifications::mailer::mailbox(&config.mail_from).map_err(anyhow::Error::msg)?,
        site_url: config.public_url.clone(),
    };
    if smtp_url.is_none() {
        tracing::info!("SMTP_URL is not set: emails are kept in the outbox (administrators read them at /admin/outbox)");
    }
    let pool = database.app_pool(32).await?;
    let read_pool = match &config.database_read_url {
        Some(url) => {
            let replica = server::database::read_pool(secrecy::ExposeSecret::expose_secret(url), 32).await?;
            tracing::info!("public reads go to the replica at DATABASE_READ_URL");
            Some(replica)
        }
        None => None,
    };
    // The session store and the sign-in throttle get their own few connections (see http::Pools).
    let session_pool = database.app_pool(8).await?;
    // Expired sessions are swept hourly (the first sweep runs an hour after start).
    let sweeper = tokio::spawn(
        http::session_store(session_pool.clone()).continuously_delete_expired(std::time::Duration::from_secs(3600)),
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
    // Reminders and expiring holds: every organization's bookings, so the owner's pool (two
    // connections); exactly-once across restarts and servers is the worker's own doing.
    let worker_pool = database.owner_pool().await?;
    let booking_worker = tokio::spawn(app::booking::reminders::run(worker_pool.clone(), std::time::Duration::from_secs(30)));
    // Payments: Stripe when its keys are set; else the sandbox provider (the default), which keeps
    // its books on the owner's pool, as another company's system would on its own, and whose
    // worker delivers signed webhooks to our endpoint. The payments worker submits refunds; the
    // subscriptions worker renews and changes plans.
    let provider_pool = database.owner_pool().await?;
    let (provider, sandbox, sandbox_delivery): (std::sync::Arc<dyn app::payments::provider::PaymentProvider>, _, _) =
        match app::payments::stripe::from_env().map_err(anyhow::Error::msg)? {
            Some(stripe) => {
                tracing::info!("payments go through Stripe");
                (std::sync::Arc::new(stripe), None, None)
            }
            None => {
                let sandbox = app::payments::sandbox::Sandbox::new(
                    provider_pool.clone(),
                    config.public_url.clone(),
                    config
                        .sandbox_webhook_secrets
                        .iter()
                        .map(|secret| secrecy::ExposeSecret::expose_secret(secret).as_bytes().to_vec())
                        .collect(),
                );
                let delivery = tokio::spawn(app::payments::sandbox::delivery::run(
                    sandbox.clone(),
                    format!("{}/webhooks/payments/sandbox", config.public_url),
                    std::time::Duration::from_secs(2),
                ));
                (std::sync::Arc::new(sandbox.clone()), Some(sandbox), Some(delivery))
            }
        };
    // Email: its own owner connections, as a message's row stays locked while the SMTP server
    // takes it (see app::notifications::mailer).
    let mail_pool = database.owner_pool().await?;
    let mail_worker = tokio::spawn(app::notifications::mailer::run(mail_pool.clone(), mailer, std::time::Duration::from_secs(2)));
    let refunds_worker = tokio::spawn(app::payments::worker::run(worker_pool.clone(), provider.clone(), std::time::Duration::from_secs(5)));
    let subscriptions_worker =
        tokio::spawn(app::payments::renewals::run(worker_pool.clone(), provider.clone(), std::time::Duration::from_secs(5)));
    let options = http::HttpOptions {
        trusted_proxies: config.trusted_proxies.clone(),
        payments: Some(http::PaymentWiring {
            payments: app::payments::provider::Payments {
                provider,
                fee: config.platform_fee,
                site_url: config.public_url.clone(),
            },
            sandbox,
        }),
        page_cache: Some(server::page_cache::PageCacheOptions::default()),
        read_replica: read_pool.clone(),
        ..http::HttpOptions::for_site(&config.public_url)
    };
    let app = http::router(
        config.leptos.clone(),
        http::Pools { requests: pool.clone(), sessions: session_pool.clone() },
        &options,
    );
    let listener = tokio::net::TcpListener::bind(config.leptos.site_addr)
        .await
        .with_context(|| format!("binding {}", config.leptos.site_addr))?;
    tracing::info!("Waypoint is listening on http://{}", config.leptos.site_addr);
    let served = server::serve::serve(listener, app, server::serve::ServeLimits::default(), shutdown_signal()).await;
    sweeper.abort();
    throttle_sweeper.abort();
    booking_worker.abort();
    if let Some(delivery) = sandbox_delivery {
        delivery.abort();
    }
    refunds_worker.abort();
    subscriptions_worker.abort();
    mail_worker.abort();
    mail_pool.close().await;
    worker_pool.close().await;
    provider_pool.close().await;
    pool.close().await;
    if let Some(read_pool) = read_pool {
        read_pool.close().await;
    }
    session_pool.close().await;
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
    // Live notification streams never finish by themselves.
    app::notifications::live::close_streams();
}
