//! The Waypoint server: configuration, the embedded PostgreSQL launcher, database wiring, demo
//! and reference data, and the HTTP surface. `main.rs` is the command line around it; the integration tests in
//! `tests/it` use the same pieces.

pub mod assets;
pub mod config;
pub mod database;
pub mod demo;
pub mod embedded;
pub mod http;
pub mod page_cache;
pub mod reference;
pub mod serve;
pub mod telemetry;
