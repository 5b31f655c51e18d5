//! Statuses and kinds: one enum per state machine, serialised as the API's snake_case word.
//!
//! The API stores the same words in its tables (each column has a CHECK constraint listing
//! them), so `as_str()` is what queries write and compare, and `TryFrom<String>` is how a row
//! reads a column back. The SPA matches on these enums, so a new state does not compile until
//! every page that shows one says what to do with it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A word that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    pub what: &'static str,
    pub word: String,
}

impl fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a {}", self.word, self.what)
    }
}

impl std::error::Error for UnknownWord {}

/// What every status and kind enum offers, so one function can parse or list any of them.
pub trait Word: Copy + Eq + 'static {
    /// Every value, in the order of the state machine (what a filter offers).
    const ALL: &'static [Self];
    /// The word on the wire and in the table.
    fn as_str(self) -> &'static str;

    fn parse(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == word)
    }

    /// The word with a capital first letter and spaces for underscores ("In progress"), as a
    /// page shows it.
    fn label(self) -> String {
        let word = self.as_str().replace('_', " ");
        let mut chars = word.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

macro_rules! words {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl Word for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)+];

            fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl $name {
            pub const ALL: &'static [Self] = <Self as Word>::ALL;

            pub fn as_str(self) -> &'static str {
                Word::as_str(self)
            }

            pub fn parse(word: &str) -> Option<Self> {
                <Self as Word>::parse(word)
            }

            pub fn label(self) -> String {
                Word::label(self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;

            fn from_str(word: &str) -> Result<Self, UnknownWord> {
                <$name as Word>::parse(word).ok_or_else(|| UnknownWord {
                    what: $what,
                    word: word.to_string(),
                })
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownWord;

            fn try_from(word: String) -> Result<Self, UnknownWord> {
                word.parse()
            }
        }
    };
}

words! {
    /// An invitation to a project: `invited` until the candidate starts a test, `submitted` when
    /// every test is, `cancelled` by staff or `expired` unstarted past its deadline.
    InvitationStatus, "invitation status" {
        Invited = "invited",
        InProgress = "in_progress",
        Submitted = "submitted",
        Cancelled = "cancelled",
        Expired = "expired",
    }
}

words! {
    /// One test of an invitation; `refunded` when its invitation closed before it started.
    AssessmentStatus, "assessment status" {
        NotStarted = "not_started",
        InProgress = "in_progress",
        Submitted = "submitted",
        Refunded = "refunded",
    }
}

words! {
    /// A candidate in a list: the status of their newest invitation, or `not_invited`.
    CandidateStatus, "candidate status" {
        NotInvited = "not_invited",
        Invited = "invited",
        InProgress = "in_progress",
        Submitted = "submitted",
        Cancelled = "cancelled",
        Expired = "expired",
    }
}

impl InvitationStatus {
    /// The statuses in which the candidate may still take tests and staff may cancel.
    pub const OPEN: [InvitationStatus; 2] =
        [InvitationStatus::Invited, InvitationStatus::InProgress];

    pub fn is_open(self) -> bool {
        match self {
            InvitationStatus::Invited | InvitationStatus::InProgress => true,
            InvitationStatus::Submitted
            | InvitationStatus::Cancelled
            | InvitationStatus::Expired => false,
        }
    }
}

impl From<InvitationStatus> for CandidateStatus {
    fn from(status: InvitationStatus) -> Self {
        match status {
            InvitationStatus::Invited => CandidateStatus::Invited,
            InvitationStatus::InProgress => CandidateStatus::InProgress,
            InvitationStatus::Submitted => CandidateStatus::Submitted,
            InvitationStatus::Cancelled => CandidateStatus::Cancelled,
            InvitationStatus::Expired => CandidateStatus::Expired,
        }
    }
}

words! {
    /// A person who signs in: `invited` until they set a password.
    UserStatus, "user status" {
        Invited = "invited",
        Active = "active",
        Deactivated = "deactivated",
    }
}

words! {
    /// A client (employer): only an active client can invite candidates.
    ClientStatus, "client status" {
        Active = "active",
        Suspended = "suspended",
        Archived = "archived",
    }
}

words! {
    /// A reseller: suspending one signs out its staff and its clients' users.
    ResellerStatus, "reseller status" {
        Active = "active",
        Suspended = "suspended",
    }
}

words! {
    /// A reseller's custom host request: `none` (nothing asked), `requested` (waiting for the
    /// vendor), `approved` (the host is the reseller's active custom host) or `rejected` (with
    /// the vendor's reason). A vendor-set host is `approved`.
    #[derive(Default)]
    HostStatus, "custom host status" {
        #[default]
        #[serde(rename = "none")]
        NoHost = "none",
        Requested = "requested",
        Approved = "approved",
        Rejected = "rejected",
    }
}

words! {
    /// What a custom host's DNS check found: the name resolves only to the platform's
    /// addresses (`points_here`), to other addresses (`points_elsewhere`), or not at all.
    HostCheckResult, "host check result" {
        PointsHere = "points_here",
        PointsElsewhere = "points_elsewhere",
        NotFound = "not_found",
    }
}

