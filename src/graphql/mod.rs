//! The GraphQL schema: roots, object types, loaders and Relay plumbing. Compiles without axum.

pub mod loaders;
pub mod query;
pub mod relay;
pub mod types;

use crate::config::Limits;
use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

/// The Kizuna schema type.
pub type KizunaSchema = Schema<query::QueryRoot, EmptyMutation, EmptySubscription>;

/// Builds the schema over a database connection, with the loaders and limits it needs.
pub fn build_schema(db: DatabaseConnection, limits: Limits) -> KizunaSchema {
    let builder = Schema::build(query::QueryRoot, EmptyMutation, EmptySubscription)
        .data(limits)
        .data(db.clone());
    let delay = std::time::Duration::from_millis(limits.batch_delay_ms);
    loaders::register(builder, &db, delay).finish()
}

/// The schema in SDL, as `kizuna export-schema` prints it and `schema.graphql` stores it.
pub fn schema_sdl() -> String {
    let schema = Schema::build(query::QueryRoot, EmptyMutation, EmptySubscription).finish();
    schema.sdl()
}
