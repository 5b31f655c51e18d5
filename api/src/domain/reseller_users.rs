//! Reseller users (a reseller's staff) as their colleagues and the vendor manage them: look one
//! up, rename, deactivate, reactivate. PRODUCT.md knows one reseller role, so every active
//! reseller user administers the reseller's account; a reseller always keeps one of them.

use credence_shared::admin::ResellerUserPatch;
use credence_shared::auth::User;
use credence_shared::{Role, UserStatus};
use diesel::prelude::*;

use crate::db::schema::{resellers, users};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::sessions;
use crate::domain::users::{self as accounts, UserRow};
use crate::domain::values::required_text;
use crate::error::{ApiError, Validator};

/// Whose reseller users a caller manages: the vendor's staff every reseller's, a reseller's
/// staff their own reseller's. Built only by the auth extractor.
#[derive(Debug, Clone, PartialEq)]
pub enum StaffView {
    All,
    Reseller(String),
}

/// A reseller user the caller may manage; anyone else (another reseller's staff, a client user,
/// the vendor's staff) is "not found".
pub fn get_scoped(
    conn: &mut DbConnection,
    view: &StaffView,
    id: &str,
) -> Result<UserRow, ApiError> {
    let user = users::table
        .find(id)
        .filter(users::role.eq(Role::Reseller.as_str()))
        .first::<UserRow>(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    match view {
        StaffView::All => Ok(user),
        StaffView::Reseller(reseller_id) if user.reseller_id.as_ref() == Some(reseller_id) => {
            Ok(user)
        }
        StaffView::Reseller(_) => Err(ApiError::not_found()),
    }
}

pub fn get(conn: &mut DbConnection, view: &StaffView, id: &str) -> Result<User, ApiError> {
    Ok(get_scoped(conn, view, id)?.to_dto())
}

/// Renames a reseller user or changes their status. Deactivating ends at once every session
/// they hold, the Login As sessions they started and their API keys' tokens; it is refused
/// (409 `last_active_user`) when it would leave the reseller with no active user.
pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    view: &StaffView,
    id: &str,
    patch: &ResellerUserPatch,
) -> Result<User, ApiError> {
    let before = get_scoped(conn, view, id)?;
    let reseller_id = before
        .reseller_id
        .clone()
        .ok_or_else(|| ApiError::internal("reseller user without a reseller"))?;
    let mut v = Validator::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|s| v.check("name", required_text(s, 200)));
    let status = accounts::status_edit(&mut v, patch.status.as_deref(), actor, id);
    v.finish()?;
    let new_status = accounts::status_after(&before, status);
    if before.status == UserStatus::Active && new_status != UserStatus::Active {
        keep_an_active_user(conn, &reseller_id, id)?;
    }
    diesel::update(users::table.find(id))
        .set((
            users::name.eq(name.as_deref().unwrap_or(&before.name)),
            users::status.eq(new_status.as_str()),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if let Some(name) = &name {
        sessions::renamed(conn, &before.name, name)?;
    }
    if new_status == UserStatus::Deactivated {
        sessions::end_all_for_user(conn, id)?;
    }
    let after = accounts::get(conn, id)?;
    audit::record(
        conn,
        actor,
        accounts::edit_action(before.status, new_status),
        ("user", id),
        AuditScope {
            reseller_id: Some(reseller_id),
            client_id: None,
        },
        serde_json::json!({
            "before": { "name": before.name, "status": before.status },
            "after": { "name": after.name, "status": after.status },
        }),
    )?;
    Ok(after.to_dto())
}

/// Refuses to take away `leaving`'s access if no other user of the reseller is active.
///
/// The reseller's row is locked first (a no-op UPDATE holds its row lock until commit on
/// PostgreSQL; SQLite writes one transaction at a time), so two colleagues deactivating each
/// other at once cannot both pass the count.
fn keep_an_active_user(
    conn: &mut DbConnection,
    reseller_id: &str,
    leaving: &str,
) -> Result<(), ApiError> {
    diesel::update(resellers::table.find(reseller_id))
        .set(resellers::updated_at.eq(resellers::updated_at))
        .execute(conn)?;
    let others: i64 = users::table
        .filter(users::reseller_id.eq(reseller_id))
        .filter(users::role.eq(Role::Reseller.as_str()))
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .filter(users::id.ne(leaving))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(ApiError::conflict(
            "last_active_user",
            "This is the reseller's only active user: activate or add another user first.",
        ));
    }
    Ok(())
}
