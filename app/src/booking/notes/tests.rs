//! Session-note encryption: round trips, wrong and unknown keys, rotation, tampering, the
//! booking binding, key parsing, and the key file's creation and permissions.

use super::*;

const BOOKING: &[u8] = b"booking-0001";
const OTHER_BOOKING: &[u8] = b"booking-0002";

fn key(byte: u8) -> String {
    STANDARD.encode([byte; KEY_LEN])
}

fn keys(value: &str) -> NoteKeys {
    NoteKeys::parse(value).expect("valid keys")
}

#[test]
fn a_note_round_trips_and_names_its_key() {
    let keys = keys(&format!("k1:{}", key(1)));
    let (id, blob) = keys.encrypt("Talked about data roles. Follow up in May — ✓", BOOKING);
    assert_eq!(id, "k1");
    assert_eq!(keys.current_id(), "k1");
    assert_eq!(blob.len(), NONCE_LEN + "Talked about data roles. Follow up in May — ✓".len() + TAG_LEN);
    assert_eq!(keys.decrypt(&id, &blob, BOOKING).as_deref(), Ok("Talked about data roles. Follow up in May — ✓"));
    assert_eq!(keys.decrypt(&id, &keys.encrypt("", BOOKING).1, BOOKING).as_deref(), Ok(""));
}

#[test]
fn the_same_note_encrypts_differently_each_time() {
    let keys = keys(&format!("k1:{}", key(1)));
    let (_, first) = keys.encrypt("same words", BOOKING);
    let (_, second) = keys.encrypt("same words", BOOKING);
    assert_ne!(first, second, "a fresh nonce each time");
    assert_ne!(&first[..NONCE_LEN], &second[..NONCE_LEN]);
}

#[test]
fn a_wrong_key_with_the_same_id_is_undecryptable() {
    let (id, blob) = keys(&format!("k1:{}", key(1))).encrypt("private", BOOKING);
    let impostor = keys(&format!("k1:{}", key(2)));
    assert_eq!(impostor.decrypt(&id, &blob, BOOKING), Err(NoteError::Undecryptable));
}

#[test]
fn an_unknown_key_id_says_which_key_is_missing() {
    let (id, blob) = keys(&format!("old:{}", key(1))).encrypt("private", BOOKING);
    let error = keys(&format!("new:{}", key(2))).decrypt(&id, &blob, BOOKING).unwrap_err();
    assert_eq!(error, NoteError::UnknownKey("old".into()));
    assert_eq!(error.to_string(), "these notes were written with key old, which this server does not have");
}

#[test]
fn after_rotation_old_notes_still_decrypt_and_new_ones_use_the_new_key() {
    let before = keys(&format!("k2026a:{}", key(1)));
    let (old_id, old_blob) = before.encrypt("written last year", BOOKING);
    let after = keys(&format!("k2026b:{}, k2026a:{}", key(2), key(1)));
    assert_eq!(after.current_id(), "k2026b");
    assert_eq!(after.decrypt(&old_id, &old_blob, BOOKING).as_deref(), Ok("written last year"));
    let (new_id, new_blob) = after.encrypt("written today", BOOKING);
    assert_eq!(new_id, "k2026b");
    assert_eq!(before.decrypt(&new_id, &new_blob, BOOKING), Err(NoteError::UnknownKey(new_id.clone())));
    assert_eq!(after.decrypt(&new_id, &new_blob, BOOKING).as_deref(), Ok("written today"));
}

#[test]
fn any_changed_byte_or_a_short_blob_is_undecryptable() {
    let keys = keys(&format!("k1:{}", key(1)));
    let (id, blob) = keys.encrypt("do not alter", BOOKING);
    for index in [0, NONCE_LEN - 1, NONCE_LEN, blob.len() - 1] {
        let mut tampered = blob.clone();
        tampered[index] ^= 0x01;
        assert_eq!(keys.decrypt(&id, &tampered, BOOKING), Err(NoteError::Undecryptable), "byte {index}");
    }
    assert_eq!(keys.decrypt(&id, &blob[..blob.len() - 1], BOOKING), Err(NoteError::Undecryptable));
    assert_eq!(keys.decrypt(&id, &[], BOOKING), Err(NoteError::Undecryptable));
    assert_eq!(keys.decrypt(&id, &blob[..NONCE_LEN + TAG_LEN - 1], BOOKING), Err(NoteError::Undecryptable));
}

