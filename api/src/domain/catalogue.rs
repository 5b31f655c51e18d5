//! The test catalogue: tests, items, norm groups and norms (migration data), and the vendor's
//! edits to each test's name, category, credit cost and availability. A cost change applies
//! to new invitations only: each assessment keeps the cost charged when it was invited.
//! Correct answers never leave this module's callers in the server.

use credence_shared::admin::{CatalogueTest, CatalogueTestPatch};
use credence_shared::assess::{NormGroupRef, TestSummary};
use credence_shared::TestKind;
use diesel::prelude::*;

use crate::db::schema::{norm_groups, norms, question_options, questions, tests};
use crate::db::DbConnection;
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::values::required_text;
use crate::error::{ApiError, FieldIssue, Validator};

/// The categories a test can be filed under.
pub const CATEGORIES: [&str; 4] = ["numerical", "verbal", "inductive", "personality"];
/// The highest credit cost of one test.
pub const MAX_CREDIT_COST: i64 = 1000;

#[derive(Queryable, Debug, Clone)]
pub struct TestRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub kind: TestKind,
    pub category: String,
    pub description: String,
    pub instructions: String,
    pub timed: bool,
    pub duration_seconds: Option<i32>,
    pub credit_cost: i32,
    pub position: i32,
    /// Offered for new projects.
    pub active: bool,
}

impl TestRow {
    pub fn to_admin_dto(&self) -> CatalogueTest {
        CatalogueTest {
            id: self.id.clone(),
            slug: self.slug.clone(),
            name: self.name.clone(),
            kind: self.kind,
            category: self.category.clone(),
            description: self.description.clone(),
            credit_cost: i64::from(self.credit_cost),
            active: self.active,
            position: i64::from(self.position),
        }
    }
}

/// The tests offered for new projects (active ones), in catalogue order.
pub fn list(conn: &mut DbConnection) -> Result<Vec<TestSummary>, ApiError> {
    let rows: Vec<TestRow> = tests::table
        .filter(tests::active.eq(true))
        .order(tests::position.asc())
        .load(conn)?;
    rows.into_iter().map(|t| summary(conn, t)).collect()
}

/// Every test, active or not, in catalogue order. [platform_admin]
pub fn list_all(conn: &mut DbConnection) -> Result<Vec<CatalogueTest>, ApiError> {
    let rows: Vec<TestRow> = tests::table.order(tests::position.asc()).load(conn)?;
    Ok(rows.iter().map(TestRow::to_admin_dto).collect())
}

fn credit_cost(raw: i64) -> Result<i32, FieldIssue> {
    if (0..=MAX_CREDIT_COST).contains(&raw) {
        Ok(raw as i32)
    } else {
        Err(FieldIssue::new(
            "out_of_range",
            "Use a whole number of credits from 0 to 1000.",
        ))
    }
}

fn category(raw: &str) -> Result<String, FieldIssue> {
    let s = raw.trim().to_ascii_lowercase();
    if CATEGORIES.contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(FieldIssue::new(
            "invalid_category",
            "Choose numerical, verbal, inductive or personality.",
        ))
    }
}

/// Edits a test. Every bad field is reported and nothing changes; a new cost applies to
/// invitations made from now on. Audited as `test.updated` with before and after.
/// [platform_admin]
pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &str,
    patch: &CatalogueTestPatch,
) -> Result<CatalogueTest, ApiError> {
    let before = get(conn, id)?.ok_or_else(ApiError::not_found)?;
    let mut v = Validator::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|s| v.check("name", required_text(s, 200)));
    let category = patch
        .category
        .as_deref()
        .and_then(|s| v.check("category", category(s)));
    let cost = patch
        .credit_cost
        .and_then(|c| v.check("credit_cost", credit_cost(c)));
    v.finish()?;
    diesel::update(tests::table.find(id))
        .set((
            tests::name.eq(name.unwrap_or_else(|| before.name.clone())),
            tests::category.eq(category.unwrap_or_else(|| before.category.clone())),
            tests::credit_cost.eq(cost.unwrap_or(before.credit_cost)),
            tests::active.eq(patch.active.unwrap_or(before.active)),
        ))
        .execute(conn)?;
    let after = get(conn, id)?
        .ok_or_else(ApiError::not_found)?
        .to_admin_dto();
    let before = before.to_admin_dto();
    if before != after {
        audit::record(
            conn,
            actor,
            "test.updated",
            ("test", id),
            AuditScope::default(),
            serde_json::json!({ "before": before, "after": after }),
        )?;
    }
    Ok(after)
}

