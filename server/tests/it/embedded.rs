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

/// A folder the unprivileged `postgres` user cannot reach (as under a private home), or one whose
/// socket path would be too long, still works: the cluster lives under /var/tmp and the requested
/// folder is a symlink to it, so the next start finds the same data.
#[tokio::test]
async fn unreachable_or_deep_folders_fall_back_to_var_tmp() {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join(".data").join("test");
    std::fs::create_dir_all(&workspace).unwrap();
    let base = tempfile::Builder::new().prefix("fallback-").tempdir_in(&workspace).unwrap();
    let running_as_root = unsafe { libc::geteuid() } == 0;

    let deep =
        base.path().join("a-folder-name-long-enough-that-the-socket-path-would-not-fit-in-sun-path").join("postgres");
    let mut cases = vec![("deep", deep)];
    if running_as_root {
        let private = base.path().join("private-home");
        std::fs::create_dir(&private).unwrap();
        std::fs::set_permissions(&private, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        cases.push(("private", private.join("postgres")));
    }

    for (why, requested) in cases {
        let mut options = EmbeddedOptions::new(&requested);
        options.durable = false;
        let cluster = EmbeddedPostgres::start(&options).await.unwrap_or_else(|error| panic!("{why}: {error}"));
        let actual = cluster.dir().to_path_buf();
        assert!(actual.starts_with("/var/tmp"), "{why}: lives in {}", actual.display());
        assert_eq!(std::fs::read_link(&requested).unwrap(), actual, "{why}: the requested folder points there");
        let mut connection =
            sqlx::PgConnection::connect_with(&cluster.connect_options(SUPERUSER, "postgres")).await.unwrap();
        connection.execute("create table kept (n int); insert into kept values (7)").await.unwrap();
        connection.close().await.unwrap();
        cluster.stop();

        let again = EmbeddedPostgres::start(&options).await.unwrap();
        assert_eq!(again.dir(), actual, "{why}: the next start finds the same cluster");
        let mut connection =
            sqlx::PgConnection::connect_with(&again.connect_options(SUPERUSER, "postgres")).await.unwrap();
        let n: i32 = sqlx::query_scalar("select n from kept").fetch_one(&mut connection).await.unwrap();
        assert_eq!(n, 7);
        connection.close().await.unwrap();
        again.stop();
        std::fs::remove_dir_all(&actual).unwrap();
    }
}

/// The /var/tmp fallback is shared with every user of the machine: its folder gets a name nobody
/// can predict (so nobody can create it first), is closed to others, and a symlink into /var/tmp
/// is followed only to such a folder: a planted symlink or someone else's folder is refused.
#[tokio::test]
async fn the_var_tmp_fallback_cannot_be_predicted_or_planted() {
    let workspace = crate::support::scratch_dir();
    let base = tempfile::Builder::new().prefix("fallback-").tempdir_in(&workspace).unwrap();
    let deep = |name: &str| {
        base.path().join(format!("{name}-a-folder-name-long-enough-that-the-socket-path-would-not-fit")).join("postgres")
    };
    let start = |requested: std::path::PathBuf| async move {
        let mut options = EmbeddedOptions::new(&requested);
        options.durable = false;
        EmbeddedPostgres::start(&options).await
    };

    // Two starts for the same kind of folder get two different, unguessable, private folders.
    let first = start(deep("one")).await.unwrap();
    let second = start(deep("two")).await.unwrap();
    let (a, b) = (first.dir().to_path_buf(), second.dir().to_path_buf());
    first.stop();
    second.stop();
    assert_ne!(a, b);
    for dir in [&a, &b] {
        let name = dir.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("waypoint-pg-") && name.len() == "waypoint-pg-".len() + 6, "{name}");
        let meta = std::fs::symlink_metadata(dir).unwrap();
        assert!(meta.is_dir());
        assert_eq!(std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077, 0, "{} is private", dir.display());
    }

    // The fallback folder vanished (a cleaned /var/tmp): a fresh one is made, never the old name.
    std::fs::remove_dir_all(&a).unwrap();
    let again = start(deep("one")).await.unwrap();
    assert_ne!(again.dir(), a);
    assert_eq!(std::fs::read_link(deep("one")).unwrap(), again.dir());
    let fresh = again.dir().to_path_buf();
    again.stop();
    std::fs::remove_dir_all(&fresh).unwrap();
    std::fs::remove_dir_all(&b).unwrap();

    // Someone plants /var/tmp/waypoint-pg-… as a symlink to a folder of theirs: refused, not followed.
    let theirs = tempfile::Builder::new().prefix("theirs-").tempdir_in(&workspace).unwrap();
    let planted = std::path::PathBuf::from(format!("/var/tmp/waypoint-pg-planted{}", std::process::id()));
    let _ = std::fs::remove_file(&planted);
    std::os::unix::fs::symlink(theirs.path(), &planted).unwrap();
    let requested = deep("planted");
    std::fs::create_dir_all(requested.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&planted, &requested).unwrap();
    match start(requested.clone()).await {
        Err(EmbeddedError::UnsafeFallback { reason, .. }) => assert_eq!(reason, "it is a symlink"),
        other => panic!("a planted symlink must be refused, got {other:?}"),
    }
    assert_eq!(std::fs::read_dir(theirs.path()).unwrap().count(), 0, "nothing was written through it");
    std::fs::remove_file(&planted).unwrap();

    // A real folder there that others can open is not ours either.
    std::fs::create_dir(&planted).unwrap();
    std::fs::set_permissions(&planted, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    match start(requested).await {
        Err(EmbeddedError::UnsafeFallback { reason, .. }) => assert_eq!(reason, "other users can open it"),
        other => panic!("an open folder must be refused, got {other:?}"),
    }
    std::fs::remove_dir(&planted).unwrap();
}
