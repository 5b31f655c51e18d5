//! ATS connectors: a client's credential for one applicant tracking system (Greenhouse,
//! Workable), which calls the ATS's assessment-partner endpoints with it (`routes::ats`).
//! **The tenant is the connector's client**, never the request body. The ATS lists the client's
//! open projects as its tests, sends a candidate (`send`: the same invitation, credits and mail
//! as `POST /candidates`, idempotent on the ATS's own id for the application through
//! `ats_links`), reads the status with scores and a link to the report (the connector belongs to
//! the client, whose users see scores), and gets the result pushed back when the candidate
//! completes (`callbacks`). Only the credential's SHA-256 is kept; the token the ATS gives for
//! requests back to it is sealed with the webhook key.

pub mod callbacks;
mod exchange;
pub mod shapes;

pub use exchange::*;

use credence_shared::assess::{Assessment, CandidateCreate};
use credence_shared::ats::{AtsConnector, AtsConnectorCreate, AtsConnectorPatch, AtsEndpoint};
use credence_shared::{AtsKind, ClientStatus, InvitationStatus, WebhookDeliveryStatus};
use diesel::prelude::*;

use crate::db::schema::{ats_callbacks, ats_connectors, ats_links, clients, invitations, projects};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::candidates;
use crate::domain::clients::ClientRow;
use crate::domain::links::Links;
use crate::domain::projects::{get_scoped_project, ProjectRow};
use crate::domain::tenant::Tenant;
use crate::domain::{senders, settings};
use crate::error::{ApiError, Failure, FieldIssue, Validator};
use crate::net_guard::{self, AllowList};
use crate::secrets::{random_token, token_hash};

/// The connector an ATS request authenticated as.
#[derive(Debug, Clone)]
pub struct Connector {
    pub id: String,
    pub client_id: String,
    pub reseller_id: String,
    pub kind: AtsKind,
}

impl Connector {
    pub fn tenant(&self) -> Tenant {
        Tenant::Client {
            client_id: self.client_id.clone(),
        }
    }

    fn audit_scope(&self) -> AuditScope {
        AuditScope {
            reseller_id: Some(self.reseller_id.clone()),
            client_id: Some(self.client_id.clone()),
        }
    }
}

fn refused() -> ApiError {
    ApiError::unauthorized(
        "invalid_credential",
        "Unknown or disabled connector credential.",
    )
}

/// The enabled connector of `kind` whose credential this is, of an active client; anything
/// else (unknown, disabled, another ATS's, a suspended client) is the same 401.
pub fn authenticate(
    conn: &mut DbConnection,
    kind: AtsKind,
    credential: &str,
) -> Result<Connector, ApiError> {
    if credential.is_empty() || credential.len() > 200 {
        return Err(refused());
    }
    let row: Option<(String, String, String, String)> = ats_connectors::table
        .inner_join(clients::table)
        .filter(ats_connectors::credential_hash.eq(token_hash(credential)))
        .filter(ats_connectors::enabled.eq(true))
        .filter(ats_connectors::kind.eq(kind.as_str()))
        .filter(clients::status.eq(ClientStatus::Active.as_str()))
        .select((
            ats_connectors::id,
            ats_connectors::client_id,
            clients::reseller_id,
            ats_connectors::kind,
        ))
        .first(conn)
        .optional()?;
    let (id, client_id, reseller_id, _) = row.ok_or_else(refused)?;
    Ok(Connector {
        id,
        client_id,
        reseller_id,
        kind,
    })
}

/// Where the ATS reaches this installation for the client: the client's white-label base.
pub fn base_url(
    conn: &mut DbConnection,
    links: &Links,
    client_id: &str,
) -> Result<String, ApiError> {
    let client: ClientRow = clients::table.find(client_id).first(conn)?;
    Ok(senders::for_client_user(conn, links, &client)?
        .links
        .public_url)
}

