//! Searching runs across tasks: by state, task, who, as whom, origin, time
//! range, values inside the arguments and text in the result or error,
//! newest first a page at a time (keyset paging on `(created_at, id)`),
//! and counting what a search matches (for bulk actions).
//!
//! Argument values are matched on PostgreSQL by `jsonb` containment, which
//! the `runs_arguments` GIN index serves; on SQLite by `json_extract` with
//! the value's JSON type, which an expression index serves for the paths
//! configured in `search.indexed_arguments` (SQLite cannot index every
//! path at once); other paths read each candidate row, so narrow those
//! searches by task or time.

use super::convert;
use super::error::StoreError;
use crate::db::entities::runs;
use crate::db::{Backend, Db, statement};
use sea_orm::{ConnectionTrait, EntityTrait, Value};
use types::{ArgumentMatch, Origin, Run, RunState};
use uuid::Uuid;

/// What the list of runs across tasks is filtered by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunQuery {
    pub state: Option<RunState>,
    pub task: Option<String>,
    /// Runs started by, or run as, this user.
    pub user: Option<String>,
    pub started_by: Option<String>,
    pub run_as: Option<String>,
    pub origin: Option<Origin>,
    /// Created at or after (µs).
    pub since: Option<i64>,
    /// Created before (µs).
    pub until: Option<i64>,
    pub arguments: Vec<ArgumentMatch>,
    /// Contained in the result or the error message, in any case.
    pub text: Option<String>,
    /// Only runs older than this `(created_at, id)`.
    pub before: Option<(i64, Uuid)>,
    pub limit: u32,
}

/// A `WHERE` clause with `$n` placeholders and their values.
struct Conditions {
    backend: Backend,
    sql: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    /// `$n` for `value`.
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    fn add(&mut self, condition: String) {
        self.sql.push(condition);
    }

    fn clause(&self) -> String {
        if self.sql.is_empty() { String::new() } else { format!(" WHERE {}", self.sql.join(" AND ")) }
    }

    fn of(backend: Backend, query: &RunQuery) -> Conditions {
        let mut conditions = Conditions { backend, sql: Vec::new(), values: Vec::new() };
        let equal_columns = [
            ("state", query.state.map(|state| state.as_str().to_owned())),
            ("task", query.task.clone()),
            ("started_by_name", query.started_by.clone()),
            ("run_as", query.run_as.clone()),
            ("origin", query.origin.map(|origin| origin.as_str().to_owned())),
        ];
        for (column, value) in equal_columns {
            if let Some(value) = value {
                let placeholder = conditions.bind(value);
                conditions.add(format!("{column} = {placeholder}"));
            }
        }
        if let Some(user) = &query.user {
            let placeholder = conditions.bind(user.as_str());
            conditions.add(format!("(started_by_name = {placeholder} OR run_as = {placeholder})"));
        }
        if let Some(since) = query.since {
            let placeholder = conditions.bind(since);
            conditions.add(format!("created_at >= {placeholder}"));
        }
        if let Some(until) = query.until {
            let placeholder = conditions.bind(until);
            conditions.add(format!("created_at < {placeholder}"));
        }
        for matched in &query.arguments {
            conditions.argument(matched);
        }
        if let Some(text) = &query.text {
            let placeholder = conditions.bind(text.to_lowercase());
            let find = match backend {
                Backend::Postgres => "strpos",
                Backend::Sqlite => "instr",
            };
            conditions.add(format!(
                "({find}(lower(result), {placeholder}) > 0 OR {find}(lower(error_message), {placeholder}) > 0)"
            ));
        }
        if let Some((created_at, id)) = query.before {
            let at = conditions.bind(created_at);
            let id = conditions.bind(id);
            conditions.add(format!("(created_at < {at} OR (created_at = {at} AND id < {id}))"));
        }
        conditions
    }

