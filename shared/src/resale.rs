//! Resale: what a reseller charges its clients per credit, the monthly statement it gives a
//! client, and its revenue, cost and margin. Reseller staff only — none of it is shown to client
//! users.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::StatementLineKind;

/// A reseller's resale price per credit in its own currency, and for one client that client's
/// own price. Minor units (pence, cents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResalePrice {
    pub currency: String,
    /// The reseller's default price per credit; none: not set.
    pub default_unit_price_minor: Option<i64>,
    /// The client's own price (on a client's resale price only); none: the default applies.
    pub client_unit_price_minor: Option<i64>,
    /// What a new order is resold at: the client's own price, else the default; none: new
    /// orders are not priced.
    pub unit_price_minor: Option<i64>,
}

/// `PUT` body: the price per credit in minor units, 0 to 100,000,000; `null` or absent removes
/// it (for a client: the reseller's default applies again).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResalePriceSet {
    pub unit_price_minor: Option<i64>,
}

/// One line of a client statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementLine {
    pub date: DateTime<Utc>,
    pub kind: StatementLineKind,
    pub description: String,
    /// Credits added (positive) or taken back (negative).
    pub credits: i64,
    /// The resale price per credit the line is charged at; none: unpriced or free.
    pub unit_price_minor: Option<i64>,
    /// credits × unit price; negative for credits taken back; none when unpriced.
    pub amount_minor: Option<i64>,
}

/// A client's credits and what the reseller charges for them in one calendar month (UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientStatement {
    pub client_id: String,
    pub client_code: String,
    pub client_name: String,
    /// `YYYY-MM`.
    pub period: String,
    pub currency: String,
    /// The balance at the start of the month.
    pub opening_balance: i64,
    /// Credits ordered (including a new client's first credits).
    pub credits_added: i64,
    /// Credits given by a positive adjustment (free of charge).
    pub credits_granted: i64,
    /// Credits charged for invitations.
    pub credits_used: i64,
    /// Credits refunded for cancelled or expired invitations.
    pub credits_refunded: i64,
    /// Credits taken back by a negative adjustment.
    pub credits_taken_back: i64,
    /// opening + added + granted − used + refunded − taken back.
    pub closing_balance: i64,
    /// The sum of the lines' amounts: orders at their resale price less credits taken back at
    /// the price of the orders they came from.
    pub resale_amount_minor: i64,
    /// Credits ordered with no resale price set (not in the amount).
    pub unpriced_credits: i64,
    pub lines: Vec<StatementLine>,
}

/// One month of a reseller's business, by billing month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarginMonth {
    /// `YYYY-MM`.
    pub period: String,
    /// Credits ordered less credits taken back.
    pub credits_sold: i64,
    /// Of those, credits with no resale price (their revenue is unknown).
    pub unpriced_credits: i64,
    /// What the reseller's clients are charged: orders at their resale price less returns.
    pub revenue_minor: i64,
    /// What the vendor bills the reseller: the month's invoice and credit note (not void).
    pub cost_minor: i64,
    /// revenue − cost.
    pub margin_minor: i64,
}

/// The reseller's revenue, cost and margin over the last months, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarginReport {
    pub currency: String,
    pub months: Vec<MarginMonth>,
}
