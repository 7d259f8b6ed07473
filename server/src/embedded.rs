//! A private PostgreSQL cluster for local runs and tests, started from the machine's own
//! binaries (`pg_config --bindir`). It listens only on a Unix socket inside its folder, runs as an
//! unprivileged user when we are root (PostgreSQL refuses to run as root), and stops when the
//! handle is stopped or dropped, or when this process dies (the child gets SIGINT, a fast
//! shutdown, through PR_SET_PDEATHSIG).

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::ffi::CString;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

/// The superuser initdb creates; it owns the databases and runs migrations.
pub const SUPERUSER: &str = "postgres";
const PORT: u16 = 5432;
/// Unix socket paths are limited to 107 bytes on Linux.
const MAX_SOCKET_DIR_LEN: usize = 90;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL's server programs were not found ({0}). Run `make setup`, which installs the postgresql package."
    )]
    BinariesMissing(String),
    #[error("running as root needs the unprivileged `postgres` system user, which the postgresql package creates. Run `make setup`.")]
    NoUnprivilegedUser,
    #[error("initdb failed for {dir}: {output}")]
    InitDb { dir: PathBuf, output: String },
    #[error("the PostgreSQL cluster in {dir} is already in use by another process (postmaster pid {pid}). Stop that Waypoint process, or set WAYPOINT_DATA_DIR to another folder.")]
    InUse { dir: PathBuf, pid: String },
    #[error("PostgreSQL in {dir} did not start: {log_tail}")]
    StartFailed { dir: PathBuf, log_tail: String },
    #[error("I/O error on {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{link} points to {target}, which is not a cluster folder this launcher made ({reason}); refusing to use it. Remove {link} to start a fresh cluster.")]
    UnsafeFallback { link: PathBuf, target: PathBuf, reason: &'static str },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> EmbeddedError + '_ {
    move |source| EmbeddedError::Io { path: path.to_path_buf(), source }
}

#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    /// Where the cluster lives (created on first start, reused afterwards).
    pub dir: PathBuf,
    /// Tests trade crash safety for speed (fsync off); a developer's data keeps it.
    pub durable: bool,
    pub max_connections: u32,
}

impl EmbeddedOptions {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), durable: true, max_connections: 100 }
    }
}

/// A running cluster. Stop it with [`EmbeddedPostgres::stop`]; dropping it stops it too.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    dir: PathBuf,
    pid: i32,
    /// Receives once the server process has exited; taken when stopping.
    exited: Mutex<Option<mpsc::Receiver<()>>>,
}

struct RunAs {
    uid: u32,
    gid: u32,
}

fn bindir() -> Result<PathBuf, EmbeddedError> {
    if let Ok(dir) = std::env::var("WAYPOINT_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let output = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .map_err(|error| EmbeddedError::BinariesMissing(format!("pg_config: {error}")))?;
    let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    if !dir.join("postgres").exists() || !dir.join("initdb").exists() {
        return Err(EmbeddedError::BinariesMissing(format!("no postgres or initdb in {}", dir.display())));
    }
    Ok(dir)
}

/// Root runs the cluster as `postgres`; anyone else runs it as themselves.
fn run_as() -> Result<Option<RunAs>, EmbeddedError> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let name = CString::new(SUPERUSER).expect("no NUL in a constant");
    // SAFETY: getpwnam returns null or a pointer to a static record we read immediately.
    let entry = unsafe { libc::getpwnam(name.as_ptr()) };
    if entry.is_null() {
        return Err(EmbeddedError::NoUnprivilegedUser);
    }
    // SAFETY: entry was checked non-null above.
    let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
    Ok(Some(RunAs { uid, gid }))
}

