//! A project's results: one row per invitation with each test's status and (client users) the
//! scores, paged newest first; and the score columns an export writes, known before any row.

use credence_shared::assess::ProjectResult;
use credence_shared::{InvitationStatus, Page};
use diesel::prelude::*;

use crate::db::schema::{candidates, invitations, norms};
use crate::db::DbConnection;
use crate::domain::projects::{get_scoped_project, tests_of};
use crate::domain::tenant::Tenant;
use crate::domain::{into_page, PageRequest};
use crate::error::ApiError;

use super::dto::assessments_by_invitation;
use super::{CandidateRow, InvitationRow};

/// One page of a project's results, newest invitation first: three queries whatever the page
/// size (the project's scope, the rows, all their assessments), keyset-paged on the
/// `(project_id, id)` index.
pub fn project_results(
    conn: &mut DbConnection,
    tenant: &Tenant,
    project_id: &str,
    page: &PageRequest,
) -> Result<Page<ProjectResult>, ApiError> {
    get_scoped_project(conn, tenant, project_id)?;
    let mut query = invitations::table
        .inner_join(candidates::table)
        .filter(invitations::project_id.eq(project_id))
        .select((invitations::all_columns, candidates::all_columns))
        .into_boxed();
    crate::keyset!(query, invitations, page);
    let rows: Vec<(InvitationRow, CandidateRow)> = query.load(conn)?;
    let rows = into_page(rows, page, |(i, _)| i.id.clone(), |r| r);
    let ids: Vec<String> = rows.data.iter().map(|(i, _)| i.id.clone()).collect();
    let mut assessments = assessments_by_invitation(conn, &ids, tenant.sees_scores())?;
    let data = rows
        .data
        .into_iter()
        .map(|(inv, c)| {
            let assessments = assessments.remove(&inv.id).unwrap_or_default();
            ProjectResult {
                submitted_at: assessments
                    .iter()
                    .filter_map(|a| a.submitted_at)
                    .max()
                    .filter(|_| inv.status == InvitationStatus::Submitted),
                candidate_id: c.id,
                invitation_id: inv.id,
                first_name: c.first_name,
                last_name: c.last_name,
                email: c.email,
                status: inv.status,
                assessments,
            }
        })
        .collect();
    Ok(Page {
        data,
        next_cursor: rows.next_cursor,
    })
}

/// A score column of the results: one scale of one of the project's tests.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreColumn {
    pub test_name: String,
    pub scale: String,
}

/// The project's name and its score columns in test order ("total" for an aptitude test, one
/// per trait for a personality test, from the norm group's scales). None for a reseller, who
/// never sees scores. The tests are fixed once anyone is invited, so every row fits these.
pub fn score_columns(
    conn: &mut DbConnection,
    tenant: &Tenant,
    project_id: &str,
) -> Result<(String, Vec<ScoreColumn>), ApiError> {
    let (project, _) = get_scoped_project(conn, tenant, project_id)?;
    if !tenant.sees_scores() {
        return Ok((project.name, Vec::new()));
    }
    let tests = tests_of(conn, project_id)?;
    let group_ids: Vec<&str> = tests.iter().map(|t| t.norm_group_id.as_str()).collect();
    let scales: Vec<(String, String)> = norms::table
        .filter(norms::norm_group_id.eq_any(group_ids))
        .order((norms::norm_group_id, norms::scale))
        .select((norms::norm_group_id, norms::scale))
        .load(conn)?;
    let mut columns = Vec::new();
    for test in &tests {
        let mut own: Vec<&str> = scales
            .iter()
            .filter(|(group, _)| *group == test.norm_group_id)
            .map(|(_, scale)| scale.as_str())
            .collect();
        // "total" first, then the traits alphabetically.
        own.sort_by_key(|s| (*s != "total", *s));
        columns.extend(own.into_iter().map(|scale| ScoreColumn {
            test_name: test.test_name.clone(),
            scale: scale.to_string(),
        }));
    }
    Ok((project.name, columns))
}
