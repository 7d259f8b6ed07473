//! Integration tests against a real PostgreSQL, one database per test (see `support`).

mod account_emails;
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
mod notifications_live;
mod notifications_mail;
mod notifications_mail_more;
mod payments;
mod resources;
mod resources_pages;
mod schema;
mod smtp_sink;
mod subscriptions;
mod support;
mod web;
