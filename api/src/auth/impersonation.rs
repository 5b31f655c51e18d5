//! Login As: a reseller user acts as one of its clients' users for at most 30 minutes.
//!
//! The session carries `impersonator_id`; its token carries `act` (RFC 8693). It cannot be
//! refreshed, cannot start another Login As (the role guard refuses), cannot change passwords,
//! emails or API keys (`RealUser`), and every request in it is audit-logged with both ids
//! (the trail the reseller and the client both read). It lives only while the reseller user is
//! active, and ends when they are deactivated or their password changes (`domain::sessions`).

use chrono::Duration;
use credence_shared::auth::Impersonator;
use credence_shared::reseller::ImpersonationResponse;
use credence_shared::UserStatus;

use crate::auth::session::access_token;
use crate::auth::tokens::{Keys, IMPERSONATION_SECONDS};
use crate::auth::{Principal, Tenant};
use crate::db::DbConnection;
use crate::domain::audit::{self, AuditScope};
use crate::domain::{client_users, clients, sessions, users};
use crate::error::ApiError;

pub fn start(
    conn: &mut DbConnection,
    keys: &Keys,
    reseller_user: &Principal,
    client_user_id: &str,
) -> Result<ImpersonationResponse, ApiError> {
    let reseller_id = reseller_user
        .reseller_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("Only reseller users may use Login As."))?;
    let (target, client) = client_users::get_scoped_user(
        conn,
        &Tenant::Reseller {
            reseller_id: reseller_id.clone(),
        },
        client_user_id,
    )?;
    if target.status != UserStatus::Active || !sessions::organisation_open(conn, &target)? {
        return Err(ApiError::conflict(
            "user_not_active",
            "This user cannot sign in (invited, deactivated, or their client is suspended), so Login As is not possible.",
        ));
    }
    let by = users::get(conn, &reseller_user.user_id)?;
    let session_id = sessions::open_login_as(
        conn,
        &target.id,
        &by.id,
        reseller_user.ip.as_deref(),
        Duration::seconds(IMPERSONATION_SECONDS),
    )?;
    let token = access_token(
        keys,
        &target,
        &session_id,
        IMPERSONATION_SECONDS,
        Some(&by.id),
    )?;
    audit::record(
        conn,
        &crate::domain::audit::AuditActor {
            user_id: Some(target.id.clone()),
            impersonator_id: Some(by.id.clone()),
            ip: reseller_user.ip.clone(),
        },
        "impersonation.started",
        ("user", &target.id),
        AuditScope {
            reseller_id: Some(reseller_id),
            client_id: Some(client.id.clone()),
        },
        // Both accounts by id and tenant: the same email may hold both.
        serde_json::json!({ "reseller_user": { "id": by.id, "name": by.name, "email": by.email, "reseller_id": by.reseller_id }, "client_user": { "id": target.id, "client_id": client.id }, "session_id": session_id }),
    )?;
    Ok(ImpersonationResponse {
        access_token: token,
        token_type: "Bearer".into(),
        expires_in: IMPERSONATION_SECONDS,
        user: target.to_dto(),
        impersonator: Impersonator {
            id: by.id,
            name: by.name,
            email: by.email,
        },
        client_name: client.name.clone(),
    })
}

pub fn end(conn: &mut DbConnection, principal: &Principal) -> Result<(), ApiError> {
    if principal.impersonator_id.is_none() {
        return Err(ApiError::conflict(
            "not_impersonating",
            "This session is not a Login As session.",
        ));
    }
    sessions::revoke(conn, &principal.session_id)?;
    let reseller_id = match &principal.client_id {
        Some(client_id) => clients::reseller_of(conn, client_id)?,
        None => None,
    };
    audit::record(
        conn,
        &principal.audit_actor(),
        "impersonation.ended",
        ("user", &principal.user_id),
        AuditScope {
            reseller_id,
            client_id: principal.client_id.clone(),
        },
        serde_json::json!({ "session_id": principal.session_id }),
    )
}
