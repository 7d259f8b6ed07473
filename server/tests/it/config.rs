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
        data_dir: std::path::PathBuf::from("/nonexistent/never-created"),
        public_url: "http://127.0.0.1:3000".into(),
        load_demo_data: false,
        behind_https: false,
        leptos: leptos::config::LeptosOptions::builder().output_name("waypoint").build(),
    };

    let database = Database::open(&config).await.expect("opens the given database and migrates it");
    let pool = database.app_pool(2).await.unwrap();
    let (current, session): (String, String) =
        sqlx::query_as("select current_user::text, session_user::text").fetch_one(&pool).await.unwrap();
    assert_eq!((current.as_str(), session.as_str()), ("waypoint_app", "postgres"));
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
    let error = Config::from_env_with(leptos).unwrap_err().to_string();
    std::env::remove_var("WAYPOINT_DEMO_DATA");
    assert!(error.contains("WAYPOINT_DEMO_DATA"), "{error}");
}
