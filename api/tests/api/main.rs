//! API integration tests: every case runs against a real server on SQLite and on PostgreSQL
//! (a fresh database per test, cloned from a migrated template).

mod helpers;
mod smtp;

mod admin;
mod auth;
mod clients;
mod credits;
mod login_as;
mod cli;
mod errors;
mod mail;
mod ops;
mod schema;
