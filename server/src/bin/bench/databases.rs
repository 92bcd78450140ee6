//! The fresh databases each figure runs on: an SQLite file in the temporary
//! folder, or a database of its own on the PostgreSQL server.

/// A fresh database of `kind`; returns its URL and what removes it.
pub async fn fresh_database(kind: &str, postgres: &str) -> Result<(String, Option<String>), String> {
    use sqlx::{Connection, Executor};
    let name = format!("ts_bench_{}", uuid::Uuid::new_v4().simple());
    match kind {
        "sqlite" => Ok((format!("sqlite://{}/{name}.db", std::env::temp_dir().display()), None)),
        "postgres" => {
            let mut connection =
                sqlx::PgConnection::connect(postgres).await.map_err(|error| format!("{postgres}: {error}"))?;
            connection
                .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))))
                .await
                .map_err(|error| error.to_string())?;
            let base = &postgres[..=postgres.rfind('/').ok_or("the PostgreSQL URL ends with /DATABASE")?];
            Ok((format!("{base}{name}"), Some(name)))
        }
        other => Err(format!("unknown database {other}: use sqlite or postgres")),
    }
}

pub async fn drop_database(postgres: &str, name: Option<String>, url: &str) {
    use sqlx::{Connection, Executor};
    if let Some(name) = name {
        if let Ok(mut connection) = sqlx::PgConnection::connect(postgres).await {
            let _ = connection
                .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))))
                .await;
        }
    } else {
        let path = url.trim_start_matches("sqlite://");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
}
