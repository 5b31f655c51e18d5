//! Credence API: an actix-web JSON service over SQLite or PostgreSQL.
//! See ARCHITECTURE.md at the repository root for the map of this crate.

pub mod auth;
pub mod cli;
pub mod config;
pub mod csv_io;
pub mod db;
pub mod dns;
pub mod domain;
pub mod error;
pub mod headers;
pub mod jobs;
pub mod mail;
pub mod memory;
pub mod net_guard;
pub mod openapi;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod state;
pub mod telemetry;
