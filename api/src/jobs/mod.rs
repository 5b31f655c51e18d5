//! Background workers started with the server.

pub mod mail;
