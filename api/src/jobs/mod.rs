//! Background workers started with the server.

pub mod ats;
pub mod housekeeping;
pub mod mail;
pub mod reminders;
pub mod webhooks;