#[test]
fn a_note_moved_to_another_booking_does_not_decrypt() {
    let keys = keys(&format!("k1:{}", key(1)));
    let (id, blob) = keys.encrypt("for booking one", BOOKING);
    assert_eq!(keys.decrypt(&id, &blob, OTHER_BOOKING), Err(NoteError::Undecryptable));
    assert_eq!(keys.decrypt(&id, &blob, b""), Err(NoteError::Undecryptable));
}

#[test]
fn parse_refuses_malformed_values_without_echoing_keys() {
    let good = key(7);
    assert_eq!(NoteKeys::parse("").unwrap_err(), NoteKeyError::Empty);
    assert_eq!(NoteKeys::parse(" , ").unwrap_err(), NoteKeyError::Empty);
    assert_eq!(NoteKeys::parse(&good).unwrap_err(), NoteKeyError::BadFormat(1));
    assert_eq!(NoteKeys::parse(&format!(":{good}")).unwrap_err(), NoteKeyError::BadId(String::new()));
    assert_eq!(NoteKeys::parse(&format!("a b:{good}")).unwrap_err(), NoteKeyError::BadId("a b".into()));
    let long_id = "k".repeat(33);
    assert!(matches!(NoteKeys::parse(&format!("{long_id}:{good}")), Err(NoteKeyError::BadId(_))));
    assert_eq!(NoteKeys::parse("k1:not base64!").unwrap_err(), NoteKeyError::BadBase64("k1".into()));
    assert_eq!(
        NoteKeys::parse(&format!("k1:{}", STANDARD.encode([1u8; 16]))).unwrap_err(),
        NoteKeyError::BadLength { id: "k1".into(), length: 16 }
    );
    assert_eq!(
        NoteKeys::parse(&format!("k1:{good},k1:{}", key(8))).unwrap_err(),
        NoteKeyError::DuplicateId("k1".into())
    );
    assert_eq!(NoteKeys::parse(&format!("k1:{good},{good}")).unwrap_err(), NoteKeyError::BadFormat(2));
    let message = NoteKeys::parse(&format!("k1:{good},{good}")).unwrap_err().to_string();
    assert!(!message.contains(&good));
    assert!(NoteKeys::parse(&format!(" k_1-a:{good} ,\n")).is_ok(), "whitespace and a trailing comma");
}

#[test]
fn debug_shows_ids_but_never_keys() {
    let good = key(9);
    let keys = keys(&format!("current:{good},previous:{}", key(10)));
    let shown = format!("{keys:?}");
    assert!(shown.contains("current") && shown.contains("previous"));
    assert!(!shown.contains(&good) && !shown.contains("9, 9"));
}

#[test]
fn generated_values_parse_and_differ() {
    let first = NoteKeys::generate();
    let second = NoteKeys::generate();
    assert_ne!(first, second);
    let today = chrono::Utc::now().format("k%Y%m%d:").to_string();
    assert!(first.starts_with(&today), "{first} starts with {today}");
    assert_eq!(keys(&first).current_id(), today.trim_end_matches(':'));
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("waypoint-notes-{name}-{}", uuid::Uuid::new_v4()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_key_file_is_created_private_and_then_reused() {
    let dir = scratch_dir("create");
    let path = dir.join(".data").join("note-keys");
    let created = load_or_create_key_file(&path).expect("created");
    assert!(NoteKeys::parse(&created).is_ok());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("exists").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(load_or_create_key_file(&path).expect("read back"), created);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = scratch_dir("open");
    let path = dir.join("note-keys");
    load_or_create_key_file(&path).expect("created");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let error = load_or_create_key_file(&path).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
    assert!(error.to_string().contains("chmod 600"));
    let _ = std::fs::remove_dir_all(&dir);
}