words! {
    /// A monthly invoice: a `draft` while its month is open, then `issued`, then `paid` or `void`.
    InvoiceStatus, "invoice status" {
        Draft = "draft",
        Issued = "issued",
        Paid = "paid",
        Void = "void",
    }
}

words! {
    /// A price per credit in time: `scheduled` before it applies, `current` while it does,
    /// `ended` once a newer price replaced it or its own end passed.
    PriceStatus, "price status" {
        Scheduled = "scheduled",
        Current = "current",
        Ended = "ended",
    }
}

words! {
    /// A billing document: an `invoice` for credits ordered, or a `credit_note` for credits
    /// taken back after their month's invoice was issued.
    InvoiceKind, "invoice kind" {
        Invoice = "invoice",
        CreditNote = "credit_note",
    }
}

words! {
    /// Why a client's balance changed.
    LedgerKind, "ledger entry kind" {
        Initial = "initial",
        Order = "order",
        InviteCharge = "invite_charge",
        Refund = "refund",
        Adjustment = "adjustment",
    }
}

words! {
    /// A credit order: the credits given at client creation, or a later order.
    CreditOrderKind, "credit order kind" {
        Initial = "initial",
        Order = "order",
    }
}

impl From<CreditOrderKind> for LedgerKind {
    fn from(kind: CreditOrderKind) -> Self {
        match kind {
            CreditOrderKind::Initial => LedgerKind::Initial,
            CreditOrderKind::Order => LedgerKind::Order,
        }
    }
}

words! {
    /// A line of a client statement: credits ordered (`order`, or a new client's first credits,
    /// `initial`), given free by an adjustment (`grant`) or taken back (`return`).
    StatementLineKind, "statement line kind" {
        Initial = "initial",
        Order = "order",
        Grant = "grant",
        Return = "return",
    }
}

words! {
    /// A test of the catalogue: aptitude tests have right answers and a total score,
    /// personality tests a score per trait.
    TestKind, "test kind" {
        Aptitude = "aptitude",
        Personality = "personality",
    }
}

words! {
    /// A mail of the outbox: `failed` after the last retry.
    DeliveryStatus, "delivery status" {
        Pending = "pending",
        Sent = "sent",
        Failed = "failed",
    }
}

words! {
    /// A webhook delivery: `pending` (queued, in flight or waiting for a retry) until the
    /// receiver answers 2xx (`delivered`) or the last retry fails (`failed`); `cancelled` when
    /// its webhook was deleted first.
    WebhookDeliveryStatus, "webhook delivery status" {
        Pending = "pending",
        Delivered = "delivered",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

words! {
    /// An applicant tracking system a client connects (`/ats-connectors`).
    AtsKind, "ATS kind" {
        Greenhouse = "greenhouse",
        Workable = "workable",
    }
}

words! {
    /// An event a webhook subscribes to.
    WebhookEvent, "webhook event" {
        /// A client's balance fell below its credit threshold.
        #[serde(rename = "client.credits_low")]
        ClientCreditsLow = "client.credits_low",
        /// A candidate submitted their last assessment.
        #[serde(rename = "candidate.completed")]
        CandidateCompleted = "candidate.completed",
        /// A candidate was invited to a project (credits charged).
        #[serde(rename = "candidate.invited")]
        CandidateInvited = "candidate.invited",
        /// A candidate started the first test of an invitation.
        #[serde(rename = "candidate.started")]
        CandidateStarted = "candidate.started",
        /// Staff cancelled an invitation (unstarted tests refunded).
        #[serde(rename = "invitation.cancelled")]
        InvitationCancelled = "invitation.cancelled",
        /// An invitation passed its deadline unfinished (unstarted tests refunded).
        #[serde(rename = "invitation.expired")]
        InvitationExpired = "invitation.expired",
        /// A reseller created a client.
        #[serde(rename = "client.created")]
        ClientCreated = "client.created",
        /// Credits were ordered for a client (or given to a new client).
        #[serde(rename = "credit_order.created")]
        CreditOrderCreated = "credit_order.created",
        /// The vendor issued an invoice or credit note to the reseller.
        #[serde(rename = "invoice.issued")]
        InvoiceIssued = "invoice.issued",
    }
}

impl WebhookEvent {
    /// Whether a client's own webhooks may receive it: the reseller's invoices, and the creation
    /// of clients, are the reseller's business only.
    pub fn for_clients(self) -> bool {
        !matches!(
            self,
            WebhookEvent::InvoiceIssued | WebhookEvent::ClientCreated
        )
    }

    /// One line for people choosing what to subscribe to.
    pub fn description(self) -> &'static str {
        match self {
            WebhookEvent::ClientCreditsLow => "A client's balance falls below its threshold",
            WebhookEvent::CandidateCompleted => "A candidate completes every test of a project",
            WebhookEvent::CandidateInvited => "A candidate is invited to a project",
            WebhookEvent::CandidateStarted => "A candidate starts their first test",
            WebhookEvent::InvitationCancelled => "An invitation is cancelled",
            WebhookEvent::InvitationExpired => "An invitation expires unfinished",
            WebhookEvent::ClientCreated => "A client account is created",
            WebhookEvent::CreditOrderCreated => "Credits are ordered for a client",
            WebhookEvent::InvoiceIssued => "An invoice or credit note is issued to you",
        }
    }
}

words! {
    /// One row of a CSV import.
    ImportOutcome, "import outcome" {
        Invited = "invited",
        Rejected = "rejected",
    }
}

words! {
    /// What an API key's tokens may do, chosen when the key is made. Whatever its scopes, a key
    /// never manages API keys, users, webhooks, passwords or emails, nor starts a Login As.
    ApiKeyScope, "API key scope" {
        /// Every `GET` the key's owner may make.
        Read = "read",
        /// Add, invite, edit, resend and cancel candidates; import them from CSV.
        Candidates = "candidates",
        /// Create and edit projects.
        Projects = "projects",
        /// Credit orders and credit adjustments (reseller users).
        Credits = "credits",
        /// Create and edit clients and their logos (reseller users).
        Clients = "clients",
    }
}

impl ApiKeyScope {
    /// One line on what the scope allows, as the API-keys page shows it.
    pub fn description(self) -> &'static str {
        match self {
            ApiKeyScope::Read => "Read everything you can see (every GET).",
            ApiKeyScope::Candidates => {
                "Add, invite, edit and cancel candidates; import them from CSV (inviting uses credits)."
            }
            ApiKeyScope::Projects => "Create and edit projects.",
            ApiKeyScope::Credits => {
                "Place credit orders and credit adjustments for your clients (billed on your invoice)."
            }
            ApiKeyScope::Clients => {
                "Create and edit clients and their logos (initial credits also need credits)."
            }
        }
    }

    /// Whether a key of a user with this role may hold the scope: credits and clients are the
    /// reseller's business.
    pub fn available_to(self, role: crate::Role) -> bool {
        match self {
            ApiKeyScope::Read | ApiKeyScope::Candidates | ApiKeyScope::Projects => {
                matches!(role, crate::Role::Reseller | crate::Role::ClientUser)
            }
            ApiKeyScope::Credits | ApiKeyScope::Clients => role == crate::Role::Reseller,
        }
    }

    /// Every scope a user with this role may give a key (the default of a key made without
    /// `scopes`).
    pub fn for_role(role: crate::Role) -> Vec<ApiKeyScope> {
        ApiKeyScope::ALL
            .iter()
            .copied()
            .filter(|s| s.available_to(role))
            .collect()
    }
}

