//! Usage analytics: the reports behind the charts and their CSV downloads.

use credence_shared::analytics::{
    ForecastReport, FunnelReport, RevenueReport, ScoreReport, UsageReport,
};

use super::{download, get, ApiResult};

pub async fn reseller_usage() -> ApiResult<UsageReport> {
    get("/reseller/analytics/usage").await
}

pub async fn reseller_forecast() -> ApiResult<ForecastReport> {
    get("/reseller/analytics/forecast").await
}

pub async fn reseller_funnel() -> ApiResult<FunnelReport> {
    get("/reseller/analytics/funnel").await
}

pub async fn client_usage() -> ApiResult<UsageReport> {
    get("/client/analytics/usage").await
}

pub async fn client_funnel() -> ApiResult<FunnelReport> {
    get("/client/analytics/funnel").await
}

pub async fn client_scores() -> ApiResult<ScoreReport> {
    get("/client/analytics/scores").await
}

pub async fn admin_revenue() -> ApiResult<RevenueReport> {
    get("/admin/analytics/revenue").await
}

/// Downloads the CSV sibling of a report (`path` without `/api/v1`, e.g.
/// `/reseller/analytics/usage.csv`).
pub async fn download_analytics_csv(path: &str, name: &str) -> ApiResult<()> {
    download(path, name).await
}
