//! API integration tests: every case runs against a real server on SQLite and on PostgreSQL
//! (a fresh database per test, cloned from a migrated template).

mod helpers;
mod smtp;

mod admin;
mod assessments;
mod auth;
mod cli;
mod clients;
mod credits;
mod errors;
mod login_as;
mod mail;
mod ops;
mod partner;
mod schema;
