//! At rest, every idle SQLite connection gives its page cache back
//! (`Db::release_memory`, which `serve` calls after each burst); on
//! PostgreSQL there is nothing to give back.

use crate::common::{Database, TestDb};
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sqlite_connections_give_their_page_caches_back() {
    let test = TestDb::new(Database::Sqlite).await;
    test.db.write.execute_unprepared("CREATE TABLE scratch (payload BLOB NOT NULL)").await.unwrap();
    test.db
        .write
        .execute_unprepared(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) \
             INSERT INTO scratch (payload) SELECT randomblob(4000) FROM n",
        )
        .await
        .unwrap();
    // Three readers at once, each filling its own cache with the table.
    let read = || {
        let statement =
            Statement::from_string(test.db.read.get_database_backend(), "SELECT sum(length(payload)) FROM scratch");
        test.db.read.query_one_raw(statement)
    };
    let (first, second, third) = tokio::join!(read(), read(), read());
    for answer in [first, second, third] {
        assert!(answer.unwrap().is_some());
    }
    let readers = test.db.read.get_sqlite_connection_pool().size() as usize;
    assert!(readers >= 2, "the reads ran on {readers} connections");
    // The writer, the checkpointer and the readers back in their pool.
    let shrunk = test.db.release_memory().await;
    assert!((3..=2 + readers).contains(&shrunk), "{shrunk} connections shrunk, of {}", 2 + readers);
    // Nothing is lost: the connections still answer.
    let statement = Statement::from_string(test.db.read.get_database_backend(), "SELECT count(*) FROM scratch");
    assert!(test.db.read.query_one_raw(statement).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_has_nothing_to_give_back() {
    let test = TestDb::new(Database::Postgres).await;
    assert_eq!(test.db.release_memory().await, 0);
}
