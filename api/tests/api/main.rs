//! API integration tests: every case runs against a real server on SQLite and on PostgreSQL
//! (a fresh database per test, cloned from a migrated template).

// Test support, one concern each.
mod app;
mod database;
mod fixtures;
mod http;
mod outbox;
mod reply;
mod smtp;
mod wait;

mod admin;
mod assessments;
mod auth;
mod cli;
mod clients;
mod credits;
mod edge;
mod email_change;
mod errors;
mod login_as;
mod mail;
mod ops;
mod partner;
mod price_leaks;
mod schema;
mod secrets_at_rest;
mod webhooks;
