//! With DATABASE_URL set, the server uses that server, starts nothing, and still serves requests
//! as waypoint_app (SET ROLE on each connection when no APP_DATABASE_URL is given).

use crate::support::TestDb;
use server::config::Config;
use server::database::Database;

#[tokio::test]
async fn database_url_is_used_and_requests_still_run_as_the_app_role() {
    let db = TestDb::new().await;
    let socket = db.owner_options.get_socket().expect("the test cluster listens on a socket").display().to_string();
    let url = format!("postgres://postgres@localhost:{}/{}?host={socket}", db.owner_options.get_port(), db.name);

    // Built directly, not from the environment, which another test in this binary changes.
    let config = Config {
        database_url: Some(url.into()),
        app_database_url: None,
        database_read_url: None,
        data_dir: std::path::PathBuf::from("/nonexistent/never-created"),
        public_url: "http://127.0.0.1:3000".into(),
        load_demo_data: false,
        demo_accounts_allowed: false,
        trusted_proxies: Vec::new(),
        behind_https: false,
        encryption_key: None,
        platform_fee: app::payments::domain::PlatformFee::DEFAULT,
        sandbox_webhook_secrets: Vec::new(),
        smtp_url: None,
        mail_from: "Waypoint <no-reply@localhost>".into(),
        leptos: leptos::config::LeptosOptions::builder().output_name("waypoint").build(),
    };

    let database = Database::open(&config).await.expect("opens the given database and migrates it");
    let pool = database.app_pool(2).await.unwrap();
    let (current, session): (String, String) =
        sqlx::query_as("select current_user::text, session_user::text").fetch_one(&pool).await.unwrap();
    assert_eq!(
        (current.as_str(), session.as_str()),
        ("waypoint_app", "waypoint_login"),
        "requests log in as the dedicated login role, never as the owner"
    );
    // A RESET ROLE slipped into a request falls back to the login role, which can read nothing.
    let mut connection = pool.acquire().await.unwrap();
    sqlx::query("reset role").execute(&mut *connection).await.unwrap();
    let after_reset: String = sqlx::query_scalar("select current_user::text").fetch_one(&mut *connection).await.unwrap();
    assert_eq!(after_reset, "waypoint_login", "never the owner");
    let readable: Result<i64, _> = sqlx::query_scalar("select count(*) from users").fetch_one(&mut *connection).await;
    assert!(readable.is_err(), "waypoint_login itself can read nothing");
    sqlx::query("set role waypoint_app").execute(&mut *connection).await.unwrap();
    drop(connection);
    let users: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&pool).await.unwrap();
    assert_eq!(users, 0, "row-level security binds the switched role");
    assert!(!std::path::Path::new("/nonexistent/never-created").exists(), "nothing was started");
    pool.close().await;
    database.shutdown();
}

#[test]
fn bad_configuration_is_refused_with_the_variable_named() {
    let leptos = leptos::config::LeptosOptions::builder().output_name("waypoint").build();
    // Only this test reads the environment's configuration in this binary.
    std::env::set_var("WAYPOINT_PUBLIC_URL", "waypoint.example");
    let error = Config::from_env_with(leptos.clone()).unwrap_err().to_string();
    std::env::remove_var("WAYPOINT_PUBLIC_URL");
    assert!(error.contains("WAYPOINT_PUBLIC_URL") && error.contains("http"), "{error}");

    std::env::set_var("WAYPOINT_DEMO_DATA", "sometimes");
    let error = Config::from_env_with(leptos.clone()).unwrap_err().to_string();
    std::env::remove_var("WAYPOINT_DEMO_DATA");
    assert!(error.contains("WAYPOINT_DEMO_DATA"), "{error}");

    std::env::set_var("WAYPOINT_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal");
    let error = Config::from_env_with(leptos.clone()).unwrap_err().to_string();
    std::env::remove_var("WAYPOINT_TRUSTED_PROXIES");
    assert!(error.contains("WAYPOINT_TRUSTED_PROXIES") && error.contains("proxy.internal"), "{error}");

    // Demo accounts (published passwords) only on a local machine unless asked for explicitly.
    let local = Config::from_env_with(leptos.clone()).unwrap();
    assert!(local.load_demo_data && local.demo_accounts_allowed, "the embedded database over http: a local demo");
    std::env::set_var("WAYPOINT_PUBLIC_URL", "https://careers.example.edu");
    let public = Config::from_env_with(leptos.clone()).unwrap();
    assert!(!public.load_demo_data && !public.demo_accounts_allowed, "an https site gets no demo accounts");
    std::env::set_var("WAYPOINT_DEMO_DATA", "true");
    let asked = Config::from_env_with(leptos.clone()).unwrap();
    assert!(asked.load_demo_data && asked.demo_accounts_allowed, "unless WAYPOINT_DEMO_DATA=true is given");
    std::env::remove_var("WAYPOINT_DEMO_DATA");
    std::env::remove_var("WAYPOINT_PUBLIC_URL");
    // (DATABASE_URL is not set here: the test harness itself reads it to find its cluster.)
}

/// A database that holds the demo accounts is refused outside the local default.
#[tokio::test]
async fn demo_accounts_are_found_where_they_must_not_be() {
    let db = TestDb::new().await;
    assert!(!server::demo::present(&db.owner).await.unwrap());
    server::demo::load(&db.owner).await.unwrap();
    assert!(server::demo::present(&db.owner).await.unwrap());
}
