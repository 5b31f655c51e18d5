//! Usage analytics: what the charts of the reseller, client and vendor portals draw. Every
//! number comes from rollups kept with the ledger and the assessments (`domain::usage`), so a
//! report reads O(months × clients) rows.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One month of a client's credits (the ledger's deltas by kind, summed over the month, UTC).
/// `used` counts credits charged for invitations, `refunded` those given back when an
/// invitation was cancelled or expired, so `net_used` = `used` − `refunded`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthCredits {
    /// `YYYY-MM`
    pub month: String,
    pub added: i64,
    pub used: i64,
    pub refunded: i64,
    pub adjusted: i64,
    pub net_used: i64,
}

/// One client's months (every month of the report, zero where nothing happened).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientUsage {
    pub client_id: String,
    pub client_code: String,
    pub client_name: String,
    pub months: Vec<MonthCredits>,
    /// `net_used` over the report's months.
    pub net_used: i64,
}

/// Credits per client per month, oldest month first; clients ordered by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageReport {
    /// `YYYY-MM`, oldest first, ending with the current month.
    pub months: Vec<String>,
    pub clients: Vec<ClientUsage>,
}

/// When a client runs out at its recent pace: `daily_use` = credits used (net of refunds) in
/// the last 30 days, today included, ÷ 30; `days_left` = balance ÷ `daily_use`, rounded down;
/// none when nothing was used (no pace to extrapolate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientForecast {
    pub client_id: String,
    pub client_code: String,
    pub client_name: String,
    pub balance: i64,
    pub threshold: i64,
    pub below_threshold: bool,
    pub used_last_30_days: i64,
    pub days_left: Option<i64>,
    pub runs_out_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForecastReport {
    /// Today (UTC): the last of the 30 days.
    pub as_of: NaiveDate,
    /// Every active client, soonest to run out first, then those with no recent use.
    pub clients: Vec<ClientForecast>,
}

/// Invited → started → completed tests (one per test of an invitation), counted in the month
/// the invitation was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FunnelRow {
    /// The client, project or test id.
    pub id: String,
    pub label: String,
    pub invited: i64,
    pub started: i64,
    pub completed: i64,
    /// completed ÷ invited, a whole percent (half up); none with no invitations.
    pub completion_percent: Option<i64>,
    /// The median time from invitation to completion, as the bucket it falls in: "1 hour",
    /// "1 day", "2 days", "3 days", "7 days", "14 days", "30 days" (at most that long) or
    /// "over 30 days"; none with nothing completed.
    pub median_completion: Option<String>,
}

/// The funnel over the report's months: in total and per client, project or test (a reseller
/// gets `by_client` and `by_test`, a client user `by_project` and `by_test`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FunnelReport {
    pub months: Vec<String>,
    pub total: FunnelRow,
    pub by_client: Vec<FunnelRow>,
    pub by_project: Vec<FunnelRow>,
    pub by_test: Vec<FunnelRow>,
}

/// How many completed tests scored each sten, 1 to 10 (`counts[0]` is sten 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StenDistribution {
    pub test_id: String,
    pub test_name: String,
    pub counts: Vec<i64>,
    pub total: i64,
}

/// Score distributions per test with a total score (client users only; personality tests
/// have traits, not one sten, and are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreReport {
    pub tests: Vec<StenDistribution>,
}

/// One month of a reseller's invoices (drafts, issued and paid; credit notes subtract; void
/// ones do not count), in minor units of `currency`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthRevenue {
    pub month: String,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResellerRevenue {
    pub reseller_id: String,
    pub reseller_name: String,
    pub currency: String,
    pub months: Vec<MonthRevenue>,
    pub total_minor: i64,
}

/// Credits sold to a reseller's clients and not used yet: the sum of their balances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResellerOutstanding {
    pub reseller_id: String,
    pub reseller_name: String,
    pub credits: i64,
}

/// The vendor's view: revenue per reseller (and currency) per month, credits outstanding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevenueReport {
    pub months: Vec<String>,
    pub revenue: Vec<ResellerRevenue>,
    pub outstanding: Vec<ResellerOutstanding>,
}
