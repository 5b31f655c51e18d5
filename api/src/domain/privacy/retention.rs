//! Retention periods and the housekeeping step that anonymises candidates past them.
//!
//! The vendor sets the bounds (`settings.retention_min_days..=retention_max_days`, default
//! 30..=1825), a reseller the default its clients start with (`resellers.retention_default_days`,
//! default 730) and a client may set its own (`clients.retention_days`; `NULL` follows the
//! reseller). A value is checked against the bounds when set (422 otherwise); the period that
//! applies is always kept within the bounds as they are now, so narrowing the bounds needs no
//! rewrite. A candidate is due once `last_activity_at` is more than the period ago.

use chrono::{Duration, NaiveDateTime};
use credence_shared::privacy::{
    ClientRetention, ResellerRetention, ResellerRetentionPatch, RetentionBounds,
};
use diesel::prelude::*;

use crate::db::schema::{candidates, clients, resellers, settings};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::clients::{get_scoped, ClientRow};
use crate::domain::tenant::Tenant;
use crate::error::{ApiError, FieldIssue, Validator};

/// Candidates anonymised per transaction by the job.
pub const BATCH: i64 = 200;
/// The outer limits the vendor's bounds live in (ten years).
pub const LONGEST_DAYS: i64 = 3650;

pub fn bounds(conn: &mut DbConnection) -> Result<RetentionBounds, ApiError> {
    let (min, max) = settings::table
        .find(1)
        .select((settings::retention_min_days, settings::retention_max_days))
        .first::<(i32, i32)>(conn)?;
    Ok(RetentionBounds {
        min_days: i64::from(min),
        max_days: i64::from(max),
    })
}

fn clamp(days: i64, b: &RetentionBounds) -> i64 {
    days.max(b.min_days).min(b.max_days)
}

fn within(days: i64, b: &RetentionBounds) -> Result<i64, FieldIssue> {
    if (b.min_days..=b.max_days).contains(&days) {
        Ok(days)
    } else {
        Err(FieldIssue::new(
            "out_of_range",
            format!(
                "Choose a retention period from {} to {} days.",
                b.min_days, b.max_days
            ),
        ))
    }
}

