//! One module per page (or per group of pages of a portal).

pub mod admin;
pub mod analytics;
pub mod candidates;
pub mod client;
pub mod confirm_email;
pub mod forgot_password;
pub mod integrations;
pub mod login;
pub mod projects;
pub mod public_shell;
pub mod reseller;
pub mod set_password;
pub mod test_area;
