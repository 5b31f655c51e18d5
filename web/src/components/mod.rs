//! Building blocks shared by every page.

pub mod assess;
pub mod audit;
pub mod chart;
pub mod client_users;
pub mod form;
pub mod layout;
pub mod ledger;
pub mod loaded;
pub mod logo_file;
pub mod mail_text_editor;
pub mod paged;
pub mod pickers;
pub mod privacy_notice;
pub mod retention;
pub mod states;
pub mod toast;
pub mod widgets;
