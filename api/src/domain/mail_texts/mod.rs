//! Editable email texts: a reseller words the candidate mails (invitation, reminder,
//! completion report) per skin it may use; a project may word its own invitation. Which
//! wording a mail uses is decided here (`drafts`: previews and test sends of a text not yet
//! saved): the project's own (invitations), else the reseller's
//! for the client's skin, else the default (`mail::templates::wording`).

use chrono::NaiveDateTime;
use credence_shared::mail_texts::{MailText, MailTextUpdate, ProjectInvitationText};
use credence_shared::MailTextKind;
use diesel::prelude::*;

use crate::db::schema::{mail_texts, project_invitation_texts};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::brands::BrandRow;
use crate::domain::clients::{self, ClientRow};
use crate::domain::projects::get_scoped_project;
use crate::domain::tenant::Tenant;
use crate::error::{ApiError, Validator};
use crate::mail::templates::{wording, Wording};

mod drafts;

pub use drafts::{preview, send_test};

/// The wording a reseller's mail of `kind` uses with `brand_id`, and when it was last changed
/// (`None`: the default).
fn reseller_wording(
    conn: &mut DbConnection,
    reseller_id: &str,
    brand_id: &str,
    kind: MailTextKind,
) -> Result<(Wording, Option<NaiveDateTime>), ApiError> {
    let own = mail_texts::table
        .filter(mail_texts::reseller_id.eq(reseller_id))
        .filter(mail_texts::brand_id.eq(brand_id))
        .filter(mail_texts::kind.eq(kind.as_str()))
        .select((
            mail_texts::subject,
            mail_texts::body,
            mail_texts::updated_at,
        ))
        .first::<(String, String, NaiveDateTime)>(conn)
        .optional()?;
    Ok(match own {
        Some((subject, body, at)) => (Wording { subject, body }, Some(at)),
        None => (wording::default_wording(kind), None),
    })
}

fn project_wording(conn: &mut DbConnection, project_id: &str) -> Result<Option<Wording>, ApiError> {
    Ok(project_invitation_texts::table
        .find(project_id)
        .select((
            project_invitation_texts::subject,
            project_invitation_texts::body,
        ))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(subject, body)| Wording { subject, body }))
}

/// The wording of a mail of `kind` about `client`'s candidate in `project_id`: the project's own
/// invitation text, else the reseller's for the client's skin, else the default.
pub fn wording_for(
    conn: &mut DbConnection,
    kind: MailTextKind,
    client: &ClientRow,
    project_id: &str,
) -> Result<Wording, ApiError> {
    if kind == MailTextKind::Invitation {
        if let Some(own) = project_wording(conn, project_id)? {
            return Ok(own);
        }
    }
    Ok(reseller_wording(conn, &client.reseller_id, &client.brand_id, kind)?.0)
}

/// A skin the reseller may use (its own or the default), else not found.
fn usable_brand(
    conn: &mut DbConnection,
    reseller_id: &str,
    brand_id: &str,
) -> Result<BrandRow, ApiError> {
    clients::allowed_brands(conn, reseller_id)?
        .into_iter()
        .find(|b| b.id == brand_id)
        .ok_or_else(ApiError::not_found)
}

fn names(kind: MailTextKind) -> Vec<String> {
    wording::variables(kind)
        .iter()
        .map(|v| v.to_string())
        .collect()
}

fn to_dto(brand_id: &str, kind: MailTextKind, own: (Wording, Option<NaiveDateTime>)) -> MailText {
    let default = wording::default_wording(kind);
    MailText {
        brand_id: brand_id.to_string(),
        kind,
        subject: own.0.subject,
        body: own.0.body,
        customized: own.1.is_some(),
        default_subject: default.subject,
        default_body: default.body,
        variables: names(kind),
        updated_at: own.1.map(|at| at.and_utc()),
    }
}

/// Every text of every skin the reseller may use.
pub fn list(conn: &mut DbConnection, reseller_id: &str) -> Result<Vec<MailText>, ApiError> {
    let mut out = Vec::new();
    for brand in clients::allowed_brands(conn, reseller_id)? {
        for kind in MailTextKind::ALL {
            let own = reseller_wording(conn, reseller_id, &brand.id, *kind)?;
            out.push(to_dto(&brand.id, *kind, own));
        }
    }
    Ok(out)
}

pub fn get(
    conn: &mut DbConnection,
    reseller_id: &str,
    brand_id: &str,
    kind: MailTextKind,
) -> Result<MailText, ApiError> {
    usable_brand(conn, reseller_id, brand_id)?;
    let own = reseller_wording(conn, reseller_id, brand_id, kind)?;
    Ok(to_dto(brand_id, kind, own))
}

/// The wording checked: every problem in one 422 (lengths as sent, before trimming).
fn checked(kind: MailTextKind, subject: &str, body: &str) -> Result<Wording, ApiError> {
    let mut v = Validator::new();
    let mut too_long = Vec::new();
    for (field, text, max) in [
        ("subject", subject, wording::SUBJECT_MAX),
        ("body", body, wording::BODY_MAX),
    ] {
        if text.chars().count() > max {
            v.add(field, "too_long", format!("At most {max} characters."));
            too_long.push(field);
        }
    }
    let wording = Wording {
        subject: subject.trim().to_string(),
        body: body.replace("\r\n", "\n").trim().to_string(),
    };
    for (field, message) in wording::problems(kind, &wording) {
        if !too_long.contains(&field) {
            v.add(field, "invalid_text", message);
        }
    }
    v.finish()?;
    Ok(wording)
}