fn endpoints(kind: AtsKind, base: &str) -> Vec<AtsEndpoint> {
    let names: &[&str] = match kind {
        AtsKind::Greenhouse => &["list_tests", "send_test", "test_status", "response_error"],
        AtsKind::Workable => &["tests", "assessments"],
    };
    names
        .iter()
        .map(|name| AtsEndpoint {
            name: name.to_string(),
            url: format!("{base}/api/v1/ats/{}/{name}", kind.as_str()),
        })
        .collect()
}

type Row = (
    String,
    String,
    Option<String>,
    bool,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

const COLUMNS: (
    ats_connectors::id,
    ats_connectors::kind,
    ats_connectors::callback_token,
    ats_connectors::enabled,
    ats_connectors::created_at,
    ats_connectors::disabled_at,
) = (
    ats_connectors::id,
    ats_connectors::kind,
    ats_connectors::callback_token,
    ats_connectors::enabled,
    ats_connectors::created_at,
    ats_connectors::disabled_at,
);

fn dto(r: Row, base: &str, credential: Option<String>) -> Result<AtsConnector, ApiError> {
    let kind = AtsKind::try_from(r.1).map_err(ApiError::internal)?;
    Ok(AtsConnector {
        id: r.0,
        kind,
        enabled: r.3,
        endpoints: endpoints(kind, base),
        credential,
        callback_token_set: r.2.is_some(),
        created_at: r.4.and_utc(),
        disabled_at: r.5.map(|t| t.and_utc()),
    })
}

/// The client's connectors, newest first (disabled ones too: their history).
pub fn list(
    conn: &mut DbConnection,
    links: &Links,
    client_id: &str,
) -> Result<Vec<AtsConnector>, ApiError> {
    let base = base_url(conn, links, client_id)?;
    ats_connectors::table
        .filter(ats_connectors::client_id.eq(client_id))
        .order(ats_connectors::id.desc())
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| dto(r, &base, None))
        .collect()
}

fn callback_token(raw: Option<&str>) -> Result<Option<String>, FieldIssue> {
    match raw.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.len() > 500 || t.chars().any(char::is_control) => Err(FieldIssue::new(
            "invalid",
            "Paste the token as the ATS shows it (at most 500 characters).",
        )),
        Some(t) => Ok(Some(t.to_string())),
    }
}

fn scope(client_id: &str, reseller_id: &str) -> AuditScope {
    AuditScope {
        reseller_id: Some(reseller_id.to_string()),
        client_id: Some(client_id.to_string()),
    }
}

