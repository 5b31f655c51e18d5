//! Building blocks shared by every page.

pub mod form;
pub mod layout;
pub mod paged;
pub mod states;
pub mod toast;
