//! The SQL of a search: its conditions with `$n` placeholders and their
//! values, written so that an index serves each filter.
//!
//! - `user` (started by, or run as) is two index walks joined, each
//!   stopping at a page, rather than one `OR` that sorts every match;
//! - text is matched exactly (`instr`/`strpos` on the lowered result and
//!   error), and, when `Text::Indexed`, first narrowed by the text index
//!   (SQLite FTS5 trigram, PostgreSQL `pg_trgm`), which needs three
//!   characters or more;
//! - argument values: PostgreSQL `jsonb` containment (the GIN index);
//!   SQLite `json_extract` with the path written into the SQL, so that an
//!   index of `search.indexed_arguments` on the same expression applies.

use super::RunQuery;
use crate::db::Backend;
use sea_orm::Value;
use types::{ArgumentMatch, Origin, RunState};

/// The newest-first order of every list, and of the indexes that serve it.
pub const NEWEST_FIRST: &str = "ORDER BY created_at DESC, id DESC";

/// How a text condition is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    /// Matched exactly on every row the other conditions leave.
    Scan,
    /// Narrowed by the text index first.
    Indexed,
}

/// Placeholders and their values, for one statement.
pub struct Sql {
    pub backend: Backend,
    pub values: Vec<Value>,
    /// A condition every walk of [`Sql::list`] adds (the candidates' ids).
    pub within: Option<String>,
}

impl Sql {
    pub fn new(backend: Backend) -> Sql {
        Sql { backend, values: Vec::new(), within: None }
    }

    /// `$n` for `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    /// `SELECT {columns} FROM runs WHERE … ORDER BY … LIMIT {limit}`: the
    /// newest `limit` runs `query` matches (from its `before` on). By whom
    /// a run ran (`as`, or `user`: started by or run as) is two walks, each
    /// of `limit` on an index of its own, joined (see [`Sql::people`]).
    pub fn list(&mut self, query: &RunQuery, text: Text, columns: &str, limit: u64) -> String {
        let limit = self.bind(i64::try_from(limit).unwrap_or(i64::MAX));
        let Some([first, second]) = self.people(query) else {
            let clause = self.conditions(query, None, text);
            return format!("SELECT {columns} FROM runs{clause} {NEWEST_FIRST} LIMIT {limit}");
        };
        let first = self.conditions(query, Some(first), text);
        let second = self.conditions(query, Some(second), text);
        format!(
            "SELECT {columns} FROM runs WHERE id IN (\
             SELECT id FROM (SELECT id FROM runs{first} {NEWEST_FIRST} LIMIT {limit}) AS first \
             UNION SELECT id FROM (SELECT id FROM runs{second} {NEWEST_FIRST} LIMIT {limit}) AS second) \
             {NEWEST_FIRST} LIMIT {limit}"
        )
    }

    /// The two walks of a search by whom a run ran, or `None` without one.
    /// Most runs run as whoever started them, so only the others are in
    /// the index of run-as names (`runs_impersonated`, whose condition is
    /// repeated word for word so that SQLite uses it): as X is "started by
    /// X and run as X" or "run as X, started by someone else"; user X is
    /// "started by X" or "run as X, started by someone else".
    fn people(&mut self, query: &RunQuery) -> Option<[String; 2]> {
        let (first, name) = match (&query.run_as, &query.user) {
            (Some(run_as), _) => {
                let name = self.bind(run_as.as_str());
                (format!("started_by_name = {name} AND run_as = {name}"), name)
            }
            (None, Some(user)) => {
                let name = self.bind(user.as_str());
                (format!("started_by_name = {name}"), name)
            }
            (None, None) => return None,
        };
        Some([first, format!("run_as = {name} AND run_as <> started_by_name")])
    }