/// Whether `user` can reach `dir`: every ancestor must be searchable by it.
fn reachable_by(dir: &Path, user: &RunAs) -> bool {
    dir.ancestors().skip(1).all(|ancestor| match std::fs::metadata(ancestor) {
        Ok(meta) => {
            let mode = meta.permissions().mode();
            (meta.uid() == user.uid && mode & 0o100 != 0)
                || (meta.gid() == user.gid && mode & 0o010 != 0)
                || mode & 0o001 != 0
        }
        Err(_) => true,
    })
}

/// Where fallback clusters live, and how their folders are named (`waypoint-pg-` and six random
/// characters from mkdtemp).
const FALLBACK_PARENT: &str = "/var/tmp";
const FALLBACK_PREFIX: &str = "waypoint-pg-";

/// The folder the cluster really lives in. Normally `requested` itself; when the unprivileged
/// user cannot reach it (a checkout under a private home) or the socket path would be too long,
/// the cluster lives in a fresh folder under /var/tmp and `requested` becomes a symlink to it, so
/// it is still found there and kept between runs.
///
/// /var/tmp is shared with every user of the machine, so the fallback folder is made with
/// mkdtemp (a name nobody can predict and claim first, created atomically, mode 0700), and a
/// symlink pointing into /var/tmp is followed only to a real folder of that shape, owned by us or
/// the cluster's user and closed to everyone else (checked with lstat, so a planted symlink is
/// refused, never followed).
fn resolve_dir(requested: &Path, user: Option<&RunAs>) -> Result<PathBuf, EmbeddedError> {
    if let Some(parent) = requested.parent() {
        std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    let absolute = std::path::absolute(requested).map_err(io_error(requested))?;
    if let Ok(target) = std::fs::read_link(&absolute) {
        if !target.starts_with(FALLBACK_PARENT) {
            // A symlink the developer made to a folder of their choosing.
            return Ok(target);
        }
        if check_fallback(&absolute, &target, user)? {
            return Ok(target);
        }
        // The fallback folder is gone (a cleaned /var/tmp): start afresh in a new one.
        let fresh = make_fallback_dir()?;
        std::fs::remove_file(&absolute).map_err(io_error(&absolute))?;
        std::os::unix::fs::symlink(&fresh, &absolute).map_err(io_error(&absolute))?;
        return Ok(fresh);
    }
    let unreachable = user.is_some_and(|user| !reachable_by(&absolute, user));
    let too_long = absolute.as_os_str().len() > MAX_SOCKET_DIR_LEN;
    if !(unreachable || too_long) {
        return Ok(absolute);
    }
    let elsewhere = make_fallback_dir()?;
    if std::fs::symlink_metadata(&absolute).is_err() {
        std::os::unix::fs::symlink(&elsewhere, &absolute).map_err(io_error(&absolute))?;
    }
    tracing::warn!(
        requested = %absolute.display(), actual = %elsewhere.display(),
        "the cluster folder is unreachable for the postgres user or too long for a socket path; using /var/tmp"
    );
    Ok(elsewhere)
}

/// A new folder under /var/tmp with an unpredictable name, made atomically with mode 0700.
fn make_fallback_dir() -> Result<PathBuf, EmbeddedError> {
    let template = format!("{FALLBACK_PARENT}/{FALLBACK_PREFIX}XXXXXX");
    let mut bytes = CString::new(template.clone()).expect("the template has no NUL").into_bytes_with_nul();
    // SAFETY: `bytes` is a NUL-terminated, writable template ending in XXXXXX, as mkdtemp needs;
    // it replaces the Xs in place and returns null on failure.
    let made = unsafe { libc::mkdtemp(bytes.as_mut_ptr().cast()) };
    if made.is_null() {
        return Err(io_error(Path::new(&template))(io::Error::last_os_error()));
    }
    bytes.pop();
    Ok(PathBuf::from(String::from_utf8(bytes).expect("mkdtemp keeps the path ASCII")))
}

/// Whether `target` (what `link` points to, under /var/tmp) is a fallback folder we made:
/// `Ok(false)` when it no longer exists, an error when it exists but is not ours.
fn check_fallback(link: &Path, target: &Path, user: Option<&RunAs>) -> Result<bool, EmbeddedError> {
    let refuse = |reason| Err(EmbeddedError::UnsafeFallback { link: link.into(), target: target.into(), reason });
    let named_ours = target.parent() == Some(Path::new(FALLBACK_PARENT))
        && target.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.starts_with(FALLBACK_PREFIX));
    if !named_ours {
        return refuse("not a waypoint-pg- folder directly in /var/tmp");
    }
    let meta = match std::fs::symlink_metadata(target) {
        Ok(meta) => meta,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(io_error(target)(error)),
    };
    if meta.file_type().is_symlink() {
        return refuse("it is a symlink");
    }
    if !meta.is_dir() {
        return refuse("it is not a folder");
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me && user.is_none_or(|user| meta.uid() != user.uid) {
        return refuse("it belongs to another user");
    }
    if meta.mode() & 0o077 != 0 {
        return refuse("other users can open it");
    }
    Ok(true)
}

fn prepare_dir(dir: &Path, user: Option<&RunAs>) -> Result<(), EmbeddedError> {
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    if let Some(user) = user {
        let path = CString::new(dir.as_os_str().as_encoded_bytes()).map_err(|_| EmbeddedError::Io {
            path: dir.to_path_buf(),
            source: io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"),
        })?;
        // SAFETY: path is a valid C string; lchown (never through a symlink) reports failure through its return value.
        if unsafe { libc::lchown(path.as_ptr(), user.uid, user.gid) } != 0 {
            return Err(io_error(dir)(io::Error::last_os_error()));
        }
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io_error(dir))
}

fn command(program: PathBuf, user: Option<&RunAs>) -> Command {
    let mut command = Command::new(program);
    if let Some(user) = user {
        command.uid(user.uid).gid(user.gid);
    }
    // PostgreSQL reads these; a developer's own settings must not leak into our cluster.
    for var in ["PGDATA", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGOPTIONS"] {
        command.env_remove(var);
    }
    command.env("LC_ALL", "C.UTF-8");
    command
}

fn log_tail(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().rev().take(8).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// Creates the cluster with initdb unless `dir` already holds one.
fn init_cluster_once(bin: &Path, dir: &Path, user: Option<&RunAs>) -> Result<(), EmbeddedError> {
    if dir.join("PG_VERSION").exists() {
        return Ok(());
    }
    let output = command(bin.join("initdb"), user)
        .args(["--pgdata"])
        .arg(dir)
        .args(["--username", SUPERUSER, "--auth", "trust", "--encoding", "UTF8"])
        .args(["--locale", "C.UTF-8", "--no-instructions"])
        .output()
        .map_err(io_error(dir))?;
    if !output.status.success() {
        return Err(EmbeddedError::InitDb {
            dir: dir.to_path_buf(),
            output: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(())
}

/// Refuses a cluster whose postmaster is still running (another Waypoint process has it); a
/// stale pid file (left by a crash) is left to PostgreSQL.
fn refuse_if_running(dir: &Path) -> Result<(), EmbeddedError> {
    if let Ok(pid_file) = std::fs::read_to_string(dir.join("postmaster.pid")) {
        let pid = pid_file.lines().next().unwrap_or_default().trim().to_string();
        if pid.parse::<i32>().is_ok_and(process_alive) {
            return Err(EmbeddedError::InUse { dir: dir.to_path_buf(), pid });
        }
    }
    Ok(())
}

/// The postgres command for `dir`: Unix socket only, output appended to postgres.log, in its own
/// session and stopped (SIGINT) when the thread that spawns it ends.
fn postgres_command(
    bin: &Path,
    dir: &Path,
    user: Option<&RunAs>,
    options: &EmbeddedOptions,
) -> Result<Command, EmbeddedError> {
    let log_path = dir.join("postgres.log");
    let log = std::fs::OpenOptions::new().create(true).append(true).open(&log_path).map_err(io_error(&log_path))?;
    if let Some(user) = user {
        let path = CString::new(log_path.as_os_str().as_encoded_bytes()).expect("no NUL in path");
        // SAFETY: valid C string; failure only means PostgreSQL logs less.
        unsafe { libc::chown(path.as_ptr(), user.uid, user.gid) };
    }
    let mut postgres = command(bin.join("postgres"), user);
    postgres
        .arg("-D")
        .arg(dir)
        .arg("-k")
        .arg(dir)
        .args(["-c", "listen_addresses=", "-p", &PORT.to_string()])
        .args(["-c", &format!("max_connections={}", options.max_connections)])
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(io_error(&log_path))?)
        .stderr(log);
    if !options.durable {
        postgres.args(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
    }
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        postgres.pre_exec(|| {
            // Its own session: a Ctrl-C at the terminal reaches us, and we stop it in order.
            libc::setsid();
            // If this process dies without stopping it, PostgreSQL shuts down fast.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT as libc::c_ulong) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    Ok(postgres)
}

/// Spawns the server and returns its pid, and a receiver that gets a message once it has exited.
///
/// The parent-death signal fires when the spawning *thread* ends, so a dedicated thread
/// spawns the server and lives exactly as long as it does.
fn spawn_supervised(mut postgres: Command, dir: &Path) -> Result<(i32, mpsc::Receiver<()>), EmbeddedError> {
    let (started_tx, started_rx) = mpsc::channel();
    let (exited_tx, exited_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("embedded-postgres".into())
        .spawn(move || match postgres.spawn() {
            Ok(mut child) => {
                let _ = started_tx.send(Ok(child.id() as i32));
                let _ = child.wait();
                let _ = exited_tx.send(());
            }
            Err(error) => {
                let _ = started_tx.send(Err(error));
            }
        })
        .map_err(io_error(dir))?;
    let pid = started_rx
        .recv()
        .map_err(|_| io_error(dir)(io::Error::other("postgres supervisor thread ended")))?
        .map_err(io_error(dir))?;
    Ok((pid, exited_rx))
}

impl EmbeddedPostgres {
    /// Starts the cluster in `options.dir`, creating it first if it does not exist yet, and
    /// waits until it accepts connections.
    pub async fn start(options: &EmbeddedOptions) -> Result<Self, EmbeddedError> {
        let bin = bindir()?;
        let user = run_as()?;
        let dir = resolve_dir(&options.dir, user.as_ref())?;
        prepare_dir(&dir, user.as_ref())?;
        init_cluster_once(&bin, &dir, user.as_ref())?;
        Self::launch(&bin, dir, user.as_ref(), options).await
    }

    /// Starts postgres on a cluster directory that is ready (a new cluster or a base backup) and
    /// waits until it accepts connections.
    async fn launch(bin: &Path, dir: PathBuf, user: Option<&RunAs>, options: &EmbeddedOptions) -> Result<Self, EmbeddedError> {
        refuse_if_running(&dir)?;
        let postgres = postgres_command(bin, &dir, user, options)?;
        let (pid, exited) = spawn_supervised(postgres, &dir)?;
        let cluster = Self { dir, pid, exited: Mutex::new(Some(exited)) };
        cluster.wait_until_ready(Duration::from_secs(60)).await?;
        Ok(cluster)
    }

    /// Starts a streaming replica of this cluster in `options.dir`: a base backup taken with
    /// `pg_basebackup` over the primary's socket (streaming the WAL it needs, and writing
    /// `standby.signal` and `primary_conninfo`), then started as a hot standby that follows the
    /// primary. A directory that already holds the replica is started as it is.
    pub async fn start_replica(&self, options: &EmbeddedOptions) -> Result<Self, EmbeddedError> {
        let bin = bindir()?;
        let user = run_as()?;
        let dir = resolve_dir(&options.dir, user.as_ref())?;
        prepare_dir(&dir, user.as_ref())?;
        if !dir.join("PG_VERSION").exists() {
            let output = command(bin.join("pg_basebackup"), user.as_ref())
                .arg("--pgdata")
                .arg(&dir)
                .args(["--write-recovery-conf", "--wal-method", "stream", "--checkpoint", "fast", "--no-sync"])
                .arg("--host")
                .arg(&self.dir)
                .args(["--port", &PORT.to_string(), "--username", SUPERUSER])
                .output()
                .map_err(io_error(&dir))?;
            if !output.status.success() {
                return Err(EmbeddedError::InitDb { dir, output: String::from_utf8_lossy(&output.stderr).into_owned() });
            }
            // The primary's socket lives in its data directory, so the copy holds the primary's
            // socket lock file, naming a live postmaster: the replica would refuse to start.
            for entry in std::fs::read_dir(&dir).map_err(io_error(&dir))?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with(".s.PGSQL.") && name.ends_with(".lock") {
                    std::fs::remove_file(entry.path()).map_err(io_error(&dir))?;
                }
            }
        }
        Self::launch(&bin, dir, user.as_ref(), options).await
    }

    async fn wait_until_ready(&self, limit: Duration) -> Result<(), EmbeddedError> {
        let started = Instant::now();
        loop {
            if self.exited_now() {
                let log_tail = log_tail(&self.dir);
                if log_tail.contains("lock file") && log_tail.contains("already exists") {
                    return Err(EmbeddedError::InUse { dir: self.dir.clone(), pid: "unknown".into() });
                }
                return Err(EmbeddedError::StartFailed { dir: self.dir.clone(), log_tail });
            }
            let options = self.connect_options(SUPERUSER, "postgres").log_statements(tracing::log::LevelFilter::Off);
            if let Ok(connection) = sqlx::PgConnection::connect_with(&options).await {
                let _ = connection.close().await;
                return Ok(());
            }
            if started.elapsed() > limit {
                return Err(EmbeddedError::StartFailed { dir: self.dir.clone(), log_tail: log_tail(&self.dir) });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether the server process has already exited. Once it has, the pid may be reused by
    /// another process, so the handle forgets it and stopping becomes a no-op.
    fn exited_now(&self) -> bool {
        let mut guard = self.exited.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let exited = guard.as_ref().is_some_and(|exited| exited.try_recv().is_ok());
        if exited {
            *guard = None;
        }
        exited
    }

    /// Where the cluster lives (after any /var/tmp fallback).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Options for connecting over the cluster's socket; trust authentication, no password.
    pub fn connect_options(&self, user: &str, database: &str) -> PgConnectOptions {
        PgConnectOptions::new().socket(&self.dir).port(PORT).username(user).database(database)
    }

    /// Fast shutdown (SIGINT): open transactions roll back, committed data is kept.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let taken = self.exited.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        let Some(exited) = taken else { return };
        // SAFETY: signalling our own child by pid.
        unsafe { libc::kill(self.pid, libc::SIGINT) };
        if exited.recv_timeout(Duration::from_secs(30)).is_err() {
            tracing::warn!(pid = self.pid, "PostgreSQL did not stop within 30 s; sending SIGQUIT");
            // SAFETY: as above.
            unsafe { libc::kill(self.pid, libc::SIGQUIT) };
            let _ = exited.recv_timeout(Duration::from_secs(10));
        }
        tracing::info!(dir = %self.dir.display(), "embedded PostgreSQL stopped");
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Whether a PostgreSQL server with this pid is running (a stale pid file may name a process
/// that reused the number, so the program name is checked too).
fn process_alive(pid: i32) -> bool {
    pid > 0
        && std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|name| name.trim() == "postgres" || name.trim() == "postmaster")
}
