//! Creating and editing a project: its tests and norm groups, access key and daily cap,
//! expiry, support contact, report address (one of the client's users) and reminders.

use chrono::Duration;
use credence_shared::assess::{ProjectCreate, ProjectPatch, ProjectTestInput};
use credence_shared::{Role, UserStatus};
use diesel::prelude::*;

use crate::db::schema::{invitations, project_tests, projects, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::catalogue;
use crate::domain::clients::{get_scoped, ClientRow};
use crate::domain::tenant::Tenant;
use crate::domain::values::{multiline_text, optional_text, required_text, Email};
use crate::error::{ApiError, FieldIssue, Validator};

use super::{
    daily_cap, get_scoped_project, new_access_key, reminder_after_days, reminder_max, ProjectRow,
    DEFAULT_REMINDER_MAX, DEFAULT_SELF_REGISTRATION_DAILY_CAP,
};

/// The chosen tests, each known, with one of its norm groups, once. A test the vendor made
/// inactive is refused unless `kept` (already in the project being edited).
fn check_tests(
    conn: &mut DbConnection,
    v: &mut Validator,
    input: &[ProjectTestInput],
    kept: &[String],
) -> Result<Vec<(String, String)>, ApiError> {
    if input.is_empty() {
        v.add("tests", "required", "Choose at least one test.");
        return Ok(vec![]);
    }
    let mut chosen: Vec<(String, String)> = Vec::new();
    for (i, t) in input.iter().enumerate() {
        let Some(test) = catalogue::get(conn, &t.test_id)? else {
            v.add(
                &format!("tests[{i}].test_id"),
                "unknown_test",
                "There is no such test.",
            );
            continue;
        };
        if !test.active && !kept.contains(&test.id) {
            v.add(
                &format!("tests[{i}].test_id"),
                "test_inactive",
                "This test is no longer offered for new projects.",
            );
        } else if catalogue::norm_group_of(conn, &t.test_id, &t.norm_group_id)?.is_none() {
            v.add(
                &format!("tests[{i}].norm_group_id"),
                "unknown_norm_group",
                "Choose one of this test's norm groups.",
            );
        } else if chosen.iter().any(|(id, _)| id == &t.test_id) {
            v.add(
                &format!("tests[{i}].test_id"),
                "duplicate_test",
                "Each test can be in a project once.",
            );
        } else {
            chosen.push((t.test_id.clone(), t.norm_group_id.clone()));
        }
    }
    Ok(chosen)
}

fn set_tests(
    conn: &mut DbConnection,
    project_id: &str,
    chosen: &[(String, String)],
) -> Result<(), ApiError> {
    diesel::delete(project_tests::table.filter(project_tests::project_id.eq(project_id)))
        .execute(conn)?;
    for (position, (test_id, norm_group_id)) in chosen.iter().enumerate() {
        diesel::insert_into(project_tests::table)
            .values((
                project_tests::project_id.eq(project_id),
                project_tests::test_id.eq(test_id),
                project_tests::norm_group_id.eq(norm_group_id),
                project_tests::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn optional_email(raw: Option<&str>) -> Result<Option<String>, FieldIssue> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Email::parse(s).map(|e| Some(e.into_string())),
    }
}

/// Whether `email` is the sign-in email of one of the client's users (not deactivated).
/// Reports carry scores, which only the client's own users may get (never the reseller).
pub fn is_client_users_email(
    conn: &mut DbConnection,
    client_id: &str,
    email: &str,
) -> Result<bool, ApiError> {
    let n: i64 = users::table
        .filter(users::client_id.eq(client_id))
        .filter(users::role.eq(Role::ClientUser.as_str()))
        .filter(users::status.ne(UserStatus::Deactivated.as_str()))
        .filter(users::email.eq(email.trim().to_lowercase()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn check_report_email(
    conn: &mut DbConnection,
    v: &mut Validator,
    client: &ClientRow,
    email: Option<&str>,
) -> Result<(), ApiError> {
    if let Some(email) = email {
        if !is_client_users_email(conn, &client.id, email)? {
            v.add(
                "report_email",
                "not_a_client_user",
                "Reports can go only to one of this client's users: use their sign-in email.",
            );
        }
    }
    Ok(())
}

fn future(at: chrono::DateTime<chrono::Utc>) -> Result<chrono::NaiveDateTime, FieldIssue> {
    let at = at.naive_utc();
    if at <= now() {
        Err(FieldIssue::new(
            "in_the_past",
            "Choose a time in the future.",
        ))
    } else if at > now() + Duration::days(3650) {
        Err(FieldIssue::new(
            "too_far",
            "Choose a time within ten years.",
        ))
    } else {
        Ok(at)
    }
}

pub fn create(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    input: &ProjectCreate,
) -> Result<(ProjectRow, ClientRow), ApiError> {
    let mut v = Validator::new();
    let client = match tenant {
        Tenant::Client { client_id } => Some(get_scoped(conn, tenant, client_id)?),
        Tenant::Reseller { .. } => match input
            .client_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => {
                v.add(
                    "client_id",
                    "required",
                    "Choose the client this project is for.",
                );
                None
            }
            Some(id) => match get_scoped(conn, tenant, id) {
                Ok(c) => Some(c),
                Err(_) => {
                    v.add(
                        "client_id",
                        "unknown_client",
                        "There is no such client in your account.",
                    );
                    None
                }
            },
        },
    };
    let name = v.check("name", required_text(&input.name, 200));
    let description = v.check(
        "description",
        multiline_text(input.description.as_deref().unwrap_or_default(), 4000),
    );
    let chosen = check_tests(conn, &mut v, &input.tests, &[])?;
    let expires_at = match input.expires_at {
        Some(at) => v.check("expires_at", future(at).map(Some)),
        None => Some(None),
    };
    let support_name = v.check(
        "support_name",
        optional_text(input.support_name.as_deref().unwrap_or_default(), 200),
    );
    let support_email = v.check(
        "support_email",
        optional_email(input.support_email.as_deref()),
    );
    let report_email = v.check(
        "report_email",
        optional_email(input.report_email.as_deref()),
    );
    if let (Some(client), Some(Some(email))) = (&client, &report_email) {
        check_report_email(conn, &mut v, client, Some(email))?;
    }
    let cap = v.check(
        "self_registration_daily_cap",
        daily_cap(
            input
                .self_registration_daily_cap
                .unwrap_or(DEFAULT_SELF_REGISTRATION_DAILY_CAP),
        ),
    );
    let reminder_days = match input.reminder_after_days {
        Some(d) => v.check("reminder_after_days", reminder_after_days(d).map(Some)),
        None => Some(None),
    };
    let reminders = v.check(
        "reminder_max",
        reminder_max(input.reminder_max.unwrap_or(DEFAULT_REMINDER_MAX)),
    );
    v.finish()?;
    let (
        Some(client),
        Some(name),
        Some(description),
        Some(expires_at),
        Some(support_name),
        Some(support_email),
        Some(report_email),
    ) = (
        client,
        name,
        description,
        expires_at,
        support_name,
        support_email,
        report_email,
    )
    else {
        return Err(ApiError::internal("validated project fields missing"));
    };
    let id = new_id();
    let at = now();
    diesel::insert_into(projects::table)
        .values((
            projects::id.eq(&id),
            projects::client_id.eq(&client.id),
            projects::name.eq(&name),
            projects::description.eq(&description),
            projects::access_key.eq(Some(new_access_key())),
            projects::access_key_enabled.eq(input.access_key_enabled.unwrap_or(false)),
            projects::self_registration_daily_cap
                .eq(cap.unwrap_or(DEFAULT_SELF_REGISTRATION_DAILY_CAP as i32)),
            projects::reminder_after_days.eq(reminder_days.flatten()),
            projects::reminder_max.eq(reminders.unwrap_or(DEFAULT_REMINDER_MAX as i32)),
            projects::expires_at.eq(expires_at),
            projects::support_name.eq(&support_name),
            projects::support_email.eq(&support_email),
            projects::report_email.eq(&report_email),
            projects::active.eq(input.active.unwrap_or(true)),
            projects::created_at.eq(at),
            projects::updated_at.eq(at),
        ))
        .execute(conn)?;
    set_tests(conn, &id, &chosen)?;
    audit::record(
        conn,
        actor,
        "project.created",
        ("project", &id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "name": name, "tests": chosen.iter().map(|c| &c.0).collect::<Vec<_>>() }),
    )?;
    Ok((projects::table.find(&id).first(conn)?, client))
}

pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
    patch: &ProjectPatch,
) -> Result<(ProjectRow, ClientRow), ApiError> {
    let (before, client) = get_scoped_project(conn, tenant, id)?;
    let mut v = Validator::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|s| v.check("name", required_text(s, 200)));
    let description = patch
        .description
        .as_deref()
        .and_then(|s| v.check("description", multiline_text(s, 4000)));
    let chosen = match &patch.tests {
        Some(t) => {
            let invited: i64 = invitations::table
                .filter(invitations::project_id.eq(id))
                .count()
                .get_result(conn)?;
            if invited > 0 {
                v.add(
                    "tests",
                    "project_in_use",
                    "Candidates were invited already: create a new project to use other tests.",
                );
                None
            } else {
                let kept: Vec<String> = project_tests::table
                    .filter(project_tests::project_id.eq(id))
                    .select(project_tests::test_id)
                    .load(conn)?;
                Some(check_tests(conn, &mut v, t, &kept)?)
            }
        }
        None => None,
    };
    let expires_at = match (patch.clear_expires_at.unwrap_or(false), patch.expires_at) {
        (true, _) => Some(None),
        (false, Some(at)) => v.check("expires_at", future(at).map(Some)),
        (false, None) => Some(before.expires_at),
    };
    let support_name = patch
        .support_name
        .as_deref()
        .and_then(|s| v.check("support_name", optional_text(s, 200)));
    let support_email = patch
        .support_email
        .as_deref()
        .and_then(|s| v.check("support_email", optional_email(Some(s))));
    let report_email = patch
        .report_email
        .as_deref()
        .and_then(|s| v.check("report_email", optional_email(Some(s))));
    if let Some(Some(email)) = &report_email {
        check_report_email(conn, &mut v, &client, Some(email))?;
    }
    let cap = match patch.self_registration_daily_cap {
        Some(c) => v.check("self_registration_daily_cap", daily_cap(c)),
        None => Some(before.self_registration_daily_cap),
    };
    let reminder_days = match (
        patch.clear_reminder_after_days.unwrap_or(false),
        patch.reminder_after_days,
    ) {
        (true, _) => Some(None),
        (false, Some(d)) => v.check("reminder_after_days", reminder_after_days(d).map(Some)),
        (false, None) => Some(before.reminder_after_days),
    };
    let reminders = match patch.reminder_max {
        Some(m) => v.check("reminder_max", reminder_max(m)),
        None => Some(before.reminder_max),
    };
    v.finish()?;
    let access_key = if patch.regenerate_access_key.unwrap_or(false) {
        Some(new_access_key())
    } else {
        before.access_key.clone()
    };
    diesel::update(projects::table.find(id))
        .set((
            projects::name.eq(name.unwrap_or(before.name.clone())),
            projects::description.eq(description.unwrap_or(before.description.clone())),
            projects::access_key.eq(access_key),
            projects::access_key_enabled.eq(patch
                .access_key_enabled
                .unwrap_or(before.access_key_enabled)),
            projects::expires_at.eq(expires_at.unwrap_or(before.expires_at)),
            projects::support_name.eq(support_name.unwrap_or(before.support_name.clone())),
            projects::support_email.eq(support_email.unwrap_or(before.support_email.clone())),
            projects::report_email.eq(report_email.unwrap_or(before.report_email.clone())),
            projects::active.eq(patch.active.unwrap_or(before.active)),
            projects::self_registration_daily_cap
                .eq(cap.unwrap_or(before.self_registration_daily_cap)),
            projects::reminder_after_days.eq(reminder_days.unwrap_or(before.reminder_after_days)),
            projects::reminder_max.eq(reminders.unwrap_or(before.reminder_max)),
            projects::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if let Some(chosen) = &chosen {
        set_tests(conn, id, chosen)?;
    }
    let after: ProjectRow = projects::table.find(id).first(conn)?;
    audit::record(
        conn,
        actor,
        "project.updated",
        ("project", id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "before": { "name": before.name, "active": before.active, "access_key_enabled": before.access_key_enabled }, "after": { "name": after.name, "active": after.active, "access_key_enabled": after.access_key_enabled, "key_regenerated": patch.regenerate_access_key.unwrap_or(false), "self_registration_daily_cap": after.self_registration_daily_cap, "reminder_after_days": after.reminder_after_days, "reminder_max": after.reminder_max } }),
    )?;
    Ok((after, client))
}
