//! Tests of parsing and importing: the shipped dataset, re-imports, and broken files.

mod importing;
mod parsing;

use super::*;
use migration::MigratorTrait;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) async fn empty_db() -> DatabaseConnection {
    // One connection: every connection to `sqlite::memory:` opens a database of its own.
    let mut options = ConnectOptions::new("sqlite::memory:");
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    let db = Database::connect(options).await.expect("in-memory SQLite");
    migration::Migrator::up(&db, None)
        .await
        .expect("migrations");
    db
}

pub(super) async fn query(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .expect(sql)
}

/// Row count of every table the migrations created. The FTS5 index and its shadow tables are
/// left out: they are SQLite's bookkeeping (an empty index already has rows), and what they
/// index is `search_documents`, which is counted.
pub(super) async fn row_counts(db: &DatabaseConnection) -> BTreeMap<String, i64> {
    let tables = query(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' AND name <> 'event_log_head' \
         AND name NOT LIKE 'search_documents_fts%'",
    )
    .await;
    let mut counts = BTreeMap::new();
    for table in tables {
        let name: String = table.try_get("", "name").expect("table name");
        counts.insert(
            name.clone(),
            count(db, &format!("SELECT COUNT(*) AS n FROM \"{name}\"")).await,
        );
    }
    counts
}

pub(super) async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let rows = query(db, sql).await;
    rows.first()
        .expect("one row")
        .try_get("", "n")
        .expect("count")
}

pub(super) fn shipped() -> Dataset {
    parse(SHIPPED_DATASET).expect("the shipped dataset is valid")
}

pub(super) fn shipped_json() -> Value {
    serde_json::from_str(SHIPPED_DATASET).expect("the shipped dataset is JSON")
}

/// The entry of `collection` with `id`, and its index.
pub(super) fn entry<'a>(json: &'a mut Value, collection: &str, id: &str) -> (usize, &'a mut Value) {
    json[collection]
        .as_array_mut()
        .expect("collection")
        .iter_mut()
        .enumerate()
        .find(|(_, entry)| entry["id"] == id)
        .expect("entry")
}

pub(super) fn rejection(json: &Value) -> String {
    parse(&json.to_string())
        .expect_err("the file must be rejected")
        .to_string()
}