fn scope_of_reseller(reseller_id: &str) -> AuditScope {
    AuditScope {
        reseller_id: Some(reseller_id.to_string()),
        client_id: None,
    }
}

/// The reseller's own wording for a skin and kind (replacing any earlier one).
pub fn set(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    brand_id: &str,
    kind: MailTextKind,
    input: &MailTextUpdate,
) -> Result<MailText, ApiError> {
    usable_brand(conn, reseller_id, brand_id)?;
    let wording = checked(kind, &input.subject, &input.body)?;
    let at = now();
    let row = mail_texts::table
        .filter(mail_texts::reseller_id.eq(reseller_id))
        .filter(mail_texts::brand_id.eq(brand_id))
        .filter(mail_texts::kind.eq(kind.as_str()));
    let changed = diesel::update(row)
        .set((
            mail_texts::subject.eq(&wording.subject),
            mail_texts::body.eq(&wording.body),
            mail_texts::updated_at.eq(at),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(mail_texts::table)
            .values((
                mail_texts::reseller_id.eq(reseller_id),
                mail_texts::brand_id.eq(brand_id),
                mail_texts::kind.eq(kind.as_str()),
                mail_texts::subject.eq(&wording.subject),
                mail_texts::body.eq(&wording.body),
                mail_texts::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    audit::record(
        conn,
        actor,
        "mail_text.updated",
        ("brand", brand_id),
        scope_of_reseller(reseller_id),
        serde_json::json!({ "kind": kind.as_str() }),
    )?;
    Ok(to_dto(brand_id, kind, (wording, Some(at))))
}

/// Back to the default wording.
pub fn reset(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    brand_id: &str,
    kind: MailTextKind,
) -> Result<MailText, ApiError> {
    usable_brand(conn, reseller_id, brand_id)?;
    let removed = diesel::delete(
        mail_texts::table
            .filter(mail_texts::reseller_id.eq(reseller_id))
            .filter(mail_texts::brand_id.eq(brand_id))
            .filter(mail_texts::kind.eq(kind.as_str())),
    )
    .execute(conn)?;
    if removed > 0 {
        audit::record(
            conn,
            actor,
            "mail_text.reset",
            ("brand", brand_id),
            scope_of_reseller(reseller_id),
            serde_json::json!({ "kind": kind.as_str() }),
        )?;
    }
    Ok(to_dto(
        brand_id,
        kind,
        (wording::default_wording(kind), None),
    ))
}

fn project_dto(
    conn: &mut DbConnection,
    project_id: &str,
    client: &ClientRow,
) -> Result<ProjectInvitationText, ApiError> {
    let kind = MailTextKind::Invitation;
    let (inherited, _) = reseller_wording(conn, &client.reseller_id, &client.brand_id, kind)?;
    let own = project_wording(conn, project_id)?;
    let shown = own.clone().unwrap_or_else(|| inherited.clone());
    Ok(ProjectInvitationText {
        project_id: project_id.to_string(),
        subject: shown.subject,
        body: shown.body,
        customized: own.is_some(),
        inherited_subject: inherited.subject,
        inherited_body: inherited.body,
        variables: names(kind),
    })
}

fn scope_of_client(client: &ClientRow) -> AuditScope {
    AuditScope {
        reseller_id: Some(client.reseller_id.clone()),
        client_id: Some(client.id.clone()),
    }
}

pub fn project_text(
    conn: &mut DbConnection,
    tenant: &Tenant,
    project_id: &str,
) -> Result<ProjectInvitationText, ApiError> {
    let (project, client) = get_scoped_project(conn, tenant, project_id)?;
    project_dto(conn, &project.id, &client)
}

/// The project's own invitation wording (replacing any earlier one).
pub fn set_project_text(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    project_id: &str,
    input: &MailTextUpdate,
) -> Result<ProjectInvitationText, ApiError> {
    let (project, client) = get_scoped_project(conn, tenant, project_id)?;
    let wording = checked(MailTextKind::Invitation, &input.subject, &input.body)?;
    let at = now();
    let changed = diesel::update(project_invitation_texts::table.find(&project.id))
        .set((
            project_invitation_texts::subject.eq(&wording.subject),
            project_invitation_texts::body.eq(&wording.body),
            project_invitation_texts::updated_at.eq(at),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(project_invitation_texts::table)
            .values((
                project_invitation_texts::project_id.eq(&project.id),
                project_invitation_texts::subject.eq(&wording.subject),
                project_invitation_texts::body.eq(&wording.body),
                project_invitation_texts::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    audit::record(
        conn,
        actor,
        "project.invitation_text_updated",
        ("project", &project.id),
        scope_of_client(&client),
        serde_json::json!({}),
    )?;
    project_dto(conn, &project.id, &client)
}

/// The project's invitations go back to the reseller's wording.
pub fn reset_project_text(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    project_id: &str,
) -> Result<ProjectInvitationText, ApiError> {
    let (project, client) = get_scoped_project(conn, tenant, project_id)?;
    let removed =
        diesel::delete(project_invitation_texts::table.find(&project.id)).execute(conn)?;
    if removed > 0 {
        audit::record(
            conn,
            actor,
            "project.invitation_text_reset",
            ("project", &project.id),
            scope_of_client(&client),
            serde_json::json!({}),
        )?;
    }
    project_dto(conn, &project.id, &client)
}
