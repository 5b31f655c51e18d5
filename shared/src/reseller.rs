//! Reseller-side objects: clients, client users, the credit ledger, credit orders, invoices.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    ClientStatus, CreditOrderKind, HostCheckResult, HostStatus, InvoiceKind, InvoiceStatus,
    LedgerKind, UserStatus, WebhookDeliveryStatus,
};

/// An employer account created by a reseller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Client {
    pub id: String,
    pub reseller_id: String,
    /// Unique, human-friendly and never reused, e.g. `ACME-7K2Q`; used on credit orders.
    pub code: String,
    pub name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub brand_id: String,
    pub brand_name: String,
    /// `/api/v1/logos/{id}`, shown in the candidates' test area.
    pub logo_url: Option<String>,
    pub credit_balance: i64,
    pub credit_threshold: i64,
    /// The balance is below the threshold.
    pub low_credit: bool,
    pub status: ClientStatus,
    pub user_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set while the client is being closed (and once it is closed); `null` otherwise.
    #[serde(default)]
    pub closure: Option<ClientClosure>,
}

/// A client's closure: asked for by its reseller with a reason; until `closes_at` its users can
/// still sign in and export their data, but nothing new is invited or ordered. Then the
/// client's candidates are anonymised, its users deactivated and the client archived
/// (`closed_at`); invoices, orders and the credit ledger stay for accounting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientClosure {
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    /// The end of the grace period.
    pub closes_at: DateTime<Utc>,
    /// When the closure was carried out; `null` while it is pending.
    pub closed_at: Option<DateTime<Utc>>,
}

/// `POST /clients/{id}/closure`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientClosureCreate {
    /// Why the client is closed (kept in the audit log), e.g. "Contract ended 2026-11-30".
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 500, pattern = "\\S")
    )]
    pub reason: String,
    /// Days until the closure is carried out, 0 to 365; default 30.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 365))]
    pub grace_days: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientCreate {
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub contact_name: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1, format = Email, max_length = 254))]
    pub contact_email: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// Defaults to the default skin; otherwise one of the reseller's skins (`GET /brands`).
    pub brand_id: Option<String>,
    /// Credits the client starts with (an initial credit order, invoiced like any other).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub initial_credits: Option<i64>,
    /// Defaults to the platform's default credit threshold.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub credit_threshold: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientPatch {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub contact_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub contact_email: Option<String>,
    /// An empty string clears the optional fields.
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub brand_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub credit_threshold: Option<i64>,
    /// A word of the enum; any other word is a 422 with the other bad fields (not a serde error).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ClientStatus>))]
    pub status: Option<String>,
}

/// One change of a client's balance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: String,
    pub client_id: String,
    pub kind: LedgerKind,
    pub delta: i64,
    pub balance_after: i64,
    pub reference: Option<String>,
    pub reason: Option<String>,
    pub actor_id: Option<String>,
    #[serde(default)]
    pub actor_name: Option<String>,
    /// What the change was for, in words, e.g. "Invitation: Jane Doe — Graduate Scheme 2027",
    /// "Credit order: 200 credits", "Refund: cancelled invitation of Jane Doe — …".
    #[serde(default)]
    pub description: String,
    /// What `reference_id` names, when the viewer may open it (absent otherwise).
    #[serde(default)]
    pub reference_kind: Option<LedgerReferenceKind>,
    /// The id of the object the line links to (a candidate, an invoice).
    #[serde(default)]
    pub reference_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The object a ledger line links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LedgerReferenceKind {
    /// The invited (or refunded) candidate: `/candidates/{id}`.
    Candidate,
    /// The invoice that bills a credit order (resellers only): `/invoices/{id}`.
    Invoice,
}

/// `POST /clients/{id}/credit-adjustments`: take back unused credits, with a reason.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CreditAdjustmentCreate {
    /// How many credits to remove (1 to 1,000,000; never more than the balance).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub credits: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditOrder {
    pub id: String,
    pub client_id: String,
    pub client_code: String,
    pub client_name: String,
    pub kind: CreditOrderKind,
    pub credits: i64,
    /// List price of one credit when ordered, minor units.
    pub list_price_minor: i64,
    pub discount_percent: f64,
    /// What the vendor invoices the reseller: credits × list price − discount, minor units.
    pub amount_minor: i64,
    pub currency: String,
    pub note: Option<String>,
    pub po_reference: Option<String>,
    pub invoice_id: String,
    pub created_at: DateTime<Utc>,
    /// What the reseller resells one of these credits at (its resale price when the order was
    /// placed), minor units; none: no resale price was set.
    pub resale_price_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CreditOrderCreate {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub client_code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, minimum = 1, maximum = 1000000)
    )]
    pub credits: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub po_reference: Option<String>,
}

