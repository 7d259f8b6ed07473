//! Private session notes, encrypted at rest with XChaCha20-Poly1305. Keys are named, so they can
//! rotate: the first key of `NOTE_KEYS` ("id:base64key,...") encrypts, every key decrypts, and
//! each stored note records the id of the key that wrote it. The booking's id is bound to the
//! ciphertext as associated data, so a note copied onto another booking does not decrypt.
//! A blob is the 24-byte random nonce followed by the ciphertext and its tag. Server-only.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use std::fmt;
use std::io::{self, Read as _, Write as _};
use std::path::Path;

/// Nonce bytes at the start of every blob.
const NONCE_LEN: usize = 24;
/// Poly1305 tag bytes at the end of every blob.
const TAG_LEN: usize = 16;
/// Key bytes, before base64.
const KEY_LEN: usize = 32;

/// The keys notes are encrypted with: the first encrypts; all decrypt. `Debug` shows ids only.
#[derive(Clone)]
pub struct NoteKeys {
    /// Never empty; ids are unique.
    keys: Vec<(String, XChaCha20Poly1305)>,
}

/// Why a `NOTE_KEYS` value was refused. No variant carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteKeyError {
    #[error("no note key was given: expected id:base64key[,id:base64key...]")]
    Empty,
    #[error("note key number {0} is not in the form id:base64key")]
    BadFormat(usize),
    #[error("note key id {0:?} must be 1 to 32 letters, digits, '-' or '_'")]
    BadId(String),
    #[error("note key {0} is not valid base64")]
    BadBase64(String),
    #[error("note key {id} is {length} bytes; note keys are 32 bytes")]
    BadLength { id: String, length: usize },
    #[error("note key id {0} is given twice")]
    DuplicateId(String),
}

/// Why a note could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("these notes were written with key {0}, which this server does not have")]
    UnknownKey(String),
    #[error("these notes could not be decrypted: the key is wrong or they were changed")]
    Undecryptable,
    #[error("these notes decrypted but are not text")]
    NotText,
    #[error("the system's random number source failed")]
    Random,
    #[error("these notes are too long to encrypt")]
    TooLong,
}

impl NoteKeys {
    /// "id:base64key[,id:base64key...]": the first encrypts; every one decrypts (rotation). Keys are 32 bytes. Ids: 1-32 chars [A-Za-z0-9_-].
    pub fn parse(value: &str) -> Result<NoteKeys, NoteKeyError> {
        let mut keys: Vec<(String, XChaCha20Poly1305)> = Vec::new();
        let entries = value.split(',').map(str::trim).filter(|entry| !entry.is_empty());
        for (index, entry) in entries.enumerate() {
            let (id, encoded) = entry.split_once(':').ok_or(NoteKeyError::BadFormat(index + 1))?;
            let (id, encoded) = (id.trim(), encoded.trim());
            let id_ok =
                (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !id_ok {
                return Err(NoteKeyError::BadId(id.to_string()));
            }
            if keys.iter().any(|(known, _)| known == id) {
                return Err(NoteKeyError::DuplicateId(id.to_string()));
            }
            let bytes = STANDARD.decode(encoded).map_err(|_| NoteKeyError::BadBase64(id.to_string()))?;
            let bad_length = || NoteKeyError::BadLength { id: id.to_string(), length: bytes.len() };
            if bytes.len() != KEY_LEN {
                return Err(bad_length());
            }
            let key = Key::try_from(bytes.as_slice()).map_err(|_| bad_length())?;
            keys.push((id.to_string(), XChaCha20Poly1305::new(&key)));
        }
        if keys.is_empty() {
            return Err(NoteKeyError::Empty);
        }
        Ok(NoteKeys { keys })
    }

    /// A new "k<yyyymmdd>:base64" value with a fresh random key.
    ///
    /// # Panics
    /// Only if the operating system's random number source fails.
    pub fn generate() -> String {
        let key = Key::generate();
        format!("k{}:{}", chrono::Utc::now().format("%Y%m%d"), STANDARD.encode(key.as_slice()))
    }

    /// The id of the key new notes are written with.
    pub fn current_id(&self) -> &str {
        self.keys.first().map(|(id, _)| id.as_str()).unwrap_or_default()
    }

    /// The ciphertext binds `context` (the booking id's bytes) as associated data, so notes moved to another booking don't decrypt.
    ///
    /// # Panics
    /// Only if the operating system's random number source fails, or for a note of hundreds of
    /// gigabytes; [`NoteKeys::try_encrypt`] reports those instead.
    pub fn encrypt(&self, plaintext: &str, context: &[u8]) -> (String, Vec<u8>) {
        match self.try_encrypt(plaintext, context) {
            Ok(encrypted) => encrypted,
            Err(error) => panic!("encrypting a note failed: {error}"),
        }
    }

    /// [`NoteKeys::encrypt`], reporting a failing random source or an impossible length.
    pub fn try_encrypt(&self, plaintext: &str, context: &[u8]) -> Result<(String, Vec<u8>), NoteError> {
        let (id, cipher) = self.keys.first().ok_or(NoteError::Random)?;
        let nonce = XNonce::try_generate().map_err(|_| NoteError::Random)?;
        let ciphertext = cipher
            .encrypt(&nonce, Payload { msg: plaintext.as_bytes(), aad: context })
            .map_err(|_| NoteError::TooLong)?;
        let mut blob = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        blob.extend_from_slice(nonce.as_slice());
        blob.extend_from_slice(&ciphertext);
        Ok((id.clone(), blob))
    }

    pub fn decrypt(&self, key_id: &str, blob: &[u8], context: &[u8]) -> Result<String, NoteError> {
        let (_, cipher) =
            self.keys.iter().find(|(id, _)| id == key_id).ok_or_else(|| NoteError::UnknownKey(key_id.to_string()))?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return Err(NoteError::Undecryptable);
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| NoteError::Undecryptable)?;
        let plaintext =
            cipher.decrypt(&nonce, Payload { msg: ciphertext, aad: context }).map_err(|_| NoteError::Undecryptable)?;
        String::from_utf8(plaintext).map_err(|_| NoteError::NotText)
    }
}

impl fmt::Debug for NoteKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("NoteKeys").field("ids", &ids).finish_non_exhaustive()
    }
}

/// Reads the key file at `path`, or creates it with a new key and mode 0600 when missing (the embedded default under .data/). Refuses a file readable by group/others.
///
/// Gives the file's value trimmed, for [`NoteKeys::parse`]. A missing parent folder is created
/// (mode 0700).
pub fn load_or_create_key_file(path: &Path) -> io::Result<String> {
    match std::fs::File::open(path) {
        Ok(file) => read_private(file, path),
        Err(error) if error.kind() == io::ErrorKind::NotFound => create(path),
        Err(error) => Err(error),
    }
}

fn read_private(mut file: std::fs::File, path: &Path) -> io::Result<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "the note key file {} can be read by other users (mode {:o}); run chmod 600 on it",
                    path.display(),
                    mode & 0o777
                ),
            ));
        }
    }
    let mut value = String::new();
    file.read_to_string(&mut value)?;
    Ok(value.trim().to_string())
}

fn create(path: &Path) -> io::Result<String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let value = NoteKeys::generate();
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(format!("{value}\n").as_bytes())?;
            file.sync_all()?;
            Ok(value)
        }
        // Another process created it first: use theirs.
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => read_private(std::fs::File::open(path)?, path),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests;