    /// ` WHERE …` for every filter of `query` but by whom it ran (`person`
    /// stands for that walk) and, unless `text` says how, the text.
    fn conditions(&mut self, query: &RunQuery, person: Option<String>, text: Text) -> String {
        let mut all: Vec<String> = person.into_iter().chain(self.within.clone()).collect();
        let equal_columns = [("task", query.task.clone()), ("started_by_name", query.started_by.clone())];
        for (column, value) in equal_columns {
            if let Some(value) = value {
                all.push(format!("{column} = {}", self.bind(value)));
            }
        }
        if let (Some(user), Some(_)) = (&query.user, &query.run_as) {
            let name = self.bind(user.as_str());
            all.push(format!("(started_by_name = {name} OR run_as = {name})"));
        }
        if let Some(state) = query.state {
            let placeholder = self.bind(state.as_str());
            all.push(match state {
                // The partial index of these states, named by its own condition.
                RunState::Failure | RunState::Cancelled => {
                    format!("state = {placeholder} AND state IN ('failure', 'cancelled')")
                }
                _ => format!("state = {placeholder}"),
            });
        }
        if let Some(origin) = query.origin {
            let placeholder = self.bind(origin.as_str());
            all.push(match origin {
                // Most runs: found walking the newest; the others have an index.
                Origin::Api | Origin::Ui => format!("origin = {placeholder}"),
                _ => format!("origin = {placeholder} AND origin NOT IN ('api', 'ui')"),
            });
        }
        if let Some(origin) = query.not_origin {
            all.push(format!("origin <> {}", self.bind(origin.as_str())));
        }
        if let Some(since) = query.since {
            all.push(format!("created_at >= {}", self.bind(since)));
        }
        if let Some(until) = query.until {
            all.push(format!("created_at < {}", self.bind(until)));
        }
        for matched in &query.arguments {
            all.push(self.argument(matched));
        }
        if let Some(searched) = &query.text {
            if text == Text::Indexed && indexable(searched) {
                all.push(self.text_candidates(searched));
            }
            all.push(self.text_exactly(searched));
        }
        if let Some((created_at, id)) = query.before {
            let at = self.bind(created_at);
            let id = self.bind(id);
            all.push(format!("(created_at < {at} OR (created_at = {at} AND id < {id}))"));
        }
        if all.is_empty() { String::new() } else { format!(" WHERE {}", all.join(" AND ")) }
    }

    /// `SELECT id …`: the runs a text or argument index says may match
    /// `query` (a superset; the other conditions still apply), or `None`
    /// when no index narrows it that way: text of three characters or more
    /// (the text index) and, on PostgreSQL, argument values (the GIN index).
    pub fn candidate_ids(&mut self, query: &RunQuery, text: Text) -> Option<String> {
        let searched = query.text.as_deref().filter(|searched| text == Text::Indexed && indexable(searched));
        match self.backend {
            Backend::Sqlite => {
                let phrase = self.bind(fts_phrase(searched?));
                Some(format!("SELECT run_id AS id FROM runs_text WHERE runs_text MATCH {phrase}"))
            }
            Backend::Postgres => {
                let mut all: Vec<String> = query.arguments.iter().map(|matched| self.argument(matched)).collect();
                all.extend(searched.map(|searched| self.text_candidates(searched)));
                (!all.is_empty()).then(|| format!("SELECT id FROM runs WHERE {}", all.join(" AND ")))
            }
        }
    }

    /// `id IN (…)` for `ids`, as one parameter (a JSON list), so that the
    /// statement's text does not change with their number.
    pub fn one_of(&mut self, ids: &[uuid::Uuid]) -> String {
        let listed = serde_json::Value::from(ids.iter().map(|id| id.simple().to_string()).collect::<Vec<_>>());
        let placeholder = self.bind(listed.to_string());
        match self.backend {
            // Ids are stored as their 16 bytes.
            Backend::Sqlite => format!("id IN (SELECT unhex(value) FROM json_each({placeholder}))"),
            Backend::Postgres => {
                format!("id IN (SELECT value::uuid FROM jsonb_array_elements_text({placeholder}::jsonb))")
            }
        }
    }

    /// The runs whose result or error holds `text`, in any case.
    pub fn text_exactly(&mut self, text: &str) -> String {
        let placeholder = self.bind(text.to_lowercase());
        let find = match self.backend {
            Backend::Postgres => "strpos",
            Backend::Sqlite => "instr",
        };
        format!("({find}(lower(result), {placeholder}) > 0 OR {find}(lower(error_message), {placeholder}) > 0)")
    }

    /// What the text index says may hold `text` (a superset of the exact match).
    fn text_candidates(&mut self, text: &str) -> String {
        match self.backend {
            Backend::Sqlite => {
                let phrase = self.bind(fts_phrase(text));
                format!("id IN (SELECT run_id FROM runs_text WHERE runs_text MATCH {phrase})")
            }
            Backend::Postgres => {
                let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let pattern = self.bind(format!("%{escaped}%"));
                format!("(coalesce(result, '') || E'\\n' || coalesce(error_message, '')) ILIKE {pattern}")
            }
        }
    }

    /// The value at the path equals the match's value, of the same JSON type.
    fn argument(&mut self, matched: &ArgumentMatch) -> String {
        if self.backend == Backend::Postgres {
            let placeholder = self.bind(matched.as_object().to_string());
            return format!("(arguments::jsonb) @> {placeholder}::jsonb");
        }
        let Some(path) = sqlite_path(&matched.path) else {
            return "1 = 0".to_owned();
        };
        match &matched.value {
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
        }
    }
}

/// `"text"`: an FTS5 phrase that matches `text` as it is (quotes doubled).
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Whether the text indexes can narrow a search for `text`: both index
/// trigrams, so shorter text reads every row the other filters leave.
pub fn indexable(text: &str) -> bool {
    text.chars().count() >= 3
}

