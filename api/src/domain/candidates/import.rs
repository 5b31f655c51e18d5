//! CSV import of candidates into a project: a per-row report; credits for every valid row are
//! checked before anything is charged.

use credence_shared::assess::{ImportReport, ImportRow};
use credence_shared::problem::FieldError;
use credence_shared::ImportOutcome;
use diesel::prelude::*;

use crate::db::schema::{candidates, clients, invitations};
use crate::db::DbConnection;
use crate::domain::audit::AuditActor;
use crate::domain::links::Links;
use crate::domain::projects::{get_scoped_project, tests_of};
use crate::domain::tenant::Tenant;
use crate::error::{ApiError, Validator};

use super::CandidateRow;

use super::invite::{
    check_project_open, find_or_create, insufficient, invite, validate, Details, Invitee,
};
/// CSV import: `first_name,last_name,email[,phone][,extra_time_percent]`. Credits for every
/// valid row are checked before anything is charged; then each valid row is invited.
pub fn import(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    project_id: &str,
    csv: &str,
) -> Result<ImportReport, ApiError> {
    let (project, client) = get_scoped_project(conn, tenant, project_id)?;
    check_project_open(&project, &client)?;
    let mut lines = crate::csv_io::records(csv).map_err(|line| {
        ApiError::field(
            "file",
            "malformed",
            format!("Line {line} is not valid CSV. Check its quotes, or start from the template."),
        )
    })?;
    let header: Vec<String> = match lines.first() {
        Some((_, h)) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        None => {
            return Err(ApiError::field(
                "file",
                "empty",
                "The file is empty. Download the template to see the columns.",
            ))
        }
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(fi), Some(li), Some(ei)) = (col("first_name"), col("last_name"), col("email")) else {
        return Err(ApiError::field("file", "bad_header", "The first line must name the columns: first_name,last_name,email,phone,extra_time_percent."));
    };
    let (pi, xi) = (col("phone"), col("extra_time_percent"));
    lines.remove(0);
    if lines.len() > 1000 {
        return Err(ApiError::field(
            "file",
            "too_many_rows",
            "Import at most 1,000 candidates at a time.",
        ));
    }
    let cost: i64 = tests_of(conn, &project.id)?
        .iter()
        .map(|t| t.credit_cost)
        .sum();
    let mut rows = Vec::new();
    let mut valid: Vec<(usize, Details)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, cells) in &lines {
        let get = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let mut v = Validator::new();
        let extra = match get(xi).as_str() {
            "" => None,
            s => match s.trim_end_matches('%').parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    v.add(
                        "extra_time_percent",
                        "invalid_number",
                        "Use a whole number from 0 to 100.",
                    );
                    Some(0)
                }
            },
        };
        let phone = get(pi);
        let details = validate(
            &mut v,
            &get(Some(fi)),
            &get(Some(li)),
            &get(Some(ei)),
            Some(&phone),
            extra,
        );
        let mut errors: Vec<FieldError> = match v.finish() {
            Ok(()) => vec![],
            Err(ApiError::Validation(e)) => e,
            Err(e) => return Err(e),
        };
        if let Some(d) = &details {
            if errors.is_empty() && !seen.insert(d.email.as_str().to_string()) {
                errors.push(FieldError {
                    field: "email".into(),
                    code: "duplicate_row".into(),
                    message: "This email appears earlier in the file.".into(),
                });
            }
        }
        let email = get(Some(ei));
        match (details, errors.is_empty()) {
            (Some(d), true) => {
                let existing: Option<CandidateRow> = candidates::table
                    .filter(candidates::client_id.eq(&client.id))
                    .filter(candidates::email.eq(d.email.as_str()))
                    .first(conn)
                    .optional()?;
                let invited_already = match &existing {
                    Some(c) => {
                        invitations::table
                            .filter(invitations::candidate_id.eq(&c.id))
                            .filter(invitations::project_id.eq(&project.id))
                            .count()
                            .get_result::<i64>(conn)?
                            > 0
                    }
                    None => false,
                };
                if invited_already {
                    rows.push(ImportRow {
                        line: *line as i64,
                        email,
                        outcome: ImportOutcome::Rejected,
                        candidate_id: existing.map(|c| c.id),
                        errors: vec![FieldError {
                            field: "email".into(),
                            code: "already_invited".into(),
                            message: "Already invited to this project.".into(),
                        }],
                    });
                } else {
                    valid.push((rows.len(), d));
                    rows.push(ImportRow {
                        line: *line as i64,
                        email,
                        outcome: ImportOutcome::Invited,
                        candidate_id: None,
                        errors: vec![],
                    });
                }
            }
            _ => rows.push(ImportRow {
                line: *line as i64,
                email,
                outcome: ImportOutcome::Rejected,
                candidate_id: None,
                errors,
            }),
        }
    }
    let needed = cost * valid.len() as i64;
    let balance: i64 = clients::table
        .find(&client.id)
        .select(clients::credit_balance)
        .first(conn)?;
    if needed > balance {
        return Err(insufficient(needed, balance));
    }
    for (index, details) in &valid {
        let (candidate, new) = find_or_create(conn, &client, details)?;
        let invitee = Invitee {
            candidate: &candidate,
            new,
        };
        invite(conn, links, actor, &project, &client, invitee, true)?;
        rows[*index].candidate_id = Some(candidate.id);
    }
    Ok(ImportReport {
        invited: valid.len() as i64,
        rejected: rows
            .iter()
            .filter(|r| r.outcome == ImportOutcome::Rejected)
            .count() as i64,
        credits_charged: needed,
        rows,
    })
}
