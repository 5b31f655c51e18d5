//! Periodic work: expire invitations past their date (refunding tests never started) and
//! submit timed tests whose deadline passed without a submit. Safe with several processes:
//! every change is a conditional UPDATE that only one process can win.

use crate::config::Config;
use crate::db::Db;
use crate::domain::{candidates, test_area};

pub async fn run(db: Db, config: Config, interval: std::time::Duration) {
    loop {
        let cfg = config.clone();
        let outcome = db
            .transaction(move |conn| {
                let expired = candidates::expire_due(conn, &cfg)?;
                let submitted = test_area::submit_overdue(conn, &cfg)?;
                Ok((expired, submitted))
            })
            .await;
        match outcome {
            Ok((0, 0)) => {}
            Ok((expired, submitted)) => tracing::info!(expired, submitted, "housekeeping"),
            Err(e) => tracing::warn!(error = %e, "housekeeping round failed"),
        }
        tokio::time::sleep(interval).await;
    }
}