pub fn summary(conn: &mut DbConnection, t: TestRow) -> Result<TestSummary, ApiError> {
    let groups: Vec<(String, String)> = norm_groups::table
        .filter(norm_groups::test_id.eq(&t.id))
        .order(norm_groups::position.asc())
        .select((norm_groups::id, norm_groups::name))
        .load(conn)?;
    let question_count: i64 = questions::table
        .filter(questions::test_id.eq(&t.id))
        .count()
        .get_result(conn)?;
    Ok(TestSummary {
        id: t.id,
        name: t.name,
        kind: t.kind,
        category: t.category,
        description: t.description,
        timed: t.timed,
        duration_seconds: t.duration_seconds.map(i64::from),
        credit_cost: i64::from(t.credit_cost),
        question_count,
        norm_groups: groups
            .into_iter()
            .map(|(id, name)| NormGroupRef { id, name })
            .collect(),
    })
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<TestRow>, ApiError> {
    Ok(tests::table.find(id).first(conn).optional()?)
}

/// A question with its correct option (none for personality items) and its options in order.
pub struct KeyedQuestion {
    pub id: String,
    pub correct_option_id: Option<String>,
    pub option_ids: Vec<String>,
}

/// Each question of a test in order with its correct option (aptitude; `None` for
/// personality) and its options in order. Server-side only: simulated candidates in demo data
/// answer from it; correct answers never leave the server.
pub fn answer_key(conn: &mut DbConnection, test_id: &str) -> Result<Vec<KeyedQuestion>, ApiError> {
    let items: Vec<(String, Option<String>)> = questions::table
        .filter(questions::test_id.eq(test_id))
        .order(questions::position.asc())
        .select((questions::id, questions::correct_option_id))
        .load(conn)?;
    let ids: Vec<&String> = items.iter().map(|(id, _)| id).collect();
    let options: Vec<(String, String)> = question_options::table
        .filter(question_options::question_id.eq_any(ids))
        .order((
            question_options::question_id.asc(),
            question_options::position.asc(),
        ))
        .select((question_options::question_id, question_options::id))
        .load(conn)?;
    Ok(items
        .into_iter()
        .map(|(id, correct)| {
            let mine = options
                .iter()
                .filter(|(q, _)| *q == id)
                .map(|(_, o)| o.clone())
                .collect();
            KeyedQuestion {
                id,
                correct_option_id: correct,
                option_ids: mine,
            }
        })
        .collect())
}

/// The norm group's name if it belongs to the test.
pub fn norm_group_of(
    conn: &mut DbConnection,
    test_id: &str,
    norm_group_id: &str,
) -> Result<Option<String>, ApiError> {
    Ok(norm_groups::table
        .filter(norm_groups::id.eq(norm_group_id))
        .filter(norm_groups::test_id.eq(test_id))
        .select(norm_groups::name)
        .first(conn)
        .optional()?)
}

/// (mean, sd) per scale of a norm group.
pub fn norms_of(
    conn: &mut DbConnection,
    norm_group_id: &str,
) -> Result<Vec<(String, f64, f64)>, ApiError> {
    Ok(norms::table
        .filter(norms::norm_group_id.eq(norm_group_id))
        .select((norms::scale, norms::mean, norms::sd))
        .load(conn)?)
}
