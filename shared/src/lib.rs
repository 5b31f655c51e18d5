//! DTOs shared by the API (`credence-api`) and the SPA (`credence-web`): the JSON on the wire.
//!
//! serde + chrono only; the `openapi` feature adds utoipa schema derives for the API's spec.
//! Request bodies use `#[serde(default)]` so that a missing field reaches validation and every
//! bad field can be reported in one 422, instead of serde stopping at the first one.

pub mod admin;
pub mod analytics;
pub mod assess;
pub mod ats;
pub mod auth;
pub mod bundle;
pub mod events;
pub mod mail_texts;
pub mod privacy;
pub mod problem;
pub mod resale;
pub mod reseller;
pub mod status;

pub use status::{
    ApiKeyScope, AssessmentStatus, AtsKind, CandidateStatus, ClientStatus, CreditOrderKind,
    DeliveryStatus, HostCheckResult, HostStatus, ImportOutcome, InvitationStatus, InvoiceKind,
    InvoiceStatus, LedgerKind, MailTextKind, PriceStatus, ResellerStatus, StatementLineKind,
    TestKind, UnknownWord, UserStatus, WebhookDeliveryStatus, WebhookEvent, Word,
};

use serde::{Deserialize, Serialize};

/// The ISO 4217 currencies the platform invoices in (each needs a price before a reseller can
/// be billed in it).
pub const CURRENCIES: [&str; 10] = [
    "GBP", "EUR", "USD", "AUD", "CAD", "NZD", "ZAR", "SGD", "CHF", "SEK",
];

/// One page of a cursor-paginated list: `{"data":[...],"next_cursor":...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Who may do what. Serialized as the JWT `role` claim and in every user DTO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PlatformAdmin,
    Reseller,
    ClientUser,
    Candidate,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::Reseller => "reseller",
            Role::ClientUser => "client_user",
            Role::Candidate => "candidate",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "platform_admin" => Some(Role::PlatformAdmin),
            "reseller" => Some(Role::Reseller),
            "client_user" => Some(Role::ClientUser),
            "candidate" => Some(Role::Candidate),
            _ => None,
        }
    }
}