pub fn set_bounds(
    conn: &mut DbConnection,
    actor: &AuditActor,
    patch: &RetentionBounds,
) -> Result<RetentionBounds, ApiError> {
    let mut v = Validator::new();
    let range = |d: i64| {
        if (1..=LONGEST_DAYS).contains(&d) {
            Ok(d)
        } else {
            Err(FieldIssue::new(
                "out_of_range",
                format!("Use 1 to {LONGEST_DAYS} days."),
            ))
        }
    };
    let min = v.check("min_days", range(patch.min_days));
    let max = v.check("max_days", range(patch.max_days));
    if let (Some(min), Some(max)) = (min, max) {
        if min > max {
            v.add(
                "max_days",
                "out_of_range",
                "The longest period cannot be shorter than the shortest.",
            );
        }
    }
    v.finish()?;
    let before = bounds(conn)?;
    diesel::update(settings::table.find(1))
        .set((
            settings::retention_min_days.eq(patch.min_days as i32),
            settings::retention_max_days.eq(patch.max_days as i32),
            settings::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let after = bounds(conn)?;
    audit::record(
        conn,
        actor,
        "retention.bounds_updated",
        ("settings", "1"),
        AuditScope::default(),
        serde_json::json!({ "before": before, "after": after }),
    )?;
    Ok(after)
}

pub fn reseller_retention(
    conn: &mut DbConnection,
    reseller_id: &str,
) -> Result<ResellerRetention, ApiError> {
    let b = bounds(conn)?;
    let default: i32 = resellers::table
        .find(reseller_id)
        .select(resellers::retention_default_days)
        .first(conn)?;
    Ok(ResellerRetention {
        default_days: i64::from(default),
        min_days: b.min_days,
        max_days: b.max_days,
    })
}

pub fn set_reseller_retention(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    patch: &ResellerRetentionPatch,
) -> Result<ResellerRetention, ApiError> {
    let b = bounds(conn)?;
    let mut v = Validator::new();
    let days = match patch.default_days {
        Some(d) => v.check("default_days", within(d, &b)),
        None => {
            v.add("default_days", "required", "This field is required.");
            None
        }
    };
    v.finish()?;
    let before = reseller_retention(conn, reseller_id)?;
    diesel::update(resellers::table.find(reseller_id))
        .set(resellers::retention_default_days.eq(days.unwrap_or_default() as i32))
        .execute(conn)?;
    let after = reseller_retention(conn, reseller_id)?;
    audit::record(
        conn,
        actor,
        "retention.default_updated",
        ("reseller", reseller_id),
        AuditScope {
            reseller_id: Some(reseller_id.to_string()),
            client_id: None,
        },
        serde_json::json!({ "before": before.default_days, "after": after.default_days }),
    )?;
    Ok(after)
}

/// The period that applies to a client's candidates: its own, else its reseller's default, kept
/// within the bounds.
pub fn effective_days(conn: &mut DbConnection, client: &ClientRow) -> Result<i64, ApiError> {
    let b = bounds(conn)?;
    let default = reseller_retention(conn, &client.reseller_id)?.default_days;
    Ok(clamp(
        client.retention_days.map(i64::from).unwrap_or(default),
        &b,
    ))
}

pub fn client_retention(
    conn: &mut DbConnection,
    tenant: &Tenant,
    client_id: &str,
) -> Result<ClientRetention, ApiError> {
    let client = get_scoped(conn, tenant, client_id)?;
    let b = bounds(conn)?;
    let default = reseller_retention(conn, &client.reseller_id)?.default_days;
    let days = client.retention_days.map(i64::from);
    Ok(ClientRetention {
        client_id: client.id,
        days,
        default_days: default,
        effective_days: clamp(days.unwrap_or(default), &b),
        min_days: b.min_days,
        max_days: b.max_days,
    })
}

/// Sets (or with `None` clears) a client's own period: its reseller's staff or its own users.
pub fn set_client_retention(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    client_id: &str,
    days: Option<i64>,
) -> Result<ClientRetention, ApiError> {
    let client = get_scoped(conn, tenant, client_id)?;
    let b = bounds(conn)?;
    let mut v = Validator::new();
    let days = days.and_then(|d| v.check("days", within(d, &b)));
    v.finish()?;
    let before = client_retention(conn, tenant, client_id)?;
    diesel::update(clients::table.find(client_id))
        .set(clients::retention_days.eq(days.map(|d| d as i32)))
        .execute(conn)?;
    let after = client_retention(conn, tenant, client_id)?;
    audit::record(
        conn,
        actor,
        "client.retention_updated",
        ("client", client_id),
        AuditScope {
            reseller_id: Some(client.reseller_id),
            client_id: Some(client.id),
        },
        serde_json::json!({ "before": before.days, "after": after.days, "effective_days": after.effective_days }),
    )?;
    Ok(after)
}

/// What one run of the step did for one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anonymised {
    pub client_id: String,
    pub count: usize,
}

/// One batch: up to `limit` candidates past their client's period are anonymised (each
/// claimed with a conditional UPDATE, so concurrent runs never process one twice), and each
/// client touched gets one `candidates.anonymised` audit event with its count. Run it in one
/// transaction, again while it returns a full batch.
pub fn anonymise_due(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Anonymised>, ApiError> {
    let b = bounds(conn)?;
    // Clients by the period that applies to them (few distinct periods).
    let periods: Vec<(String, Option<i32>, i32)> = clients::table
        .inner_join(resellers::table)
        .select((
            clients::id,
            clients::retention_days,
            resellers::retention_default_days,
        ))
        .load(conn)?;
    let mut by_days: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for (id, own, default) in periods {
        let days = clamp(i64::from(own.unwrap_or(default)), &b);
        by_days.entry(days).or_default().push(id);
    }
    let mut due: Vec<(String, String, String)> = Vec::new();
    'periods: for (days, ids) in by_days {
        let cutoff = at - Duration::days(days);
        for chunk in ids.chunks(500) {
            let left = limit - due.len() as i64;
            if left <= 0 {
                break 'periods;
            }
            let rows: Vec<(String, String, String)> = candidates::table
                .filter(candidates::client_id.eq_any(chunk))
                .filter(candidates::anonymised_at.is_null())
                .filter(candidates::last_activity_at.lt(cutoff))
                .select((
                    candidates::id,
                    candidates::client_id,
                    candidates::reseller_id,
                ))
                .limit(left)
                .load(conn)?;
            due.extend(rows);
        }
    }
    let mut counts: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for (id, client_id, reseller_id) in due {
        if super::anonymise(conn, &id, at)?.is_some() {
            *counts.entry((client_id, reseller_id)).or_default() += 1;
        }
    }
    let mut done = Vec::new();
    for ((client_id, reseller_id), count) in counts {
        audit::record(
            conn,
            &AuditActor::system(),
            "candidates.anonymised",
            ("client", &client_id),
            AuditScope {
                reseller_id: Some(reseller_id),
                client_id: Some(client_id.clone()),
            },
            serde_json::json!({ "count": count, "reason": "retention" }),
        )?;
        done.push(Anonymised { client_id, count });
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_kept_within_the_bounds() {
        let b = RetentionBounds {
            min_days: 30,
            max_days: 1825,
        };
        assert_eq!(clamp(10, &b), 30);
        assert_eq!(clamp(365, &b), 365);
        assert_eq!(clamp(4000, &b), 1825);
        assert!(within(29, &b).is_err());
        assert_eq!(within(30, &b).unwrap(), 30);
        assert!(within(1826, &b).is_err());
    }
}
