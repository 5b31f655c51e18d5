//! Pieces of the projects and candidates pages both portals share: status badges, the test
//! picker, score displays, the "not enough credits" message, and local ↔ UTC times.
//! One file per piece: `status`, `tables`, `pickers`, `scores`, `credits`, `extra_time`; the
//! text and time helpers they use are in `crate::format`.

mod credits;
mod extra_time;
mod pickers;
mod scores;
mod status;
mod tables;

pub use credits::*;
pub use extra_time::*;
pub use pickers::*;
pub use scores::*;
pub use status::*;
pub use tables::*;

/// Which portal a shared page is shown in: where its links go, and whether scores exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Portal {
    Client,
    Reseller,
}

impl Portal {
    pub fn base(self) -> &'static str {
        match self {
            Portal::Client => "/client",
            Portal::Reseller => "/reseller",
        }
    }

    /// Client users see scores; resellers see status only (the API sends no scores to them).
    pub fn scores(self) -> bool {
        self == Portal::Client
    }

    pub fn is_reseller(self) -> bool {
        self == Portal::Reseller
    }
}
