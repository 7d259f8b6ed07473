//! The embedded cluster: created on first start, reused (data intact) on the next, and never
//! shared by two processes at once.

use server::embedded::{EmbeddedError, EmbeddedOptions, EmbeddedPostgres, SUPERUSER};
use sqlx::{Connection, Executor};

fn options(dir: &std::path::Path) -> EmbeddedOptions {
    let mut options = EmbeddedOptions::new(dir.join("postgres"));
    options.durable = false;
    options
}

#[tokio::test]
async fn data_survives_a_restart_and_a_second_instance_is_refused() {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join(".data").join("test");
    std::fs::create_dir_all(&workspace).unwrap();
    let dir = tempfile::Builder::new().prefix("embedded-").tempdir_in(&workspace).unwrap();

    let first = EmbeddedPostgres::start(&options(dir.path())).await.unwrap();
    let mut connection = sqlx::PgConnection::connect_with(&first.connect_options(SUPERUSER, "postgres")).await.unwrap();
    connection.execute("create table kept (note text); insert into kept values ('still here')").await.unwrap();
    connection.close().await.unwrap();

    // Only a socket inside the folder: no TCP listener.
    let listen: String = {
        let mut connection =
            sqlx::PgConnection::connect_with(&first.connect_options(SUPERUSER, "postgres")).await.unwrap();
        sqlx::query_scalar("show listen_addresses").fetch_one(&mut connection).await.unwrap()
    };
    assert_eq!(listen, "");

    match EmbeddedPostgres::start(&options(dir.path())).await {
        Err(EmbeddedError::InUse { .. }) => {}
        other => panic!("a second instance on the same folder must be refused, got {other:?}"),
    }
    let message = EmbeddedError::InUse { dir: dir.path().into(), pid: "1".into() }.to_string();
    assert!(message.contains("already in use"), "{message}");

    first.stop();
    let second = EmbeddedPostgres::start(&options(dir.path())).await.unwrap();
    let mut connection =
        sqlx::PgConnection::connect_with(&second.connect_options(SUPERUSER, "postgres")).await.unwrap();
    let note: String = sqlx::query_scalar("select note from kept").fetch_one(&mut connection).await.unwrap();
    assert_eq!(note, "still here");
    connection.close().await.unwrap();
    second.stop();
}
