//! Projects: a client's set of tests (with a norm group each) that candidates are invited to:
//! lookups, what the API shows, listing. Creating and editing one is `changes`.

mod changes;

pub use changes::*;

use std::collections::HashMap;

use credence_shared::assess::{Project, ProjectTest};
use credence_shared::InvitationStatus;
use diesel::prelude::*;

use crate::db::schema::{clients, invitations, norm_groups, project_tests, projects, tests};
use crate::db::{now, DbConnection};
use crate::domain::clients::ClientRow;
use crate::domain::tenant::Tenant;
use crate::domain::{into_page, like_pattern, PageRequest};
use crate::error::ApiError;

#[derive(Queryable, Debug, Clone)]
pub struct ProjectRow {
    pub id: String,
    pub client_id: String,
    pub name: String,
    pub description: Option<String>,
    pub access_key: Option<String>,
    pub access_key_enabled: bool,
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub support_name: Option<String>,
    pub support_email: Option<String>,
    pub report_email: Option<String>,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub self_registration_daily_cap: i32,
    /// Days after the last invitation or reminder mail that a reminder is due; `None`: off.
    pub reminder_after_days: Option<i32>,
    /// Most reminders one invitation gets.
    pub reminder_max: i32,
}

/// Self-registrations a project takes per day unless its client chooses otherwise.
pub const DEFAULT_SELF_REGISTRATION_DAILY_CAP: i64 = 50;
const MAX_SELF_REGISTRATION_DAILY_CAP: i64 = 10_000;

fn daily_cap(value: i64) -> Result<i32, crate::error::FieldIssue> {
    if (0..=MAX_SELF_REGISTRATION_DAILY_CAP).contains(&value) {
        Ok(value as i32)
    } else {
        Err(crate::error::FieldIssue::new(
            "out_of_range",
            "The daily self-registration cap must be between 0 and 10,000.",
        ))
    }
}

/// Reminders: after 1 to 30 days, at most 1 to 5 of them (1 unless chosen).
pub const DEFAULT_REMINDER_MAX: i64 = 1;

fn reminder_after_days(value: i64) -> Result<i32, crate::error::FieldIssue> {
    if (1..=30).contains(&value) {
        Ok(value as i32)
    } else {
        Err(crate::error::FieldIssue::new(
            "out_of_range",
            "Reminders go out after 1 to 30 days.",
        ))
    }
}

fn reminder_max(value: i64) -> Result<i32, crate::error::FieldIssue> {
    if (1..=5).contains(&value) {
        Ok(value as i32)
    } else {
        Err(crate::error::FieldIssue::new(
            "out_of_range",
            "A candidate gets 1 to 5 reminders at most.",
        ))
    }
}

impl ProjectRow {
    /// Expired or inactive projects take no new candidates and no new starts.
    pub fn locked(&self) -> bool {
        !self.active || self.expires_at.is_some_and(|e| e <= now())
    }
}

/// A readable access key of 12 random characters from an alphabet without look-alikes
/// (31 symbols, about 59 bits), e.g. `K7QF-29XM-HC4T`.
fn new_access_key() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rngs::OsRng;
    let mut part = || {
        (0..4)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect::<String>()
    };
    format!("{}-{}-{}", part(), part(), part())
}

pub fn get_scoped_project(
    conn: &mut DbConnection,
    tenant: &Tenant,
    id: &str,
) -> Result<(ProjectRow, ClientRow), ApiError> {
    // One query for both; another tenant's project is "not found".
    let (project, client): (ProjectRow, ClientRow) = projects::table
        .inner_join(clients::table)
        .filter(projects::id.eq(id))
        .select((projects::all_columns, clients::all_columns))
        .first(conn)?;
    let visible = match tenant {
        Tenant::Reseller { reseller_id } => &client.reseller_id == reseller_id,
        Tenant::Client { client_id } => &client.id == client_id,
    };
    if !visible {
        return Err(ApiError::not_found());
    }
    Ok((project, client))
}

/// (test id, name, kind, norm group id, norm group name, credit cost, duration)
type ProjectTestRow = (String, String, String, String, String, i32, Option<i32>);

pub fn tests_of(conn: &mut DbConnection, project_id: &str) -> Result<Vec<ProjectTest>, ApiError> {
    Ok(tests_by_project(conn, &[project_id])?
        .remove(project_id)
        .unwrap_or_default())
}

/// The tests of these projects, in each project's order, keyed by project (one query).
fn tests_by_project(
    conn: &mut DbConnection,
    project_ids: &[&str],
) -> Result<HashMap<String, Vec<ProjectTest>>, ApiError> {
    let rows: Vec<(String, ProjectTestRow)> = project_tests::table
        .inner_join(tests::table)
        .inner_join(norm_groups::table)
        .filter(project_tests::project_id.eq_any(project_ids))
        .order((
            project_tests::project_id.asc(),
            project_tests::position.asc(),
        ))
        .select((
            project_tests::project_id,
            (
                tests::id,
                tests::name,
                tests::kind,
                norm_groups::id,
                norm_groups::name,
                tests::credit_cost,
                tests::duration_seconds,
            ),
        ))
        .load(conn)?;
    let mut out: HashMap<String, Vec<ProjectTest>> = HashMap::new();
    for (project_id, r) in rows {
        out.entry(project_id).or_default().push(ProjectTest {
            test_id: r.0,
            test_name: r.1,
            kind: r.2.parse()?,
            norm_group_id: r.3,
            norm_group_name: r.4,
            credit_cost: i64::from(r.5),
            duration_seconds: r.6.map(i64::from),
        });
    }
    Ok(out)
}

