//! Schema migrations for Kizuna. Every migration runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20251001_000001_create_schema;
mod m20251127_000002_create_search;
mod m20251127_000003_create_query_indexes;

/// Every table of the domain model, parents before children. The search index's tables are not
/// among them: they hold only what the server derives from these.
pub use m20251001_000001_create_schema::TABLES;

/// The table of full-text search documents, one row per searchable object.
pub use m20251127_000002_create_search::SEARCH_TABLE;

/// Applies Kizuna's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20251001_000001_create_schema::Migration),
            Box::new(m20251127_000002_create_search::Migration),
            Box::new(m20251127_000003_create_query_indexes::Migration),
        ]
    }
}
