//! API integration tests: every case runs against a real server on SQLite and on PostgreSQL
//! (a fresh database per test, cloned from a migrated template).

// Test support, one concern each.
mod app;
mod assessments_world;
mod database;
mod fixtures;
mod hooks;
mod http;
mod outbox;
mod reply;
mod smtp;
mod wait;

mod accounts;
mod admin;
mod api_key_limits;
mod api_key_scopes;
mod auth;
mod candidate_access;
mod catalogue_admin;
mod catalogue_projects;
mod cli;
mod client_users;
mod clients;
mod credit_notes;
mod credits;
mod custom_hosts;
mod edge;
mod email_change;
mod errors;
mod hosts_login;
mod invitations;
mod invoices;
mod login_as;
mod mail;
mod mail_identity;
mod mail_texts;
mod migrations;
mod ops;
mod partner;
mod passwords;
mod price_leaks;
mod prices;
mod privacy;
mod reminders;
mod reseller_users;
mod results_export;
mod schema;
mod search;
mod secrets_at_rest;
mod self_registration;
mod sessions;
mod statement_costs;
mod test_area;
mod webhook_deliveries;
mod webhooks;