words! {
    /// An email whose text a reseller may edit per skin: the candidate's invitation, the
    /// reminder, and the completion report to the client.
    #[derive(Default)]
    MailTextKind, "mail text kind" {
        #[default]
        Invitation = "invitation",
        Reminder = "reminder",
        Completion = "completion",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Word + Serialize + serde::de::DeserializeOwned + fmt::Debug>() {
        for &value in T::ALL {
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(json, format!("\"{}\"", value.as_str()));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), value);
            assert_eq!(T::parse(value.as_str()), Some(value));
        }
        assert_eq!(T::parse("nonsense"), None);
    }

    #[test]
    fn the_word_is_the_serde_word() {
        round_trip::<InvitationStatus>();
        round_trip::<AssessmentStatus>();
        round_trip::<CandidateStatus>();
        round_trip::<UserStatus>();
        round_trip::<ClientStatus>();
        round_trip::<ResellerStatus>();
        round_trip::<InvoiceStatus>();
        round_trip::<LedgerKind>();
        round_trip::<CreditOrderKind>();
        round_trip::<StatementLineKind>();
        round_trip::<TestKind>();
        round_trip::<DeliveryStatus>();
        round_trip::<WebhookDeliveryStatus>();
        round_trip::<AtsKind>();
        round_trip::<ImportOutcome>();
        round_trip::<ApiKeyScope>();
        round_trip::<HostStatus>();
        round_trip::<HostCheckResult>();
    }

    #[test]
    fn credits_and_clients_scopes_are_for_resellers_only() {
        use crate::Role;
        assert_eq!(ApiKeyScope::for_role(Role::Reseller), ApiKeyScope::ALL);
        assert_eq!(
            ApiKeyScope::for_role(Role::ClientUser),
            [
                ApiKeyScope::Read,
                ApiKeyScope::Candidates,
                ApiKeyScope::Projects
            ]
        );
        assert!(ApiKeyScope::for_role(Role::PlatformAdmin).is_empty());
        assert!(ApiKeyScope::for_role(Role::Candidate).is_empty());
    }

    #[test]
    fn labels_capitalise_the_word() {
        assert_eq!(InvitationStatus::InProgress.label(), "In progress");
        assert_eq!(InvitationStatus::Submitted.label(), "Submitted");
        assert_eq!(CandidateStatus::NotInvited.label(), "Not invited");
    }
}
