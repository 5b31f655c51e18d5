//! The test catalogue (migration data): tests, items, norm groups and norms.
//! Correct answers never leave this module's callers in the server.

use credence_shared::assess::{NormGroupRef, TestSummary};
use credence_shared::TestKind;
use diesel::prelude::*;

use crate::db::schema::{norm_groups, norms, question_options, questions, tests};
use crate::db::DbConnection;
use crate::error::ApiError;

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
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<TestSummary>, ApiError> {
    let rows: Vec<TestRow> = tests::table.order(tests::position.asc()).load(conn)?;
    rows.into_iter().map(|t| summary(conn, t)).collect()
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
