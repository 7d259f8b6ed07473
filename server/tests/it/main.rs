//! Integration tests against a real PostgreSQL, one database per test (see `support`).

mod accounts;
mod assessments;
mod booking;
mod booking_race;
mod booking_rls;
mod careers;
mod config;
mod demo;
mod earnings;
mod embedded;
mod fixtures;
mod hardening;
mod hardening_schema;
mod http;
mod payments;
mod schema;
mod subscriptions;
mod support;
mod web;
