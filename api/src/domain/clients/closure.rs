//! Closing a client. A reseller asks for it with a reason and a grace period (`request`); until
//! `clients.closes_at` the client's users can still sign in and export their data, but nothing
//! new is invited, ordered or added (409 `client_closing`), and the reseller may withdraw it
//! (`withdraw`). Then the housekeeping job (`close_due`) anonymises every candidate in batches,
//! deactivates the users, archives the client and stamps `client_closures.closed_at`. Invoices,
//! orders, the credit balance and the ledger are never touched: they stay for accounting.
//!
//! Safe with several processes: candidates are claimed one by one by `privacy::anonymise`, and
//! the last step is one conditional UPDATE (`closed_at IS NULL`) that only one process wins.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use credence_shared::reseller::{ClientClosure, ClientClosureCreate};
use credence_shared::{ClientStatus, UserStatus};
use diesel::prelude::*;

use crate::db::schema::{candidates, client_closures, clients, users};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::tenant::Tenant;
use crate::domain::values::multiline_text;
use crate::domain::{privacy, sessions};
use crate::error::{ApiError, FieldIssue, Validator};

use super::{get_scoped, ClientRow};

/// The grace period when the request names none.
pub const DEFAULT_GRACE_DAYS: i64 = 30;
pub const MAX_GRACE_DAYS: i64 = 365;

