//! Periodic work: expire invitations past their date (refunding tests never started), submit
//! timed tests whose deadline passed without a submit, issue last month's draft invoices, and
//! forget what is kept only for a while (`domain::retention::purge`: idempotency answers after
//! 24 h, sent mail bodies, old throttle buckets). Safe with several processes:
//! every change is a conditional UPDATE that only one process can win.

use crate::config::Config;
use crate::db::Db;
use crate::domain::{candidates, invoices, retention, test_area};

pub async fn run(db: Db, config: Config, interval: std::time::Duration) {
    loop {
        let links = config.links();
        let clock = config.billing_clock;
        let outcome = db
            .transaction(move |conn| {
                let expired = candidates::expire_due(conn, &links)?;
                let submitted = test_area::submit_overdue(conn, &links)?;
                let issued = invoices::issue_closed_months(conn, &clock)?;
                Ok((expired, submitted, issued))
            })
            .await;
        match db.transaction(retention::purge).await {
            Ok(purged) if purged.any() => tracing::info!(?purged, "housekeeping: purged"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping purge failed"),
        }
        match outcome {
            Ok((0, 0, 0)) => {}
            Ok((expired, submitted, issued)) => {
                tracing::info!(expired, submitted, issued, "housekeeping")
            }
            Err(e) => tracing::warn!(error = %e, "housekeeping round failed"),
        }
        tokio::time::sleep(interval).await;
    }
}
