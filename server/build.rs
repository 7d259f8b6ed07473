//! Lists the starter resource library (`data/resources/*.md`) for `reference::resources`, which
//! embeds every file with `include_str!`, so a built server needs no data folder beside it and
//! adding or changing a file rebuilds it.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/resources");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).filter(|path| path.extension().is_some_and(|ext| ext == "md")).collect())
        .unwrap_or_default();
    files.sort();
    let mut manifest = String::from("/// (file name, contents) of every starter resource, in name order.\npub const FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|name| name.to_str()).expect("a UTF-8 file name");
        let absolute = path.canonicalize().expect("a readable resource file");
        writeln!(manifest, "    ({name:?}, include_str!({:?})),", absolute.display().to_string()).expect("writing to a String");
    }
    manifest.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo")).join("resources_manifest.rs");
    std::fs::write(out, manifest).expect("writing the resources manifest");
}
