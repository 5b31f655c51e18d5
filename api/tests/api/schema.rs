//! Both backends end with the same tables, columns, keys and constraints.

use std::collections::BTreeSet;

use credence_api::db::{DbConnection, DbUrl};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::app::Backend;
use crate::database::fresh_database;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = Text)]
    b: String,
    #[diesel(sql_type = Text)]
    c: String,
    #[diesel(sql_type = Integer)]
    d: i32,
}

fn normalise_type(t: &str) -> &'static str {
    match t.to_ascii_lowercase().as_str() {
        "text" => "text",
        "integer" | "int4" => "integer",
        "bigint" | "int8" => "bigint",
        "boolean" | "bool" => "boolean",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "blob" | "bytea" => "binary",
        _ => "other",
    }
}

/// (table, column, type, not null) for every column; plus keys and foreign keys as strings.
/// SQLite's FTS5 search table (and its shadow tables) is left out: PostgreSQL answers the same
/// search from trigram indexes on `candidates` itself (see `db::search`).
fn describe(conn: &mut DbConnection) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let (columns, keys, fks): (Vec<Row>, Vec<Row>, Vec<Row>) = match conn {
        DbConnection::Sqlite(c) => (
            diesel::sql_query(
                "SELECT m.name AS a, p.name AS b, p.type AS c, (p.\"notnull\" OR p.pk > 0) AS d \
                 FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'candidates_search%' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
",
            )
            .load(c)
            .unwrap(),
            diesel::sql_query(
                "SELECT m.name AS a, il.name AS b, group_concat(ii.name, ',') AS c, il.\"unique\" AS d \
                 FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_info(il.name) ii \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'candidates_search%' AND m.name <> '__diesel_schema_migrations' AND il.\"unique\" = 1 \
                 GROUP BY m.name, il.name \
                 UNION SELECT m.name AS a, 'pk' AS b, group_concat(p.name, ',') AS c, 1 AS d \
                 FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'candidates_search%' AND m.name <> '__diesel_schema_migrations' AND p.pk > 0 GROUP BY m.name",
            )
            .load(c)
            .unwrap(),
            diesel::sql_query(
                "SELECT m.name AS a, f.\"from\" AS b, f.\"table\" || '.' || f.\"to\" AS c, 0 AS d \
                 FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name NOT LIKE 'candidates_search%'",
            )
            .load(c)
            .unwrap(),
        ),
        DbConnection::Postgres(c) => (
            diesel::sql_query(
                "SELECT table_name::text AS a, column_name::text AS b, data_type::text AS c, (is_nullable = 'NO')::int AS d \
                 FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap(),
            diesel::sql_query(
                "SELECT t.relname::text AS a, i.relname::text AS b, \
                        string_agg(a.attname::text, ',' ORDER BY array_position(ix.indkey::int[], a.attnum::int)) AS c, 1 AS d \
                 FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey) \
                 WHERE n.nspname = 'public' AND ix.indisunique AND t.relname <> '__diesel_schema_migrations' \
                 GROUP BY t.relname, i.relname",
            )
            .load(c)
            .unwrap(),
            diesel::sql_query(
                "SELECT kcu.table_name::text AS a, kcu.column_name::text AS b, ccu.table_name::text || '.' || ccu.column_name::text AS c, 0 AS d \
                 FROM information_schema.table_constraints tc \
                 JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name \
                 JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name \
                 WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'",
            )
            .load(c)
            .unwrap(),
        ),
    };
    (
        columns
            .into_iter()
            .map(|r| {
                format!(
                    "{}.{} {} notnull={}",
                    r.a,
                    r.b,
                    normalise_type(&r.c),
                    r.d != 0
                )
            })
            .collect(),
        // Index names differ (sqlite_autoindex_* vs *_key): compare table and columns only.
        keys.into_iter()
            .map(|r| format!("{}({})", r.a, r.c))
            .collect(),
        fks.into_iter()
            .map(|r| format!("{}.{} -> {}", r.a, r.b, r.c))
            .collect(),
    )
}

fn check_count(conn: &mut DbConnection) -> usize {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let n: Vec<N> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT (length(group_concat(sql, '')) - length(replace(group_concat(sql, ''), 'CHECK (', ''))) / 7 AS n \
             FROM sqlite_master WHERE type = 'table'",
        )
        .load(c)
        .unwrap(),
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT count(*) AS n FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace \
             WHERE co.contype = 'c' AND n.nspname = 'public'",
        )
        .load(c)
        .unwrap(),
    };
    n[0].n as usize
}

#[test]
fn sqlite_and_postgres_have_the_same_schema() {
    let (sqlite_url, _dir) = fresh_database(Backend::Sqlite);
    let mut sqlite = DbUrl::parse(&sqlite_url).unwrap().connect().unwrap();
    credence_api::db::run_migrations(&mut sqlite).unwrap();
    let (pg_url, _) = fresh_database(Backend::Postgres);
    let mut pg = DbUrl::parse(&pg_url).unwrap().connect().unwrap();
    credence_api::db::run_migrations(&mut pg).unwrap();

    let (s_cols, s_keys, s_fks) = describe(&mut sqlite);
    let (p_cols, p_keys, p_fks) = describe(&mut pg);
    assert!(s_cols.len() > 50, "the schema was read: {s_cols:?}");
    assert_eq!(s_cols, p_cols, "columns differ");
    assert_eq!(s_keys, p_keys, "primary keys and unique constraints differ");
    assert_eq!(s_fks, p_fks, "foreign keys differ");
    assert_eq!(
        check_count(&mut sqlite),
        check_count(&mut pg),
        "CHECK constraints differ"
    );
}
