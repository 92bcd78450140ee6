//! SQLite's write-ahead log is copied back into the database file by the
//! background checkpoints, between writes: it stays about one burst of
//! writes long although the writer no longer checkpoints it itself.

use crate::common::{Database, TestDb};
use sea_orm::ConnectionTrait;
use std::time::Duration;

/// Bytes written by one burst of writes.
const BURST_BYTES: usize = 2 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_between_bursts_of_writes() {
    let test = TestDb::new(Database::Sqlite).await;
    test.db.write.execute_unprepared("CREATE TABLE scratch (payload BLOB NOT NULL)").await.unwrap();
    let wal = format!("{}-wal", test.url.trim_start_matches("sqlite://"));
    let mut longest = 0;
    for _ in 0..8 {
        let rows = BURST_BYTES / 4000;
        let insert = format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) \
             INSERT INTO scratch (payload) SELECT randomblob(4000) FROM n"
        );
        test.db.write.execute_unprepared(&insert).await.unwrap();
        longest = longest.max(std::fs::metadata(&wal).map_or(0, |metadata| metadata.len()));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Eight bursts are 16 MiB; the writer alone would checkpoint only past 40 MiB.
    let limit = u64::try_from(BURST_BYTES * 3 / 2).unwrap();
    assert!(longest <= limit, "the WAL grew to {longest} bytes over 8 bursts of {BURST_BYTES}");
}
