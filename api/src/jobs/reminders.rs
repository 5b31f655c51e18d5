//! Reminders to invited candidates who have not started (`domain::candidates::due_reminders`
//! and `remind`), every `CREDENCE_HOUSEKEEPING_MS`. Each reminder is claimed and sent in its own
//! transaction with a conditional UPDATE, so several processes never send one reminder twice.

use crate::config::Config;
use crate::db::Db;
use crate::domain::candidates;
use crate::domain::links::Links;
use crate::error::ApiError;

pub async fn run(db: Db, config: Config, interval: std::time::Duration) {
    loop {
        match round(&db, &config.links()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "reminders sent"),
            Err(e) => tracing::warn!(error = %e, "reminder round failed"),
        }
        tokio::time::sleep(interval).await;
    }
}

/// One round: finds the reminders due and sends each that no other process sent first.
/// Returns how many this call sent; fails only when the due reminders cannot be read.
pub async fn round(db: &Db, links: &Links) -> Result<usize, ApiError> {
    let due = db.run(candidates::due_reminders).await?;
    let mut sent = 0;
    for id in due {
        let links = links.clone();
        let invitation = id.clone();
        // One invitation that fails (rolled back: no mail, no record) does not hold up the rest.
        match db
            .transaction(move |conn| candidates::remind(conn, &links, &id))
            .await
        {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, %invitation, "reminder failed"),
        }
    }
    Ok(sent)
}
