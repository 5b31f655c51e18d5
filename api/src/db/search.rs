//! Free-text search on candidates' names and emails: the one piece of per-backend SQL in a
//! query, so domain code stays the same on both. The meaning is the same on both — a
//! case-insensitive substring of "first last" or of the email — and each backend answers it
//! from an index: PostgreSQL from pg_trgm GIN indexes on the lower-cased expressions, SQLite
//! from the FTS5 trigram table `candidates_search` (kept by triggers; its rowid is the
//! candidate's). A query under three characters has no trigram, so SQLite falls back to a scan.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::sql_types::{Bool, Text};

use super::{DbConnection, MultiBackend};

/// `q` trimmed, lower-cased, with LIKE's wildcards escaped, as `%q%` (for `LIKE … ESCAPE '\'`
/// on a lower-cased column).
pub fn like_pattern(q: &str) -> String {
    let escaped = q
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// `q` as one FTS5 phrase: with the trigram tokenizer a phrase matches any substring.
fn fts_phrase(q: &str) -> String {
    format!("\"{}\"", q.trim().replace('"', "\"\""))
}

/// True for candidates whose name or email contains `q` (any case).
pub fn candidate_matches<QS>(
    conn: &DbConnection,
    q: &str,
) -> Box<dyn BoxableExpression<QS, MultiBackend, SqlType = Bool>> {
    let like = || {
        let pattern = like_pattern(q);
        sql::<Bool>("(lower(candidates.first_name || ' ' || candidates.last_name) LIKE ")
            .bind::<Text, _>(pattern.clone())
            .sql(" ESCAPE '\\' OR lower(candidates.email) LIKE ")
            .bind::<Text, _>(pattern)
            .sql(" ESCAPE '\\')")
    };
    match conn {
        DbConnection::Sqlite(_) if q.trim().chars().count() >= 3 => Box::new(
            sql::<Bool>(
                "candidates.rowid IN (SELECT rowid FROM candidates_search WHERE candidates_search MATCH ",
            )
            .bind::<Text, _>(fts_phrase(q))
            .sql(")"),
        ),
        _ => Box::new(like()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_wildcards_and_quotes() {
        assert_eq!(like_pattern("  50%_Off\\ "), "%50\\%\\_off\\\\%");
        assert_eq!(fts_phrase(" say \"hi\" "), "\"say \"\"hi\"\"\"");
    }
}
