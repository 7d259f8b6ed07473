//! `sqlx::migrate!` embeds migrations/ at compile time, but a proc macro cannot ask cargo to
//! watch a folder: this makes a new or changed migration rebuild the server (as sqlx advises).
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
