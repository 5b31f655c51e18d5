//! One module per page (or per group of pages of a portal).

pub mod admin;
pub mod client;
pub mod forgot_password;
pub mod login;
pub mod public_shell;
pub mod reseller;
pub mod section;
pub mod set_password;
