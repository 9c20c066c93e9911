//! Database access: connecting, migrating, and the set-based queries the GraphQL loaders use.
//! Nothing here knows about GraphQL or HTTP.

pub mod log;
pub mod lookup;
pub mod page;
pub mod query;
pub mod search;
pub mod stats;

use crate::metrics::Metrics;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use std::sync::Arc;
use std::time::Duration;

/// Opens a pool on `url` and counts every statement it sends in `metrics`.
///
/// SQLite gets foreign keys (sqlx's default) and WAL; an in-memory SQLite database lives only as
/// long as its connections, so it gets one connection that never idles out.
pub async fn connect(
    url: &str,
    max_connections: u32,
    metrics: Arc<Metrics>,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if in_memory {
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
    }
    let mut db = Database::connect(options).await?;
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite && !in_memory {
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    db.set_metric_callback(move |_info| {
        metrics.db_statements.inc();
    });
    Ok(db)
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// True when the database holds no directions yet, i.e. was never loaded.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(entity::directions::Entity::find().count(db).await? == 0)
}

/// Checks the database answers (readiness).
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
