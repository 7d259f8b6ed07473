//! Signed links in emails: one-click unsubscribe and address verification. A token is
//! `<payload, base64url>.<HMAC-SHA256 over purpose and payload, base64url>`; the purpose is part
//! of what is signed, so an unsubscribe token can never pass as a verification token. The key
//! is derived from the server's encryption key (`WAYPOINT_ENCRYPTION_KEY`, or the embedded
//! default's key file) and installed once at start-up. Server-only.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

type HmacSha256 = Hmac<Sha256>;

/// What a signed link does; part of the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Unsubscribe,
    VerifyEmail,
}

impl Purpose {
    fn tag(self) -> &'static [u8] {
        match self {
            Purpose::Unsubscribe => b"waypoint/unsubscribe/v1",
            Purpose::VerifyEmail => b"waypoint/verify-email/v1",
        }
    }
}

/// The signing key.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    /// A key derived from a secret (the encryption key's configured text), never the secret
    /// itself, so a leaked link key reveals nothing about the notes' key.
    pub fn derive(secret: &[u8]) -> LinkKey {
        let mut hasher = Sha256::new();
        hasher.update(b"waypoint link signing key v1\0");
        hasher.update(secret);
        LinkKey(hasher.finalize().into())
    }

    fn mac(&self, purpose: Purpose, payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(purpose.tag());
        mac.update(b"\0");
        mac.update(payload);
        mac
    }

    /// The token for `payload`.
    pub fn sign(&self, purpose: Purpose, payload: &str) -> String {
        let signature = self.mac(purpose, payload.as_bytes()).finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(signature))
    }

    /// The payload of a token this key signed for `purpose`; `None` for anything else (a
    /// forged, altered or truncated token, or one made for another purpose). The signature is
    /// compared in constant time.
    pub fn open(&self, purpose: Purpose, token: &str) -> Option<String> {
        let (payload, signature) = token.trim().split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        self.mac(purpose, &payload).verify_slice(&signature).ok()?;
        String::from_utf8(payload).ok()
    }
}

static KEY: OnceLock<LinkKey> = OnceLock::new();

/// Installs the process's key (the first call wins; tests install theirs the same way).
pub fn install(key: LinkKey) {
    let _ = KEY.set(key);
}

/// The process's key; `Internal` (logged) when the server forgot to install one.
pub fn key() -> Result<&'static LinkKey, crate::error::AppError> {
    KEY.get().ok_or_else(|| {
        tracing::error!("no link signing key installed (notifications::links::install)");
        crate::error::AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_only_for_its_purpose_and_unchanged() {
        let key = LinkKey::derive(b"secret");
        let token = key.sign(Purpose::Unsubscribe, "4f3c");
        assert_eq!(key.open(Purpose::Unsubscribe, &token).as_deref(), Some("4f3c"));
        assert_eq!(key.open(Purpose::VerifyEmail, &token), None);
        assert_eq!(LinkKey::derive(b"other").open(Purpose::Unsubscribe, &token), None);
        let forged = format!("{}.{}", URL_SAFE_NO_PAD.encode("5f3c"), token.split_once('.').unwrap().1);
        assert_eq!(key.open(Purpose::Unsubscribe, &forged), None);
        assert_eq!(key.open(Purpose::Unsubscribe, "not a token"), None);
        assert_eq!(key.open(Purpose::Unsubscribe, &token[..token.len() - 2]), None);
    }
}
