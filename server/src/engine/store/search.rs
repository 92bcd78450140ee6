//! Searching runs across tasks: by state, task, who, as whom, origin, time
//! range, values inside the arguments and text in the result or error,
//! newest first a page at a time (keyset paging on `(created_at, id)`), and
//! the ids a search selects (for bulk actions).
//!
//! Every filtered search runs on the database's search connections
//! (`db::SearchPool`) with a deadline: a search that would read too many
//! rows stops there with [`StoreError::SearchTooSlow`], and the engine's
//! own connections are never waiting behind it. Each filter has an index
//! (see `sql`); SQLite argument paths are indexed only as configured in
//! `search.indexed_arguments`, and other paths read each row the other
//! filters leave.

mod sql;

use super::convert;
use super::error::StoreError;
use crate::db::entities::runs;
use crate::db::{Backend, Db, Search, SearchPoolError, statement};
use sea_orm::{ConnectionTrait, EntityTrait};
use sql::{NEWEST_FIRST, Sql, Text};
use std::time::Duration;
use types::{ArgumentMatch, Origin, Run, RunId, RunState};
use uuid::Uuid;

pub use sql::sqlite_path;

/// The newest runs a text search looks at first, before it asks the text
/// index: a common word fills a page from them at once, and the index then
/// only serves words too rare to, which it finds fast.
const TEXT_WINDOW: u64 = 5000;
/// The most runs an index may name as candidates for them to be sorted
/// alone (see `search_rows`).
const CANDIDATES: u64 = 5000;

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
    /// Runs of any origin but this one.
    pub not_origin: Option<Origin>,
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

impl RunQuery {
    /// Whether nothing but paging narrows the list: a walk of the newest-first
    /// index, which needs no search connection.
    pub fn is_unfiltered(&self) -> bool {
        *self == RunQuery { before: self.before, limit: self.limit, ..RunQuery::default() }
    }
}

/// A page of runs across tasks, newest first, and where the next page
/// starts; a filtered search stops after `timeout`.
pub async fn list_runs(
    db: &Db,
    query: &RunQuery,
    timeout: Duration,
) -> Result<(Vec<Run>, Option<(i64, Uuid)>), StoreError> {
    let page = u64::from(query.limit) + 1;
    let mut rows = if query.is_unfiltered() {
        let mut sql = Sql::new(db.backend);
        let text = sql.list(query, Text::Scan, "*", page);
        rows(db, &db.read, sql, &text).await?
    } else {
        let search = begin(db, timeout).await?;
        let found = search_rows(db, &search, query, page).await;
        found.map_err(|error| bounded(error, timeout))?
    };
    let limit = query.limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(|last| (last.created_at, last.id)) } else { None };
    Ok((rows.into_iter().map(convert::run).collect::<Result<_, _>>()?, next))
}

/// The ids of the runs `query` matches (its paging ignored), newest first,
/// at most `at_most`; stops after `timeout`.
pub async fn run_ids(db: &Db, query: &RunQuery, at_most: u64, timeout: Duration) -> Result<Vec<RunId>, StoreError> {
    let unpaged = RunQuery { before: None, ..query.clone() };
    let search = begin(db, timeout).await?;
    let mut sql = Sql::new(db.backend);
    let text = sql.list(&unpaged, text_mode(db), "id", at_most);
    let found = search.query_all_raw(statement(db.backend, &text, sql.values)).await;
    let rows = found.map_err(|error| bounded(StoreError::from(error), timeout))?;
    rows.iter().map(|row| Ok(RunId(row.try_get::<Uuid>("", "id")?))).collect()
}

/// The rows of a filtered search, found the cheapest way that is sure:
/// 1. text: among the newest runs first (a common word fills the page);
/// 2. when a text or argument index says few runs may match (at most
///    [`CANDIDATES`]), those alone, sorted: the planner cannot then walk
///    the newest-first index through a million rows for a value it
///    guessed common;
/// 3. else the whole query as it is (a common value is found walking the
///    newest runs).
async fn search_rows(
    db: &Db,
    search: &Search<'_>,
    query: &RunQuery,
    page: u64,
) -> Result<Vec<runs::Model>, StoreError> {
    let mode = text_mode(db);
    if let Some(text) = query.text.as_deref().filter(|text| mode == Text::Indexed && sql::indexable(text)) {
        let mut sql = Sql::new(db.backend);
        let others = RunQuery { text: None, ..query.clone() };
        let window = sql.list(&others, Text::Scan, "*", TEXT_WINDOW);
        let exactly = sql.text_exactly(text);
        let limit = sql.bind(i64::try_from(page).unwrap_or(i64::MAX));
        let recent = format!("SELECT * FROM ({window}) AS recent WHERE {exactly} {NEWEST_FIRST} LIMIT {limit}");
        let found = rows(db, &**search, sql, &recent).await?;
        if found.len() as u64 == page {
            return Ok(found);
        }
    }
    if let Some(found) = among_candidates(db, search, query, mode, page).await? {
        return Ok(found);
    }
    let mut sql = Sql::new(db.backend);
    let list = sql.list(query, mode, "*", page);
    rows(db, &**search, sql, &list).await
}

/// The page from the runs an index names as candidates, when there are
/// few enough of them; `None` when no index names any, or too many. The
/// index is asked once: its ids go back into the page's statement.
async fn among_candidates(
    db: &Db,
    search: &Search<'_>,
    query: &RunQuery,
    mode: Text,
    page: u64,
) -> Result<Option<Vec<runs::Model>>, StoreError> {
    let mut sql = Sql::new(db.backend);
    let Some(ids) = sql.candidate_ids(query, mode) else { return Ok(None) };
    let cap = sql.bind(i64::try_from(CANDIDATES + 1).unwrap_or(i64::MAX));
    let named = search.query_all_raw(statement(db.backend, &format!("{ids} LIMIT {cap}"), sql.values)).await?;
    if named.len() as u64 > CANDIDATES {
        return Ok(None);
    }
    if named.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let ids = named.iter().map(|row| row.try_get::<Uuid>("", "id")).collect::<Result<Vec<_>, _>>()?;
    // Each candidate is still checked exactly by the page's conditions.
    let mut sql = Sql::new(db.backend);
    sql.within = Some(sql.one_of(&ids));
    let list = sql.list(query, Text::Scan, "*", page);
    Ok(Some(rows(db, &**search, sql, &list).await?))
}

/// Whether this database has a text index to narrow text searches with.
fn text_mode(db: &Db) -> Text {
    if db.has_text_index() { Text::Indexed } else { Text::Scan }
}

async fn rows(
    db: &Db,
    connection: &impl ConnectionTrait,
    sql: Sql,
    text: &str,
) -> Result<Vec<runs::Model>, StoreError> {
    Ok(runs::Entity::find().from_raw_sql(statement(db.backend, text, sql.values)).all(connection).await?)
}

/// A search connection within `timeout`.
async fn begin(db: &Db, timeout: Duration) -> Result<Search<'_>, StoreError> {
    db.search.begin(timeout).await.map_err(|error| match error {
        SearchPoolError::Busy => StoreError::SearchBusy,
        SearchPoolError::Database(error) => bounded(error.into(), timeout),
    })
}

/// `error`, or [`StoreError::SearchTooSlow`] when it is the deadline that stopped the statement.
fn bounded(error: StoreError, timeout: Duration) -> StoreError {
    if error.is_interrupted() { StoreError::SearchTooSlow(timeout) } else { error }
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
