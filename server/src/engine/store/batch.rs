//! Many rows in few statements whose text does not change with the batch
//! size, so that the database prepares each one once (a statement with a
//! placeholder per value would be parsed and planned anew for every size).
//!
//! The rows travel as one JSON parameter, a JSON array of rows, each row an
//! array of its values in column order (ids as hex). PostgreSQL reads it
//! with `jsonb_array_elements` and casts each position to its column's
//! type; SQLite with `jsonb_each`, turning the ids back into the 16-byte
//! blobs it stores. Positions in `jsonb` are what PostgreSQL reads fastest:
//! inserting 2,000 rows of the runs' 17 columns into a temporary table took
//! 24–30 ms as objects through `jsonb_to_recordset`, 16 ms through
//! `json_to_recordset`, 15 ms from one array literal per column through
//! `unnest`, 48 ms as arrays in plain `json` (each `->>` parses the row
//! again) and 11–12 ms as arrays in `jsonb` (psql, custom plans, 3 runs each).

use crate::db::Backend;
use crate::db::statement;
use sea_orm::{ConnectionTrait, DbErr, Statement, Value};
use serde_json::Value as Json;

/// How a column is typed (what PostgreSQL casts its position to).
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Uuid,
    Text,
    BigInt,
    Int,
    Double,
    Bool,
}

/// A column of a batch: its name and kind.
pub type Column = (&'static str, Kind);

/// Rows per statement: bounds the size of one JSON parameter.
const CHUNK: usize = 2000;

/// The statements that apply `template` to `rows`. `template` receives a
/// row source (a `SELECT` whose columns are named `<prefix><name>`) and the
/// number of its first free placeholder, where `extras` go.
pub fn statements(
    backend: Backend,
    columns: &[Column],
    rows: &[Vec<Value>],
    prefix: &str,
    extras: &[Value],
    template: impl Fn(&str, usize) -> String,
) -> Result<Vec<Statement>, DbErr> {
    let source = array_rows(backend, columns, prefix);
    let sql = template(&source, 2);
    rows.chunks(CHUNK)
        .map(|chunk| {
            let encoded = chunk
                .iter()
                .map(|row| row.iter().map(json).collect::<Result<Vec<_>, _>>().map(Json::Array))
                .collect::<Result<Vec<_>, _>>()?;
            let mut values = vec![Value::from(Json::Array(encoded).to_string())];
            values.extend(extras.iter().cloned());
            Ok(statement(backend, &sql, values))
        })
        .collect()
}

/// Inserts `rows` into `table`, inside the caller's transaction.
pub async fn insert(
    backend: Backend,
    connection: &impl ConnectionTrait,
    table: &str,
    columns: &[Column],
    rows: &[Vec<Value>],
) -> Result<(), DbErr> {
    let names = names(columns);
    for statement in
        statements(backend, columns, rows, "", &[], |source, _| format!("INSERT INTO {table} ({names}) {source}"))?
    {
        connection.execute_raw(statement).await?;
    }
    Ok(())
}

/// The column names, comma-separated.
pub fn names(columns: &[Column]) -> String {
    columns.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

/// The `SELECT` that reads a batch's rows, each column named `<prefix><name>`.
fn array_rows(backend: Backend, columns: &[Column], prefix: &str) -> String {
    let selected: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(index, (name, kind))| match backend {
            Backend::Postgres => {
                let sql_type = match kind {
                    Kind::Uuid => "uuid",
                    Kind::Text => "text",
                    Kind::BigInt => "bigint",
                    Kind::Int => "integer",
                    Kind::Double => "double precision",
                    Kind::Bool => "boolean",
                };
                format!("(value ->> {index})::{sql_type} AS {prefix}{name}")
            }
            Backend::Sqlite => match kind {
                Kind::Uuid => format!("unhex(value ->> {index}) AS {prefix}{name}"),
                _ => format!("value ->> {index} AS {prefix}{name}"),
            },
        })
        .collect();
    match backend {
        Backend::Postgres => format!("SELECT {} FROM jsonb_array_elements($1::jsonb)", selected.join(", ")),
        Backend::Sqlite => format!("SELECT {} FROM jsonb_each($1)", selected.join(", ")),
    }
}

fn json(value: &Value) -> Result<Json, DbErr> {
    Ok(match value {
        Value::Bool(value) => value.map_or(Json::Null, Json::Bool),
        Value::Int(value) => value.map_or(Json::Null, Json::from),
        Value::BigInt(value) => value.map_or(Json::Null, Json::from),
        Value::Double(value) => value.map_or(Json::Null, Json::from),
        Value::String(value) => value.as_ref().map_or(Json::Null, |text| Json::String(text.clone())),
        Value::Uuid(value) => value.as_ref().map_or(Json::Null, |id| Json::String(id.simple().to_string())),
        other => return Err(DbErr::Custom(format!("a batch cannot carry {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 2] = [("id", Kind::Uuid), ("state", Kind::Text)];

    fn rows(count: usize) -> Vec<Vec<Value>> {
        (0..count).map(|_| vec![uuid::Uuid::nil().into(), "success".into()]).collect()
    }

    #[test]
    fn postgres_reads_one_json_parameter() {
        let made = statements(Backend::Postgres, &COLUMNS, &rows(3), "d_", &["w".into()], |source, next| {
            format!("UPDATE t SET state = d_state FROM ({source}) AS done WHERE id = d_id AND owner = ${next}")
        })
        .unwrap();
        assert_eq!(made.len(), 1);
        assert!(
            made[0].sql.contains(
                "SELECT (value ->> 0)::uuid AS d_id, (value ->> 1)::text AS d_state FROM jsonb_array_elements($1::jsonb)"
            ),
            "{}",
            made[0].sql
        );
        assert!(made[0].sql.ends_with("owner = $2"));
        let values = made[0].values.as_ref().unwrap();
        assert_eq!(values.0.len(), 2);
        let row = r#"["00000000000000000000000000000000","success"]"#;
        assert_eq!(values.0[0], Value::from(format!("[{row},{row},{row}]")));
    }

    #[test]
    fn sqlite_reads_arrays_from_json_each() {
        let made = statements(Backend::Sqlite, &COLUMNS, &rows(3), "", &[], |source, _| {
            format!("INSERT INTO t (id, state) {source}")
        })
        .unwrap();
        assert_eq!(made.len(), 1);
        assert_eq!(
            made[0].sql,
            "INSERT INTO t (id, state) SELECT unhex(value ->> 0) AS id, value ->> 1 AS state FROM jsonb_each(?1)"
        );
    }
}
