//! The rollups usage analytics read, each moved in the transaction of the write it follows:
//! `usage_days` by `credits::apply` (the one place the ledger is written), `funnel_months` where
//! an invitation is created and a test started and submitted, `sten_counts` when a scored test
//! is submitted. Reports then read O(months × clients) rows, never the candidates.

use chrono::NaiveDateTime;
use credence_shared::LedgerKind;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::db::schema::{funnel_months, sten_counts, usage_days};
use crate::db::DbConnection;
use crate::error::ApiError;

/// UPDATE the row; when there is none, INSERT it in a savepoint, and when a concurrent
/// transaction inserted it first (unique violation), UPDATE again. No upsert: diesel's
/// MultiConnection has none. For `usage_days` the caller already holds the client row's lock
/// (the balance UPDATE in `credits::apply`), so the retry never happens there; the funnel and
/// score rows are moved by candidates of one client at once, so they need it.
fn bump(
    conn: &mut DbConnection,
    update: impl Fn(&mut DbConnection) -> QueryResult<usize>,
    insert: impl FnOnce(&mut DbConnection) -> QueryResult<usize>,
) -> Result<(), ApiError> {
    if update(conn)? > 0 {
        return Ok(());
    }
    match conn.transaction(insert) {
        Ok(_) => Ok(()),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            update(conn)?;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// The UTC day of a time, as `usage_days.day` keeps it.
pub fn day_of(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// The UTC month of a time, as `funnel_months.month` keeps it.
pub fn month_of(at: NaiveDateTime) -> String {
    at.format("%Y-%m").to_string()
}

/// The day's change by kind: (added, used, refunded, adjusted); `used` counts charges positive.
pub fn split(kind: LedgerKind, delta: i64) -> (i64, i64, i64, i64) {
    match kind {
        LedgerKind::Initial | LedgerKind::Order => (delta, 0, 0, 0),
        LedgerKind::InviteCharge => (0, -delta, 0, 0),
        LedgerKind::Refund => (0, 0, delta, 0),
        LedgerKind::Adjustment => (0, 0, 0, delta),
    }
}

/// Adds one ledger entry to its client's day. Called by `credits::apply` after its balance
/// UPDATE, which holds the client row until commit, so no two transactions race on the row.
pub fn ledger_entry(
    conn: &mut DbConnection,
    client_id: &str,
    reseller_id: &str,
    kind: LedgerKind,
    delta: i64,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let day = day_of(at);
    let (added, used, refunded, adjusted) = split(kind, delta);
    bump(
        conn,
        |conn| {
            diesel::update(usage_days::table.find((client_id, &day)))
                .set((
                    usage_days::added.eq(usage_days::added + added),
                    usage_days::used.eq(usage_days::used + used),
                    usage_days::refunded.eq(usage_days::refunded + refunded),
                    usage_days::adjusted.eq(usage_days::adjusted + adjusted),
                ))
                .execute(conn)
        },
        |conn| {
            diesel::insert_into(usage_days::table)
                .values((
                    usage_days::client_id.eq(client_id),
                    usage_days::day.eq(&day),
                    usage_days::reseller_id.eq(reseller_id),
                    usage_days::added.eq(added),
                    usage_days::used.eq(used),
                    usage_days::refunded.eq(refunded),
                    usage_days::adjusted.eq(adjusted),
                ))
                .execute(conn)
        },
    )
}

/// Rebuilds one client's days from its ledger, for history rewritten in place (the demo's past
/// month moves ledger entries to an earlier date): O(the client's entries), never on a request.
pub fn rebuild_client_days(conn: &mut DbConnection, client_id: &str) -> Result<(), ApiError> {
    use crate::db::schema::{clients, ledger_entries};
    let reseller_id: String = clients::table
        .find(client_id)
        .select(clients::reseller_id)
        .first(conn)?;
    let entries: Vec<(String, i64, NaiveDateTime)> = ledger_entries::table
        .filter(ledger_entries::client_id.eq(client_id))
        .select((
            ledger_entries::kind,
            ledger_entries::delta,
            ledger_entries::created_at,
        ))
        .load(conn)?;
    diesel::delete(usage_days::table.filter(usage_days::client_id.eq(client_id))).execute(conn)?;
    for (kind, delta, at) in entries {
        let kind: LedgerKind = kind
            .parse()
            .map_err(|_| ApiError::internal("unknown ledger kind"))?;
        ledger_entry(conn, client_id, &reseller_id, kind, delta, at)?;
    }
    Ok(())
}

/// Which funnel row an assessment counts in: its invitation's client, project, test and the
/// month the invitation was created (a cohort: a test started later still counts there).
pub struct FunnelKey<'a> {
    pub client_id: &'a str,
    pub project_id: &'a str,
    pub test_id: &'a str,
    pub invited_at: NaiveDateTime,
}

/// What happened to an assessment.
pub enum FunnelStep {
    Invited,
    Started,
    /// Submitted at this time.
    Completed(NaiveDateTime),
}

/// Upper bounds (hours after the invitation) of the completion-time buckets; a last bucket
/// holds everything later. The same bounds as the migration's backfill.
pub const BUCKET_HOURS: [i64; 7] = [1, 24, 48, 72, 168, 336, 720];

/// The bucket of a completion `hours` (fractional) after the invitation: 0..=7.
pub fn bucket_of(hours: f64) -> usize {
    BUCKET_HOURS
        .iter()
        .position(|&b| hours <= b as f64)
        .unwrap_or(BUCKET_HOURS.len())
}

pub fn funnel(conn: &mut DbConnection, key: &FunnelKey, step: FunnelStep) -> Result<(), ApiError> {
    use funnel_months as f;
    let month = month_of(key.invited_at);
    let (inv, sta, com) = match step {
        FunnelStep::Invited => (1, 0, 0),
        FunnelStep::Started => (0, 1, 0),
        FunnelStep::Completed(_) => (0, 0, 1),
    };
    let mut b = [0i32; 8];
    if let FunnelStep::Completed(at) = step {
        let hours = (at - key.invited_at).num_seconds() as f64 / 3600.0;
        b[bucket_of(hours)] = 1;
    }
    let id = (key.client_id, key.project_id, key.test_id, month.as_str());
    bump(
        conn,
        |conn| {
            diesel::update(f::table.find(id))
                .set((
                    f::invited.eq(f::invited + inv),
                    f::started.eq(f::started + sta),
                    f::completed.eq(f::completed + com),
                    f::done_1h.eq(f::done_1h + b[0]),
                    f::done_1d.eq(f::done_1d + b[1]),
                    f::done_2d.eq(f::done_2d + b[2]),
                    f::done_3d.eq(f::done_3d + b[3]),
                    f::done_7d.eq(f::done_7d + b[4]),
                    f::done_14d.eq(f::done_14d + b[5]),
                    f::done_30d.eq(f::done_30d + b[6]),
                    f::done_later.eq(f::done_later + b[7]),
                ))
                .execute(conn)
        },
        |conn| {
            diesel::insert_into(f::table)
                .values((
                    f::client_id.eq(key.client_id),
                    f::project_id.eq(key.project_id),
                    f::test_id.eq(key.test_id),
                    f::month.eq(&month),
                    f::invited.eq(inv),
                    f::started.eq(sta),
                    f::completed.eq(com),
                    (
                        f::done_1h.eq(b[0]),
                        f::done_1d.eq(b[1]),
                        f::done_2d.eq(b[2]),
                        f::done_3d.eq(b[3]),
                        f::done_7d.eq(b[4]),
                        f::done_14d.eq(b[5]),
                        f::done_30d.eq(b[6]),
                        f::done_later.eq(b[7]),
                    ),
                ))
                .execute(conn)
        },
    )
}

/// Counts a new invitation's tests as invited: one UPDATE for all of them once their rows exist
/// (so an invitation costs a fixed number of statements), then the missing rows one at a time.
pub fn funnel_invited(
    conn: &mut DbConnection,
    client_id: &str,
    project_id: &str,
    test_ids: &[&str],
    invited_at: NaiveDateTime,
) -> Result<(), ApiError> {
    use funnel_months as f;
    let month = month_of(invited_at);
    let moved = diesel::update(
        f::table
            .filter(f::client_id.eq(client_id))
            .filter(f::project_id.eq(project_id))
            .filter(f::month.eq(&month))
            .filter(f::test_id.eq_any(test_ids)),
    )
    .set(f::invited.eq(f::invited + 1))
    .execute(conn)?;
    if moved == test_ids.len() {
        return Ok(());
    }
    let present: Vec<String> = f::table
        .filter(f::client_id.eq(client_id))
        .filter(f::project_id.eq(project_id))
        .filter(f::month.eq(&month))
        .filter(f::test_id.eq_any(test_ids))
        .select(f::test_id)
        .load(conn)?;
    for test_id in test_ids.iter().filter(|t| !present.iter().any(|p| p == *t)) {
        funnel(
            conn,
            &FunnelKey {
                client_id,
                project_id,
                test_id,
                invited_at,
            },
            FunnelStep::Invited,
        )?;
    }
    Ok(())
}

/// Counts a submitted test's sten (1–10) for its client and test; other values are ignored.
pub fn sten(
    conn: &mut DbConnection,
    client_id: &str,
    test_id: &str,
    sten: i32,
) -> Result<(), ApiError> {
    if !(1..=10).contains(&sten) {
        return Ok(());
    }
    bump(
        conn,
        |conn| {
            diesel::update(sten_counts::table.find((client_id, test_id, sten)))
                .set(sten_counts::candidates.eq(sten_counts::candidates + 1))
                .execute(conn)
        },
        |conn| {
            diesel::insert_into(sten_counts::table)
                .values((
                    sten_counts::client_id.eq(client_id),
                    sten_counts::test_id.eq(test_id),
                    sten_counts::sten.eq(sten),
                    sten_counts::candidates.eq(1),
                ))
                .execute(conn)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_buckets_are_inclusive_upper_bounds() {
        assert_eq!(bucket_of(0.5), 0);
        assert_eq!(bucket_of(1.0), 0);
        assert_eq!(bucket_of(1.01), 1);
        assert_eq!(bucket_of(24.0), 1);
        assert_eq!(bucket_of(100.0), 4);
        assert_eq!(bucket_of(720.0), 6);
        assert_eq!(bucket_of(721.0), 7);
    }

    #[test]
    fn a_ledger_change_lands_in_one_column() {
        assert_eq!(split(LedgerKind::Order, 10), (10, 0, 0, 0));
        assert_eq!(split(LedgerKind::InviteCharge, -3), (0, 3, 0, 0));
        assert_eq!(split(LedgerKind::Refund, 2), (0, 0, 2, 0));
        assert_eq!(split(LedgerKind::Adjustment, -4), (0, 0, 0, -4));
    }
}