    /// The value at the path equals the match's value, of the same JSON type.
    fn argument(&mut self, matched: &ArgumentMatch) {
        if self.backend == Backend::Postgres {
            let placeholder = self.bind(matched.as_object().to_string());
            self.add(format!("(arguments::jsonb) @> {placeholder}::jsonb"));
            return;
        }
        // The path is written into the SQL (not bound), so that an index on
        // the same expression (`search.indexed_arguments`) applies.
        let Some(path) = sqlite_path(&matched.path) else {
            self.add("1 = 0".to_owned());
            return;
        };
        let condition = match &matched.value {
            serde_json::Value::Null => format!("json_type(arguments, {path}) = 'null'"),
            serde_json::Value::Bool(true) => format!("json_type(arguments, {path}) = 'true'"),
            serde_json::Value::Bool(false) => format!("json_type(arguments, {path}) = 'false'"),
            serde_json::Value::Number(number) => {
                let value = match number.as_i64() {
                    Some(integer) => self.bind(integer),
                    None => self.bind(number.as_f64().unwrap_or(f64::NAN)),
                };
                format!(
                    "(json_type(arguments, {path}) IN ('integer', 'real') AND json_extract(arguments, {path}) = {value})"
                )
            }
            serde_json::Value::String(text) => {
                let value = self.bind(text.as_str());
                format!("(json_type(arguments, {path}) = 'text' AND json_extract(arguments, {path}) = {value})")
            }
            // Refused when the filter was checked; matches nothing if it came here.
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => "1 = 0".to_owned(),
        };
        self.add(condition);
    }
}

/// `'$."customer"."id"'`: a JSON path as an SQL literal, for keys of letters,
/// digits, `_` and `-` only (the filter's rule; anything else is `None`).
fn sqlite_path(path: &[String]) -> Option<String> {
    if path.is_empty() || !path.iter().all(|key| types::is_argument_key(key)) {
        return None;
    }
    Some(format!("'$.{}'", path.iter().map(|key| format!("\"{key}\"")).collect::<Vec<_>>().join(".")))
}

/// On SQLite, an index per configured argument path (newest first within a
/// value), and none left over from paths no longer configured. PostgreSQL's
/// one GIN index serves every path, so there this does nothing.
pub async fn index_arguments(db: &Db, paths: &[Vec<String>]) -> Result<(), StoreError> {
    if db.backend != Backend::Sqlite {
        return Ok(());
    }
    let mut wanted = Vec::new();
    for path in paths {
        let Some(literal) = sqlite_path(path) else { continue };
        let name = format!("runs_argument_{}", path.join("__").replace('-', "_"));
        let sql = format!(
            "CREATE INDEX IF NOT EXISTS {name} ON runs (json_extract(arguments, {literal}), created_at DESC, id DESC)"
        );
        db.write.execute_raw(statement(db.backend, &sql, Vec::new())).await?;
        wanted.push(name);
    }
    let existing = db
        .read
        .query_all_raw(statement(
            db.backend,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'runs_argument_%'",
            Vec::new(),
        ))
        .await?;
    for row in existing {
        let name: String = row.try_get("", "name")?;
        if !wanted.contains(&name) {
            db.write
                .execute_raw(statement(db.backend, &format!("DROP INDEX IF EXISTS \"{name}\""), Vec::new()))
                .await?;
        }
    }
    Ok(())
}

/// A page of runs across tasks, newest first, and whether more are older.
pub async fn list_runs(db: &Db, query: &RunQuery) -> Result<(Vec<Run>, Option<(i64, Uuid)>), StoreError> {
    let mut conditions = Conditions::of(db.backend, query);
    let limit = conditions.bind(i64::from(query.limit) + 1);
    let sql = format!("SELECT * FROM runs{} ORDER BY created_at DESC, id DESC LIMIT {limit}", conditions.clause());
    let mut rows =
        runs::Entity::find().from_raw_sql(statement(db.backend, &sql, conditions.values)).all(&db.read).await?;
    let limit = query.limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(|last| (last.created_at, last.id)) } else { None };
    Ok((rows.into_iter().map(convert::run).collect::<Result<_, _>>()?, next))
}

/// How many runs `query` matches (its paging ignored), counting no further
/// than `at_most`.
pub async fn count_runs(db: &Db, query: &RunQuery, at_most: u64) -> Result<u64, StoreError> {
    let unpaged = RunQuery { before: None, ..query.clone() };
    let mut conditions = Conditions::of(db.backend, &unpaged);
    let limit = conditions.bind(i64::try_from(at_most).unwrap_or(i64::MAX));
    let sql =
        format!("SELECT COUNT(*) AS matched FROM (SELECT 1 FROM runs{} LIMIT {limit}) AS found", conditions.clause());
    let row = db.read.query_one_raw(statement(db.backend, &sql, conditions.values)).await?;
    let matched = row.map(|row| row.try_get::<i64>("", "matched")).transpose()?.unwrap_or(0);
    Ok(u64::try_from(matched).unwrap_or(0))
}
