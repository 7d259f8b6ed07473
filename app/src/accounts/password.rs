//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane).
//! Hashing is deliberately slow, so callers on the async runtime use [`hash_blocking`].

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher().hash_password(password.as_bytes(), &salt)?.to_string())
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// At most one argon2 computation per CPU at once. Each takes 19 MiB and tens of milliseconds of
/// a core, so an unbounded burst (unknown identifiers cost a dummy verification too) would cost
/// gigabytes and starve every other request. Callers wait their turn for up to [`GATE_WAIT`];
/// beyond [`GATE_QUEUE_PER_CPU`] waiting per CPU, or after that wait, they are refused at once
/// with 503 ("briefly unavailable"), which the browser can retry.
struct Gate {
    permits: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    max_waiting: usize,
}

const GATE_QUEUE_PER_CPU: usize = 128;
const GATE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

static GATE: std::sync::LazyLock<Gate> = std::sync::LazyLock::new(|| {
    let cpus = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
    Gate {
        permits: tokio::sync::Semaphore::new(cpus),
        waiting: std::sync::atomic::AtomicUsize::new(0),
        max_waiting: cpus * GATE_QUEUE_PER_CPU,
    }
});

/// Leaves the waiting count when dropped (also when the request is abandoned while waiting).
struct Waiting;

impl Drop for Waiting {
    fn drop(&mut self) {
        GATE.waiting.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Runs `work` (one argon2 computation) on the blocking pool once the gate lets it through,
/// keeping the caller's tracing span.
async fn through_gate<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, crate::error::AppError> {
    use crate::error::AppError;
    let waiting = Waiting;
    if GATE.waiting.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= GATE.max_waiting {
        tracing::warn!("password checks are queued to the limit; refusing one");
        return Err(AppError::Unavailable);
    }
    let permit = match tokio::time::timeout(GATE_WAIT, GATE.permits.acquire()).await {
        Ok(Ok(permit)) => permit,
        Ok(Err(_)) => return Err(AppError::Internal),
        Err(_) => {
            tracing::warn!("a password check waited {GATE_WAIT:?} for its turn; refusing it");
            return Err(AppError::Unavailable);
        }
    };
    drop(waiting);
    let span = tracing::Span::current();
    let outcome = tokio::task::spawn_blocking(move || span.in_scope(work)).await;
    drop(permit);
    outcome.map_err(|error| {
        tracing::error!(%error, "password hashing task failed");
        AppError::Internal
    })
}

/// Hashes through the gate, on the blocking pool.
pub async fn hash_blocking(password: String) -> Result<String, crate::error::AppError> {
    through_gate(move || hash(&password)).await?.map_err(|error| {
        tracing::error!(%error, "password hashing failed");
        crate::error::AppError::Internal
    })
}

/// Verifies through the gate, on the blocking pool.
pub async fn verify_blocking(password: String, stored_hash: String) -> Result<bool, crate::error::AppError> {
    through_gate(move || verify(&password, &stored_hash)).await
}

/// A real hash at the same cost, verified when no account matches, so a wrong identifier takes
/// as long as a wrong password.
pub static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash("no account has this password").expect("hashing a constant works"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let first = hash("correct horse battery staple").unwrap();
        let second = hash("correct horse battery staple").unwrap();
        assert!(first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("correct horse battery staple", &first));
        assert!(!verify("Correct horse battery staple", &first));
        assert!(!verify("anything", "not a hash"));
    }
}