/// `'$."customer"."id"'`: a JSON path as an SQL literal, for keys of letters,
/// digits, `_` and `-` only (the filter's rule; anything else is `None`).
pub fn sqlite_path(path: &[String]) -> Option<String> {
    if path.is_empty() || !path.iter().all(|key| types::is_argument_key(key)) {
        return None;
    }
    Some(format!("'$.{}'", path.iter().map(|key| format!("\"{key}\"")).collect::<Vec<_>>().join(".")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> RunQuery {
        RunQuery { limit: 50, ..RunQuery::default() }
    }

    #[test]
    fn a_user_is_two_index_walks_each_stopping_at_a_page() {
        let mut sql = Sql::new(Backend::Sqlite);
        let text = sql.list(&RunQuery { user: Some("ada".to_owned()), ..query() }, Text::Scan, "*", 51);
        assert!(text.contains("WHERE started_by_name = $2 "), "{text}");
        assert!(text.contains("WHERE run_as = $2 AND run_as <> started_by_name "), "{text}");
        assert_eq!(text.matches("LIMIT $1").count(), 3, "{text}");
        assert!(!text.contains(" OR "), "no OR for the planner to sort: {text}");
        let mut sql = Sql::new(Backend::Sqlite);
        let run_as = sql.list(&RunQuery { run_as: Some("batch".to_owned()), ..query() }, Text::Scan, "*", 51);
        assert!(run_as.contains("WHERE started_by_name = $2 AND run_as = $2 "), "{run_as}");
    }

    #[test]
    fn rare_states_and_origins_name_their_partial_index() {
        let mut sql = Sql::new(Backend::Sqlite);
        let failed = sql.list(&RunQuery { state: Some(RunState::Failure), ..query() }, Text::Scan, "*", 51);
        assert!(failed.contains("state IN ('failure', 'cancelled')"), "{failed}");
        let mut sql = Sql::new(Backend::Sqlite);
        let done = sql.list(&RunQuery { state: Some(RunState::Success), ..query() }, Text::Scan, "*", 51);
        assert!(!done.contains(" IN "), "{done}");
        let mut sql = Sql::new(Backend::Sqlite);
        let scheduled = sql.list(&RunQuery { origin: Some(Origin::Schedule), ..query() }, Text::Scan, "*", 51);
        assert!(scheduled.contains("origin NOT IN ('api', 'ui')"), "{scheduled}");
    }

    #[test]
    fn text_is_narrowed_by_the_index_only_from_three_characters() {
        let mut sql = Sql::new(Backend::Sqlite);
        let long = sql.list(&RunQuery { text: Some("Kaboom".to_owned()), ..query() }, Text::Indexed, "*", 51);
        assert!(long.contains("runs_text MATCH"), "{long}");
        assert_eq!(sql.values[1], Value::from("\"Kaboom\""));
        assert_eq!(sql.values[2], Value::from("kaboom"), "the exact match is lowered");
        let mut sql = Sql::new(Backend::Sqlite);
        let short = sql.list(&RunQuery { text: Some("ab".to_owned()), ..query() }, Text::Indexed, "*", 51);
        assert!(!short.contains("MATCH"), "{short}");
    }

    #[test]
    fn candidates_come_from_the_text_index_or_postgresqls_argument_index() {
        let text = RunQuery { text: Some("kaboom".to_owned()), ..query() };
        let argument = RunQuery {
            arguments: vec![ArgumentMatch { path: vec!["customer".to_owned()], value: 42.into() }],
            ..query()
        };
        let sqlite = |query: &RunQuery| Sql::new(Backend::Sqlite).candidate_ids(query, Text::Indexed);
        assert!(sqlite(&text).unwrap().contains("FROM runs_text WHERE runs_text MATCH $1"));
        assert_eq!(sqlite(&argument), None, "SQLite walks the argument's own index");
        let postgres = Sql::new(Backend::Postgres).candidate_ids(&argument, Text::Indexed).unwrap();
        assert!(postgres.contains("@> $1::jsonb"), "{postgres}");
        assert_eq!(Sql::new(Backend::Sqlite).candidate_ids(&text, Text::Scan), None, "no text index, no candidates");
        let short = RunQuery { text: Some("ab".to_owned()), ..query() };
        assert_eq!(sqlite(&short), None);
    }

    #[test]
    fn text_quotes_and_wildcards_are_taken_literally() {
        let mut sql = Sql::new(Backend::Sqlite);
        sql.list(&RunQuery { text: Some("say \"hi\"".to_owned()), ..query() }, Text::Indexed, "*", 51);
        assert_eq!(sql.values[1], Value::from("\"say \"\"hi\"\"\""));
        let mut sql = Sql::new(Backend::Postgres);
        sql.list(&RunQuery { text: Some("50%_off\\".to_owned()), ..query() }, Text::Indexed, "*", 51);
        assert_eq!(sql.values[1], Value::from("%50\\%\\_off\\\\%"));
    }
}