/// A page of credit orders with the totals of everything the filters match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditOrderPage {
    pub data: Vec<CreditOrder>,
    pub next_cursor: Option<String>,
    pub total_credits: i64,
    pub total_amount_minor: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invoice {
    pub id: String,
    pub reseller_id: String,
    pub reseller_name: String,
    /// Calendar month, `YYYY-MM` (UTC).
    pub period: String,
    pub currency: String,
    /// `invoice`, or `credit_note` (its lines and total are negative).
    pub kind: InvoiceKind,
    pub status: InvoiceStatus,
    /// Gap-free sequential number, set when issued (`INV-000042`; a credit note's from its own
    /// sequence, `CN-000007`).
    pub number: Option<String>,
    /// Whether the invoice's month is still open (a draft can be issued only once it is not).
    pub period_open: bool,
    pub total_minor: i64,
    pub line_count: i64,
    pub issued_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceLine {
    pub id: String,
    pub invoice_id: String,
    pub credit_order_id: String,
    pub client_id: String,
    pub client_code: String,
    pub description: String,
    pub credits: i64,
    pub unit_price_minor: i64,
    pub discount_percent: f64,
    pub amount_minor: i64,
    pub created_at: DateTime<Utc>,
}

/// `POST /client-users`: `client_id` is required for resellers, implied for client users.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientUserCreate {
    pub client_id: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1, format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub job_title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientUserPatch {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub job_title: Option<String>,
    /// `active` or `deactivated` (re-activating an invited user keeps them invited).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<UserStatus>))]
    pub status: Option<String>,
}

/// A client user as the reseller and the client see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientUser {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub client_code: String,
    pub name: String,
    pub email: String,
    pub job_title: Option<String>,
    pub status: UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// A new email waiting for confirmation: the link went to this address, and `email` stays
    /// the sign-in email until it is used.
    #[serde(default)]
    pub pending_email: Option<String>,
}

/// `POST /auth/email/confirm`: the token from the link mailed to the new address.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EmailConfirm {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub token: String,
}

/// `POST /me/password`: change one's own password (never inside a Login As session).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordChangeRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Answer of `POST /client-users/{id}/impersonate` (Login As).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImpersonationResponse {
    pub access_token: String,
    pub token_type: String,
    /// At most 1800 seconds; the session cannot be refreshed.
    pub expires_in: i64,
    pub user: crate::auth::User,
    pub impersonator: crate::auth::Impersonator,
    #[serde(default)]
    pub client_name: String,
}

/// A partner's subscription to events (the OpenAPI document's `webhooks` section lists each
/// event and its payload).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    /// Only in the answer to `POST /webhooks`: the HMAC-SHA256 key of the
    /// `Credence-Signature: t=<unix time>,v1=<hex hmac of "t.body">` header.
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct WebhookCreate {
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, format = "uri", min_length = 1)
    )]
    pub url: String,
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = Vec<crate::WebhookEvent>, min_items = 1))]
    pub events: Vec<String>,
}

/// One delivery of an event to a webhook (`GET /webhooks/{id}/deliveries`), newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// Sent as the `Credence-Delivery` header.
    pub id: String,
    pub webhook_id: String,
    /// An event (`WebhookEvent`), or `ping` (`POST /webhooks/{id}/test`).
    pub event: String,
    pub status: WebhookDeliveryStatus,
    /// Attempts made so far (each retry counts).
    pub attempts: i32,
    /// The HTTP status the receiver answered last; none when it could not be reached.
    pub last_response_code: Option<i32>,
    /// Why the last attempt failed, in a sentence (e.g. `HTTP 500 Internal Server Error`,
    /// `Timed out after 10 s`); none once delivered.
    pub last_error: Option<String>,
    /// The delivery this one repeats (`POST …/redeliver`): the same payload, sent again.
    pub redelivery_of: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When the next attempt is due; only while `pending`.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// `GET /client-defaults`: what a new client gets when the form leaves a field empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientDefaults {
    /// The platform's default credit threshold.
    pub credit_threshold: i64,
    /// The default brand skin.
    pub brand_id: String,
}

/// A reseller's custom host: the one in use, the request waiting for the vendor, the DNS
/// record to create and the last DNS check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomHost {
    /// The host links and branding use (ASCII form), once approved or set by the vendor.
    pub active_host: Option<String>,
    /// The host asked for (ASCII form, punycode for international names) while `requested`
    /// or `rejected`.
    pub requested_host: Option<String>,
    pub status: HostStatus,
    /// The vendor's reason when `rejected`.
    pub rejection_reason: Option<String>,
    pub requested_at: Option<DateTime<Utc>>,
    /// The DNS record to create for the requested host, else for the active one.
    pub dns_record: Option<DnsRecord>,
    /// The last DNS check, while it concerns the host it shows.
    pub last_check: Option<HostCheck>,
}

/// A DNS record the reseller creates at its DNS provider, e.g. `CNAME assess.partner.example
/// → app.credence.example`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DnsRecord {
    /// `CNAME`; `A` or `AAAA` when the platform is reached by an IP address.
    #[serde(rename = "type")]
    pub record_type: String,
    pub name: String,
    pub value: String,
}

/// What resolving a custom host found (resolution only: nothing is contacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostCheck {
    pub host: String,
    pub result: HostCheckResult,
    /// The addresses the host resolved to.
    pub addresses: Vec<String>,
    pub checked_at: DateTime<Utc>,
}

/// Ask for a custom host (replaces a request still waiting or rejected).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CustomHostRequest {
    /// A host name such as `assess.partner.example` or `prüfung.partner.example`: no scheme,
    /// port, path, IP address or wildcard.
    #[cfg_attr(feature = "openapi", schema(required = true, max_length = 253))]
    pub host: String,
}

/// The vendor refuses a custom host request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CustomHostRejection {
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub reason: Option<String>,
}
