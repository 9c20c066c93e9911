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

/// How the pool is sized and how long one statement may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// PostgreSQL's `statement_timeout` on every connection: the server cancels a statement
    /// running longer (the request timeout, so a cancelled request's work stops too).
    pub statement_timeout: Option<Duration>,
}

impl From<u32> for PoolSettings {
    fn from(max_connections: u32) -> Self {
        Self {
            max_connections,
            statement_timeout: None,
        }
    }
}

/// Opens a pool on `url` and counts every statement it sends in `metrics`.
///
/// SQLite gets foreign keys (sqlx's default) and WAL; an in-memory SQLite database lives only as
/// long as its connections, so it gets one connection that never idles out.
pub async fn connect(
    url: &str,
    pool: impl Into<PoolSettings>,
    metrics: Arc<Metrics>,
) -> Result<DatabaseConnection, DbErr> {
    let pool = pool.into();
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(pool.max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    if let Some(timeout) = pool.statement_timeout {
        // Only PostgreSQL knows the setting; sea-orm applies it to PostgreSQL pools alone.
        options.statement_timeout(timeout);
    }
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

/// Connections open in the pool and how many of them are idle.
pub fn pool_usage(db: &DatabaseConnection) -> (u32, u32) {
    use sea_orm::DatabaseConnectionType as Kind;
    let (size, idle) = match &db.inner {
        Kind::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        Kind::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    };
    (size, u32::try_from(idle).unwrap_or(u32::MAX))
}

/// Checks the database answers (readiness).
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
