//! Bulk inserts: many rows per statement, one statement text per batch
//! size (so both databases reuse the prepared statement), without building
//! an active model per row. Used where thousands of rows arrive at once
//! (roster imports, generated data).

use crate::Result;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// Most bound values in one statement: SQLite allows 32766, PostgreSQL 65535.
const MAX_PARAMS: usize = 30_000;

fn sql(backend: DbBackend, table: &str, columns: &[&str], rows: usize, returning: bool) -> String {
    let cols: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let mut s = format!("INSERT INTO \"{table}\" ({}) VALUES ", cols.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                s.push_str(", ");
            }
            n += 1;
            match backend {
                DbBackend::Postgres => s.push_str(&format!("${n}")),
                _ => s.push('?'),
            }
        }
        s.push(')');
    }
    if returning {
        s.push_str(" RETURNING \"id\"");
    }
    s
}

fn batch_size(columns: usize, wanted: usize) -> usize {
    (MAX_PARAMS / columns.max(1)).clamp(1, wanted.max(1))
}

/// Inserts `rows` (each in `columns` order) and returns their new ids, in
/// order. Run it inside a transaction for all-or-nothing.
pub(crate) async fn insert_returning_ids<C: ConnectionTrait>(
    conn: &C,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<Vec<i64>> {
    let backend = conn.get_database_backend();
    let per = batch_size(columns.len(), 1000);
    let mut ids = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    let mut cached: Option<(usize, String)> = None;
    while rows.peek().is_some() {
        let batch: Vec<Vec<Value>> = rows.by_ref().take(per).collect();
        let k = batch.len();
        let text = match &cached {
            Some((n, t)) if *n == k => t.clone(),
            _ => {
                let t = sql(backend, table, columns, k, true);
                cached = Some((k, t.clone()));
                t
            }
        };
        let values: Vec<Value> = batch.into_iter().flatten().collect();
        let result = conn
            .query_all_raw(Statement::from_sql_and_values(backend, text, values))
            .await?;
        for r in result {
            ids.push(r.try_get::<i64>("", "id")?);
        }
    }
    Ok(ids)
}

/// Inserts `rows` without reading anything back; returns how many.
pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<u64> {
    let backend = conn.get_database_backend();
    let per = batch_size(columns.len(), 2000);
    let mut count = 0;
    let mut rows = rows.into_iter().peekable();
    let mut cached: Option<(usize, String)> = None;
    while rows.peek().is_some() {
        let batch: Vec<Vec<Value>> = rows.by_ref().take(per).collect();
        let k = batch.len();
        let text = match &cached {
            Some((n, t)) if *n == k => t.clone(),
            _ => {
                let t = sql(backend, table, columns, k, false);
                cached = Some((k, t.clone()));
                t
            }
        };
        let values: Vec<Value> = batch.into_iter().flatten().collect();
        count += conn
            .execute_raw(Statement::from_sql_and_values(backend, text, values))
            .await?
            .rows_affected();
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements() {
        assert_eq!(
            sql(DbBackend::Sqlite, "t", &["a", "b"], 2, true),
            "INSERT INTO \"t\" (\"a\", \"b\") VALUES (?, ?), (?, ?) RETURNING \"id\""
        );
        assert_eq!(
            sql(DbBackend::Postgres, "t", &["a", "b"], 2, false),
            "INSERT INTO \"t\" (\"a\", \"b\") VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(batch_size(24, 1000), 1000);
        assert_eq!(batch_size(100, 1000), 300);
    }
}