#[derive(Queryable, Debug, Clone)]
pub struct ClosureRow {
    pub client_id: String,
    pub reseller_id: String,
    pub reason: String,
    pub requested_by: Option<String>,
    pub requested_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

/// The refusal for anything new on a client being closed (or closed).
pub fn closing() -> ApiError {
    ApiError::conflict(
        "client_closing",
        "This client is being closed: nothing new can be invited, ordered or added.",
    )
}

/// Schedules the client's closure `grace_days` from now.
pub fn request(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    client_id: &str,
    input: &ClientClosureCreate,
) -> Result<ClientRow, ApiError> {
    let at = now();
    let client = get_scoped(conn, tenant, client_id)?;
    let mut v = Validator::new();
    let reason = v
        .check("reason", multiline_text(&input.reason, 500))
        .flatten();
    if reason.is_none() {
        v.add(
            "reason",
            "required",
            "Say why the client is closed (e.g. the contract's end and its date).",
        );
    }
    let grace = v.check(
        "grace_days",
        match input.grace_days.unwrap_or(DEFAULT_GRACE_DAYS) {
            d @ 0..=MAX_GRACE_DAYS => Ok(d),
            _ => Err(FieldIssue::new(
                "out_of_range",
                format!("Give a grace period of 0 to {MAX_GRACE_DAYS} days."),
            )),
        },
    );
    v.finish()?;
    let (Some(reason), Some(grace)) = (reason, grace) else {
        return Err(ApiError::internal("validated closure without its values"));
    };
    refuse_twice(conn, &client)?;
    let closes_at = at + Duration::days(grace);
    // Claimed on the client row, so two requests at once cannot both schedule it.
    let claimed = diesel::update(
        clients::table
            .find(client_id)
            .filter(clients::closes_at.is_null()),
    )
    .set((
        clients::closes_at.eq(Some(closes_at)),
        clients::updated_at.eq(at),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Err(already_closing());
    }
    diesel::insert_into(client_closures::table)
        .values((
            client_closures::client_id.eq(client_id),
            client_closures::reseller_id.eq(&client.reseller_id),
            client_closures::reason.eq(&reason),
            client_closures::requested_by.eq(&actor.user_id),
            client_closures::requested_at.eq(at),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "client.closure_requested",
        ("client", client_id),
        scope(&client),
        serde_json::json!({ "reason": reason, "grace_days": grace, "closes_at": closes_at.and_utc() }),
    )?;
    Ok(clients::table.find(client_id).first(conn)?)
}

/// Withdraws a pending closure: the client goes on as before.
pub fn withdraw(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    client_id: &str,
) -> Result<ClientRow, ApiError> {
    let at = now();
    let client = get_scoped(conn, tenant, client_id)?;
    let closure = find(conn, client_id)?;
    match &closure {
        None => {
            return Err(ApiError::conflict(
                "not_closing",
                "This client is not being closed.",
            ))
        }
        Some(c) if c.closed_at.is_some() => return Err(closed()),
        Some(_) => {}
    }
    // Only a pending closure can be withdrawn; the job may be finishing it right now.
    let withdrawn = diesel::delete(
        client_closures::table
            .find(client_id)
            .filter(client_closures::closed_at.is_null()),
    )
    .execute(conn)?;
    if withdrawn == 0 {
        return Err(closed());
    }
    diesel::update(clients::table.find(client_id))
        .set((
            clients::closes_at.eq(None::<NaiveDateTime>),
            clients::updated_at.eq(at),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "client.closure_withdrawn",
        ("client", client_id),
        scope(&client),
        serde_json::json!({ "closes_at": client.closes_at.map(|t| t.and_utc()) }),
    )?;
    Ok(clients::table.find(client_id).first(conn)?)
}

/// The closures of these clients, as the API shows them (one query for the whole list).
pub fn of_clients(
    conn: &mut DbConnection,
    rows: &[ClientRow],
) -> Result<HashMap<String, ClientClosure>, ApiError> {
    let closing: Vec<&String> = rows
        .iter()
        .filter(|r| r.closes_at.is_some())
        .map(|r| &r.id)
        .collect();
    if closing.is_empty() {
        return Ok(HashMap::new());
    }
    let closes_at: HashMap<&String, NaiveDateTime> = rows
        .iter()
        .filter_map(|r| r.closes_at.map(|t| (&r.id, t)))
        .collect();
    let found: Vec<ClosureRow> = client_closures::table
        .filter(client_closures::client_id.eq_any(closing))
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|c| {
            let closes_at = *closes_at.get(&c.client_id)?;
            Some((
                c.client_id,
                ClientClosure {
                    reason: c.reason,
                    requested_at: c.requested_at.and_utc(),
                    closes_at: closes_at.and_utc(),
                    closed_at: c.closed_at.map(|t| t.and_utc()),
                },
            ))
        })
        .collect())
}

/// What one run of the step did for one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureProgress {
    pub client_id: String,
    /// Candidates anonymised by this run.
    pub anonymised: usize,
    /// The closure was completed by this run.
    pub closed: bool,
}

/// One step for the closures due at `at`: up to `limit` candidates anonymised, and each client
/// with none left closed (users deactivated and signed out, client archived, `closed_at`
/// stamped, `client.closed` audited). Run it in one transaction, again while it anonymises a
/// full batch.
pub fn close_due(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    limit: i64,
) -> Result<Vec<ClosureProgress>, ApiError> {
    let due: Vec<(String, String)> = clients::table
        .inner_join(client_closures::table)
        .filter(clients::closes_at.le(at))
        .filter(client_closures::closed_at.is_null())
        .select((clients::id, clients::reseller_id))
        .order(clients::closes_at)
        .load(conn)?;
    let mut done = Vec::new();
    let mut left = limit;
    for (client_id, reseller_id) in due {
        if left <= 0 {
            break;
        }
        let ids: Vec<String> = candidates::table
            .filter(candidates::client_id.eq(&client_id))
            .filter(candidates::anonymised_at.is_null())
            .select(candidates::id)
            .limit(left)
            .load(conn)?;
        let batch_full = ids.len() as i64 == left;
        let mut anonymised = 0;
        for id in &ids {
            if privacy::anonymise(conn, id, at)?.is_some() {
                anonymised += 1;
            }
        }
        left -= ids.len() as i64;
        let scope = AuditScope {
            reseller_id: Some(reseller_id.clone()),
            client_id: Some(client_id.clone()),
        };
        if anonymised > 0 {
            audit::record(
                conn,
                &AuditActor::system(),
                "candidates.anonymised",
                ("client", &client_id),
                scope.clone(),
                serde_json::json!({ "count": anonymised, "reason": "closure" }),
            )?;
        }
        let closed = !batch_full && finish(conn, &client_id, scope, at)?;
        done.push(ClosureProgress {
            client_id,
            anonymised,
            closed,
        });
    }
    Ok(done)
}

/// The last step of a closure, once no candidate is left: false if another process did it.
fn finish(
    conn: &mut DbConnection,
    client_id: &str,
    scope: AuditScope,
    at: NaiveDateTime,
) -> Result<bool, ApiError> {
    let claimed = diesel::update(
        client_closures::table
            .find(client_id)
            .filter(client_closures::closed_at.is_null()),
    )
    .set(client_closures::closed_at.eq(Some(at)))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(false);
    }
    let user_ids: Vec<String> = users::table
        .filter(users::client_id.eq(client_id))
        .filter(users::status.ne(UserStatus::Deactivated.as_str()))
        .select(users::id)
        .load(conn)?;
    diesel::update(users::table.filter(users::id.eq_any(&user_ids)))
        .set((
            users::status.eq(UserStatus::Deactivated.as_str()),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    for id in &user_ids {
        sessions::end_all_for_user(conn, id)?;
    }
    diesel::update(clients::table.find(client_id))
        .set((
            clients::status.eq(ClientStatus::Archived.as_str()),
            clients::updated_at.eq(at),
        ))
        .execute(conn)?;
    // Every process forgets the sessions it cached for this client's users.
    sessions::invalidate(conn)?;
    audit::record(
        conn,
        &AuditActor::system(),
        "client.closed",
        ("client", client_id),
        scope,
        serde_json::json!({ "users_deactivated": user_ids.len() }),
    )?;
    Ok(true)
}

/// A closed client stays archived: its status cannot change again.
pub fn refuse_closed(conn: &mut DbConnection, client: &ClientRow) -> Result<(), ApiError> {
    match find(conn, &client.id)? {
        Some(c) if c.closed_at.is_some() => Err(closed()),
        _ => Ok(()),
    }
}

fn refuse_twice(conn: &mut DbConnection, client: &ClientRow) -> Result<(), ApiError> {
    match find(conn, &client.id)? {
        Some(c) if c.closed_at.is_some() => Err(closed()),
        Some(_) => Err(already_closing()),
        None => Ok(()),
    }
}

fn find(conn: &mut DbConnection, client_id: &str) -> Result<Option<ClosureRow>, ApiError> {
    Ok(client_closures::table
        .find(client_id)
        .first(conn)
        .optional()?)
}

fn closed() -> ApiError {
    ApiError::conflict("client_closed", "This client has been closed.")
}

fn already_closing() -> ApiError {
    ApiError::conflict(
        "already_closing",
        "This client is being closed already: withdraw that closure first to change it.",
    )
}

fn scope(client: &ClientRow) -> AuditScope {
    AuditScope {
        reseller_id: Some(client.reseller_id.clone()),
        client_id: Some(client.id.clone()),
    }
}
