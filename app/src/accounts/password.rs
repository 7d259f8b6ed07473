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

/// Hashes on the blocking pool, keeping the caller's tracing span.
pub async fn hash_blocking(password: String) -> Result<String, crate::error::AppError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(|| hash(&password)))
        .await
        .map_err(|error| {
            tracing::error!(%error, "password hashing task failed");
            crate::error::AppError::Internal
        })?
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            crate::error::AppError::Internal
        })
}

/// Verifies on the blocking pool, keeping the caller's tracing span.
pub async fn verify_blocking(password: String, stored_hash: String) -> Result<bool, crate::error::AppError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(|| verify(&password, &stored_hash))).await.map_err(|error| {
        tracing::error!(%error, "password verification task failed");
        crate::error::AppError::Internal
    })
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
