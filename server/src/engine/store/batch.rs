//! Many rows in one statement: the rows travel as a single JSON parameter,
//! read by `jsonb_to_recordset` (PostgreSQL) or `json_each` (SQLite). The
//! statement's text is the same for one row or a thousand, so the database
//! prepares it once; a statement with a placeholder per value would be
//! parsed and planned anew for every batch size.

use crate::db::Backend;
use uuid::Uuid;

/// How a column travels in the JSON.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// As 32 hex digits; stored as `uuid` (PostgreSQL) or a 16-byte blob (SQLite).
    Uuid,
    Text,
    BigInt,
    Int,
    Double,
    Bool,
}

/// A column of a batch: its JSON key (and table column) and kind.
pub type Column = (&'static str, Kind);

/// `SELECT <columns> FROM <the rows in $n>`, each column named `<prefix><name>`.
pub fn select_rows(backend: Backend, columns: &[Column], parameter: usize, prefix: &str) -> String {
    match backend {
        Backend::Postgres => {
            let names: Vec<String> = columns.iter().map(|(name, _)| format!("r.{name} AS {prefix}{name}")).collect();
            let types: Vec<String> = columns
                .iter()
                .map(|(name, kind)| {
                    let sql_type = match kind {
                        Kind::Uuid => "uuid",
                        Kind::Text => "text",
                        Kind::BigInt => "bigint",
                        Kind::Int => "integer",
                        Kind::Double => "double precision",
                        Kind::Bool => "boolean",
                    };
                    format!("{name} {sql_type}")
                })
                .collect();
            format!(
                "SELECT {} FROM jsonb_to_recordset(${parameter}::jsonb) AS r({})",
                names.join(", "),
                types.join(", ")
            )
        }
        Backend::Sqlite => {
            let values: Vec<String> = columns
                .iter()
                .map(|(name, kind)| match kind {
                    Kind::Uuid => format!("unhex(value ->> '$.{name}') AS {prefix}{name}"),
                    _ => format!("value ->> '$.{name}' AS {prefix}{name}"),
                })
                .collect();
            format!("SELECT {} FROM json_each(${parameter})", values.join(", "))
        }
    }
}

/// The column names, comma-separated.
pub fn names(columns: &[Column]) -> String {
    columns.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

/// A UUID as the batches carry it.
pub fn uuid(id: Uuid) -> String {
    id.simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 2] = [("id", Kind::Uuid), ("state", Kind::Text)];

    #[test]
    fn postgres_reads_a_typed_recordset() {
        assert_eq!(
            select_rows(Backend::Postgres, &COLUMNS, 1, "d_"),
            "SELECT r.id AS d_id, r.state AS d_state FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, state text)"
        );
    }

    #[test]
    fn sqlite_reads_json_each_and_unhexes_ids() {
        assert_eq!(
            select_rows(Backend::Sqlite, &COLUMNS, 2, ""),
            "SELECT unhex(value ->> '$.id') AS id, value ->> '$.state' AS state FROM json_each($2)"
        );
    }
}
