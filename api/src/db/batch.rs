//! A multi-row INSERT as one statement (one round trip) on both databases. diesel's own batch
//! insert does not reach SQLite through the MultiConnection, so this fragment writes
//! `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` itself, with bound parameters.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Integer, Text};
use diesel::{QueryResult, RunQueryDsl};

/// One value of a row.
pub enum Value {
    Text(String),
    Integer(i32),
}

/// Rows for one table and one list of columns; run it with `.execute(conn)` (nothing is sent
/// for no rows).
pub struct InsertRows {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

impl InsertRows {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> InsertRows {
        InsertRows {
            table,
            columns,
            rows: vec![],
        }
    }

    /// Adds a row: one value per column, in the columns' order.
    pub fn row(&mut self, values: Vec<Value>) {
        debug_assert_eq!(values.len(), self.columns.len());
        self.rows.push(values);
    }

    /// Sends the INSERT (one statement), unless there is no row.
    pub fn execute(self, conn: &mut super::DbConnection) -> QueryResult<usize> {
        if self.rows.is_empty() {
            return Ok(0);
        }
        RunQueryDsl::execute(self, conn)
    }
}

impl<DB> QueryFragment<DB> for InsertRows
where
    DB: Backend + HasSqlType<Text> + HasSqlType<Integer>,
    String: ToSql<Text, DB>,
    i32: ToSql<Integer, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("INSERT INTO ");
        out.push_identifier(self.table)?;
        out.push_sql(" (");
        for (i, column) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_identifier(column)?;
        }
        out.push_sql(") VALUES ");
        for (i, row) in self.rows.iter().enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            for (j, value) in row.iter().enumerate() {
                if j > 0 {
                    out.push_sql(", ");
                }
                match value {
                    Value::Text(text) => out.push_bind_param::<Text, String>(text)?,
                    Value::Integer(n) => out.push_bind_param::<Integer, i32>(n)?,
                }
            }
            out.push_sql(")");
        }
        Ok(())
    }
}

impl QueryId for InsertRows {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Conn> RunQueryDsl<Conn> for InsertRows {}