/// Enables a connector for the client: its credential is in this answer only. One enabled
/// connector per ATS: another is 409 `connector_exists` (disable it first).
pub fn create(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    client_id: &str,
    input: &AtsConnectorCreate,
) -> Result<AtsConnector, ApiError> {
    let mut v = Validator::new();
    let kind = v.check(
        "kind",
        AtsKind::parse(input.kind.trim())
            .ok_or_else(|| FieldIssue::new("unknown_kind", "Choose greenhouse or workable.")),
    );
    let token = v.check(
        "callback_token",
        callback_token(input.callback_token.as_deref()),
    );
    v.finish()?;
    let (Some(kind), Some(token)) = (kind, token) else {
        return Err(ApiError::internal("validated connector fields missing"));
    };
    let client: ClientRow = clients::table.find(client_id).first(conn)?;
    let existing: i64 = ats_connectors::table
        .filter(ats_connectors::client_id.eq(client_id))
        .filter(ats_connectors::kind.eq(kind.as_str()))
        .filter(ats_connectors::enabled.eq(true))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Err(ApiError::conflict(
            "connector_exists",
            "This ATS is already connected: disable its connector first to get a new credential.",
        ));
    }
    let sealed = match &token {
        Some(t) => Some(settings::webhook_key(conn)?.seal(t)),
        None => None,
    };
    let id = new_id();
    let credential = format!("ats_{}_{}", kind.as_str(), random_token(32));
    diesel::insert_into(ats_connectors::table)
        .values((
            ats_connectors::id.eq(&id),
            ats_connectors::client_id.eq(client_id),
            ats_connectors::kind.eq(kind.as_str()),
            ats_connectors::credential_hash.eq(token_hash(&credential)),
            ats_connectors::callback_token.eq(&sealed),
            ats_connectors::enabled.eq(true),
            ats_connectors::created_by.eq(&actor.user_id),
            ats_connectors::created_at.eq(now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "ats_connector.enabled",
        ("ats_connector", &id),
        scope(client_id, &client.reseller_id),
        serde_json::json!({ "kind": kind.as_str() }),
    )?;
    let base = base_url(conn, links, client_id)?;
    let row = ats_connectors::table
        .find(&id)
        .select(COLUMNS)
        .first::<Row>(conn)?;
    dto(row, &base, Some(credential))
}

fn get_scoped(conn: &mut DbConnection, client_id: &str, id: &str) -> Result<Row, ApiError> {
    ats_connectors::table
        .filter(ats_connectors::id.eq(id))
        .filter(ats_connectors::client_id.eq(client_id))
        .select(COLUMNS)
        .first::<Row>(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// Sets or removes the token for requests back to the ATS (Workable gives it after the
/// connector's credential was pasted).
pub fn update(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    client_id: &str,
    id: &str,
    input: &AtsConnectorPatch,
) -> Result<AtsConnector, ApiError> {
    let row = get_scoped(conn, client_id, id)?;
    let mut v = Validator::new();
    let token = v.check(
        "callback_token",
        callback_token(input.callback_token.as_deref()),
    );
    v.finish()?;
    let sealed = match token.flatten() {
        Some(t) => Some(settings::webhook_key(conn)?.seal(&t)),
        None => None,
    };
    diesel::update(ats_connectors::table.find(&row.0))
        .set(ats_connectors::callback_token.eq(&sealed))
        .execute(conn)?;
    let client: ClientRow = clients::table.find(client_id).first(conn)?;
    audit::record(
        conn,
        actor,
        "ats_connector.updated",
        ("ats_connector", &row.0),
        scope(client_id, &client.reseller_id),
        serde_json::json!({ "callback_token_set": sealed.is_some() }),
    )?;
    let base = base_url(conn, links, client_id)?;
    let row = get_scoped(conn, client_id, id)?;
    dto(row, &base, None)
}

/// Disables a connector: its credential stops working at once and results not yet pushed to
/// the ATS are cancelled. Disabling a disabled connector changes nothing.
pub fn disable(
    conn: &mut DbConnection,
    actor: &AuditActor,
    client_id: &str,
    id: &str,
) -> Result<(), ApiError> {
    let row = get_scoped(conn, client_id, id)?;
    if !row.3 {
        return Ok(());
    }
    diesel::update(ats_connectors::table.find(&row.0))
        .set((
            ats_connectors::enabled.eq(false),
            ats_connectors::disabled_at.eq(Some(now())),
        ))
        .execute(conn)?;
    let links_of = ats_links::table
        .filter(ats_links::connector_id.eq(&row.0))
        .select(ats_links::id);
    diesel::update(
        ats_callbacks::table
            .filter(ats_callbacks::link_id.eq_any(links_of))
            .filter(ats_callbacks::status.eq(WebhookDeliveryStatus::Pending.as_str())),
    )
    .set((
        ats_callbacks::status.eq(WebhookDeliveryStatus::Cancelled.as_str()),
        ats_callbacks::last_error.eq(Some("cancelled: the connector was disabled")),
        ats_callbacks::locked_until.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(conn)?;
    let client: ClientRow = clients::table.find(client_id).first(conn)?;
    audit::record(
        conn,
        actor,
        "ats_connector.disabled",
        ("ats_connector", &row.0),
        scope(client_id, &client.reseller_id),
        serde_json::json!({ "kind": row.1 }),
    )
}
