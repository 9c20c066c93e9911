//! The GraphQL schema: roots, object types, loaders and Relay plumbing. Compiles without axum.

pub mod auth;
pub mod filter;
pub mod loaders;
pub mod mutation;
pub mod order;
pub mod query;
pub mod relay;
pub mod search;
pub mod stats;
pub mod subscription;
pub mod types;

use crate::config::Limits;
use crate::events::EventBus;
use async_graphql::Schema;
use mutation::MutationRoot;
use query::QueryRoot;
use sea_orm::DatabaseConnection;
use subscription::{StreamSettings, SubscriptionRoot};

/// The Kizuna schema type.
pub type KizunaSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Builds the schema over a database connection, with the loaders, limits and event bus it needs.
pub fn build_schema(db: DatabaseConnection, limits: Limits, bus: EventBus) -> KizunaSchema {
    let builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .data(limits)
    .data(StreamSettings {
        max_lag: limits.max_subscriber_lag,
    })
    .data(bus)
    .data(db.clone());
    let delay = std::time::Duration::from_millis(limits.batch_delay_ms);
    loaders::register(builder, &db, delay).finish()
}

/// The schema in SDL, as `kizuna export-schema` prints it and `schema.graphql` stores it.
pub fn schema_sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .finish()
    .sdl()
}