/// (invited, submitted) candidates of these projects, keyed by project (one query).
fn counts_by_project(
    conn: &mut DbConnection,
    project_ids: &[&str],
) -> Result<HashMap<String, (i64, i64)>, ApiError> {
    use diesel::dsl::{count_star, sql};
    use diesel::sql_types::BigInt;
    let submitted = format!(
        "CAST(SUM(CASE WHEN invitations.status = '{}' THEN 1 ELSE 0 END) AS BIGINT)",
        InvitationStatus::Submitted.as_str()
    );
    Ok(invitations::table
        .filter(invitations::project_id.eq_any(project_ids))
        .group_by(invitations::project_id)
        .select((
            invitations::project_id,
            count_star(),
            sql::<BigInt>(&submitted),
        ))
        .load::<(String, i64, i64)>(conn)?
        .into_iter()
        .map(|(id, invited, submitted)| (id, (invited, submitted)))
        .collect())
}

pub fn to_dto(
    conn: &mut DbConnection,
    public_url: &str,
    row: ProjectRow,
    client: &ClientRow,
) -> Result<Project, ApiError> {
    to_dtos(conn, public_url, vec![(row, client.clone())])?
        .pop()
        .ok_or_else(|| ApiError::internal("project vanished"))
}

/// Projects as the API shows them: the tests and candidate counts of the whole list in two
/// queries (not three per project).
pub fn to_dtos(
    conn: &mut DbConnection,
    public_url: &str,
    rows: Vec<(ProjectRow, ClientRow)>,
) -> Result<Vec<Project>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|(p, _)| p.id.as_str()).collect();
    let mut tests = tests_by_project(conn, &ids)?;
    let counts = counts_by_project(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, client)| {
            let tests = tests.remove(&row.id).unwrap_or_default();
            let (candidate_count, completed_count) = counts.get(&row.id).copied().unwrap_or((0, 0));
            let key = row.access_key.clone().filter(|_| row.access_key_enabled);
            Project {
                locked: row.locked(),
                credit_cost: tests.iter().map(|t| t.credit_cost).sum(),
                self_registration_url: key
                    .as_ref()
                    .map(|k| format!("{public_url}/test/register?key={k}")),
                access_key: key,
                self_registration_daily_cap: i64::from(row.self_registration_daily_cap),
                reminder_after_days: row.reminder_after_days.map(i64::from),
                reminder_max: i64::from(row.reminder_max),
                id: row.id,
                client_id: row.client_id,
                client_name: client.name,
                name: row.name,
                description: row.description,
                tests,
                access_key_enabled: row.access_key_enabled,
                expires_at: row.expires_at.map(|t| t.and_utc()),
                support_name: row.support_name,
                support_email: row.support_email,
                report_email: row.report_email,
                active: row.active,
                candidate_count,
                completed_count,
                created_at: row.created_at.and_utc(),
                updated_at: row.updated_at.and_utc(),
            }
        })
        .collect())
}

#[derive(Debug, Default)]
pub struct ProjectFilter {
    pub client_id: Option<String>,
    pub q: Option<String>,
    pub active: Option<bool>,
}

pub fn list(
    conn: &mut DbConnection,
    tenant: &Tenant,
    filter: &ProjectFilter,
    page: &PageRequest,
) -> Result<Vec<(ProjectRow, ClientRow)>, ApiError> {
    let mut query = projects::table
        .inner_join(clients::table)
        .select((projects::all_columns, clients::all_columns))
        .into_boxed();
    match tenant {
        Tenant::Reseller { reseller_id } => {
            query = query.filter(clients::reseller_id.eq(reseller_id.clone()))
        }
        Tenant::Client { client_id } => query = query.filter(clients::id.eq(client_id.clone())),
    }
    if let Some(client_id) = &filter.client_id {
        query = query.filter(clients::id.eq(client_id.clone()));
    }
    if let Some(active) = filter.active {
        query = query.filter(projects::active.eq(active));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(projects.name) LIKE ")
                .bind::<diesel::sql_types::Text, _>(like_pattern(q))
                .sql(" ESCAPE '\\'"),
        );
    }
    crate::keyset!(query, projects, page);
    Ok(query.load(conn)?)
}

/// The project a self-registration key opens.
pub fn by_access_key(conn: &mut DbConnection, key: &str) -> Result<Option<ProjectRow>, ApiError> {
    Ok(projects::table
        .filter(projects::access_key.eq(key.trim().to_uppercase()))
        .filter(projects::access_key_enabled.eq(true))
        .first(conn)
        .optional()?)
}

pub fn page_of(
    rows: Vec<(ProjectRow, ClientRow)>,
    page: &PageRequest,
) -> credence_shared::Page<(ProjectRow, ClientRow)> {
    into_page(rows, page, |r| r.0.id.clone(), |r| r)
}

#[cfg(test)]
mod unit {
    #[test]
    fn access_keys_are_readable() {
        let key = super::new_access_key();
        assert_eq!(key.len(), 14);
        assert_eq!(&key[4..5], "-");
        assert_eq!(&key[9..10], "-");
        assert_ne!(key, super::new_access_key());
        assert!(key
            .chars()
            .all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"O0I1L".contains(c))));
    }
}
