//! Webhook signatures, the scheme Stripe documents and the sandbox uses too:
//! `Waypoint-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, with one `v1`
//! per secret during a key rotation. The raw bytes are verified before anything parses them; the
//! comparison is constant-time (`Mac::verify_slice`); a timestamp more than the tolerance away
//! from now is refused, so a captured delivery cannot be replayed later.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing")]
    Missing,
    #[error("the signature header is malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value for `body` at `timestamp`, one `v1` per secret (the current one first).
pub fn sign(secrets: &[&[u8]], timestamp: i64, body: &[u8]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&hex::encode(mac(secret, timestamp, body).finalize().into_bytes()));
    }
    header
}

/// Checks `header` against `body` with any of `secrets`, at `now` (unix seconds).
pub fn verify(header: Option<&str>, body: &[u8], secrets: &[&[u8]], now: i64, tolerance: i64) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or(SignatureError::Malformed)?;
        match key {
            "t" => timestamp = Some(value.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            // A malformed v1 is skipped rather than fatal: another may still match.
            "v1" => signatures.extend(hex::decode(value).ok()),
            // Other schemes (Stripe's v0 test signatures) are ignored, as Stripe advises.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > tolerance {
        return Err(SignatureError::Stale);
    }
    let matches = secrets
        .iter()
        .any(|secret| signatures.iter().any(|signature| mac(secret, timestamp, body).verify_slice(signature).is_ok()));
    if matches { Ok(()) } else { Err(SignatureError::Mismatch) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    #[test]
    fn a_signature_verifies_with_its_secret_only() {
        let header = sign(&[b"whsec_current"], 1_700_000_000, BODY);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(verify(Some(&header), BODY, &[b"whsec_current"], 1_700_000_010, TOLERANCE_SECONDS), Ok(()));
        assert_eq!(verify(Some(&header), BODY, &[b"whsec_other"], 1_700_000_010, TOLERANCE_SECONDS), Err(SignatureError::Mismatch));
        let tampered = br#"{"id":"evt_1","type":"payment_intent.succeeded" }"#;
        assert_eq!(verify(Some(&header), tampered, &[b"whsec_current"], 1_700_000_010, TOLERANCE_SECONDS), Err(SignatureError::Mismatch));
    }

    #[test]
    fn during_a_rotation_either_secret_is_accepted() {
        let header = sign(&[b"new", b"old"], 1_700_000_000, BODY);
        assert_eq!(header.matches("v1=").count(), 2);
        assert_eq!(verify(Some(&header), BODY, &[b"old"], 1_700_000_000, TOLERANCE_SECONDS), Ok(()));
        assert_eq!(verify(Some(&header), BODY, &[b"new"], 1_700_000_000, TOLERANCE_SECONDS), Ok(()));
    }

    #[test]
    fn stale_missing_and_malformed_headers_are_refused() {
        let header = sign(&[b"s"], 1_700_000_000, BODY);
        assert_eq!(verify(Some(&header), BODY, &[b"s"], 1_700_000_301, TOLERANCE_SECONDS), Err(SignatureError::Stale));
        assert_eq!(verify(Some(&header), BODY, &[b"s"], 1_699_999_699, TOLERANCE_SECONDS), Err(SignatureError::Stale));
        assert_eq!(verify(Some(&header), BODY, &[b"s"], 1_700_000_300, TOLERANCE_SECONDS), Ok(()));
        assert_eq!(verify(None, BODY, &[b"s"], 0, TOLERANCE_SECONDS), Err(SignatureError::Missing));
        assert_eq!(verify(Some("v1=abcd"), BODY, &[b"s"], 0, TOLERANCE_SECONDS), Err(SignatureError::Malformed));
        assert_eq!(verify(Some("t=1,v1=zz"), BODY, &[b"s"], 1, TOLERANCE_SECONDS), Err(SignatureError::Malformed));
        assert_eq!(verify(Some("garbage"), BODY, &[b"s"], 1, TOLERANCE_SECONDS), Err(SignatureError::Malformed));
    }

    /// Stripe's documented algorithm computed independently of `sign`: HMAC-SHA256 keyed with
    /// the endpoint secret over "timestamp.payload", hex encoded.
    #[test]
    fn matches_stripes_documented_scheme() {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test_secret").unwrap();
        mac.update(b"1614556800.");
        mac.update(BODY);
        let expected = hex::encode(mac.finalize().into_bytes());
        let header = format!("t=1614556800,v1={expected},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39");
        assert_eq!(verify(Some(&header), BODY, &[b"whsec_test_secret"], 1_614_556_900, TOLERANCE_SECONDS), Ok(()));
    }
}
