//! Schema migrations for Kizuna. Every migration runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20251001_000001_create_schema;
mod m20251127_000003_create_query_indexes;

/// Every table the migrations create, parents before children.
pub use m20251001_000001_create_schema::TABLES;

/// Applies Kizuna's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20251001_000001_create_schema::Migration),
            Box::new(m20251127_000003_create_query_indexes::Migration),
        ]
    }
}
