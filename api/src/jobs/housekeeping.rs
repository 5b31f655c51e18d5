//! Periodic work: expire invitations past their date (refunding tests never started), submit
//! timed tests whose deadline passed without a submit, issue last month's draft invoices, and
//! forget what is kept only for a while (`domain::retention::purge`: idempotency answers after
//! 24 h, sent mail bodies, old throttle buckets), and anonymise candidates past their client's
//! retention period (`domain::privacy::anonymise_due`, 200 per transaction), and carry out
//! client closures whose grace period is over (`domain::clients::closure::close_due`, in the
//! same batches). Safe with several
//! processes: every change is a conditional UPDATE that only one process can win.

use crate::config::Config;
use crate::db::Db;
use crate::domain::clients::closure;
use crate::domain::{candidates, invoices, privacy, retention, test_area};

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
        anonymise_due(&db).await;
        close_due(&db).await;
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

/// Batches of `privacy::BATCH` candidates, each in its own short transaction, while batches
/// come back full (at most `MAX_BATCHES` a round, so one round never runs long).
async fn anonymise_due(db: &Db) {
    const MAX_BATCHES: usize = 50;
    for _ in 0..MAX_BATCHES {
        let at = crate::db::now();
        match db
            .transaction(move |conn| privacy::anonymise_due(conn, at, privacy::BATCH))
            .await
        {
            Ok(done) => {
                let count: usize = done.iter().map(|d| d.count).sum();
                if count > 0 {
                    tracing::info!(count, clients = done.len(), "housekeeping: anonymised");
                }
                if (count as i64) < privacy::BATCH {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "housekeeping anonymisation failed");
                return;
            }
        }
    }
}

/// Closures due, in batches of `privacy::BATCH` candidates like `anonymise_due`.
async fn close_due(db: &Db) {
    const MAX_BATCHES: usize = 50;
    for _ in 0..MAX_BATCHES {
        let at = crate::db::now();
        match db
            .transaction(move |conn| closure::close_due(conn, at, privacy::BATCH))
            .await
        {
            Ok(progress) => {
                let anonymised: usize = progress.iter().map(|p| p.anonymised).sum();
                let closed = progress.iter().filter(|p| p.closed).count();
                if anonymised > 0 || closed > 0 {
                    tracing::info!(anonymised, closed, "housekeeping: client closures");
                }
                if (anonymised as i64) < privacy::BATCH {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "housekeeping closure failed");
                return;
            }
        }
    }
}
