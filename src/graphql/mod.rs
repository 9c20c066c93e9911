//! The GraphQL schema: roots, object types, loaders and Relay plumbing. Compiles without axum.

pub mod auth;
pub mod codes;
pub mod cost;
pub mod filter;
pub mod gateway;
pub mod introspection;
pub mod loaders;
pub mod mutation;
pub mod order;
pub mod persisted;
pub mod query;
pub mod relay;
pub mod search;
pub mod stats;
pub mod subscription;
pub mod text;
pub mod types;

use crate::config::{Introspection, Limits};
use crate::events::EventBus;
use crate::metrics::Metrics;
use async_graphql::Schema;
use gateway::Gateway;
use mutation::MutationRoot;
use persisted::{PersistedQueries, SchemaOptions};
use query::QueryRoot;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use subscription::{StreamSettings, SubscriptionRoot};

/// The Kizuna schema type.
pub type KizunaSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Builds the schema over a database connection, with the loaders, limits and event bus it needs,
/// introspection on and automatic persisted queries with the default cache.
pub fn build_schema(db: DatabaseConnection, limits: Limits, bus: EventBus) -> Gateway {
    build_schema_with(db, limits, bus, &SchemaOptions::default(), Arc::default())
}

/// [`build_schema`] with explicit introspection and persisted-query settings.
pub fn build_schema_with(
    db: DatabaseConnection,
    limits: Limits,
    bus: EventBus,
    options: &SchemaOptions,
    metrics: Arc<Metrics>,
) -> Gateway {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .data(limits)
    .data(StreamSettings {
        max_lag: limits.max_subscriber_lag,
    })
    .data(bus.clone())
    .data(db.clone());
    if options.introspection == Introspection::Disabled {
        // The gateway refuses introspection with an error first; this keeps it off regardless.
        builder = builder.disable_introspection();
    }
    let delay = std::time::Duration::from_millis(limits.batch_delay_ms);
    let schema = loaders::register(builder, &db, delay).finish();
    let read = options.read_model.then(|| {
        crate::read::ReadModel::new(db.clone(), bus.clone(), metrics.read_model_reloads.clone())
    });
    Gateway::new(
        schema,
        limits,
        PersistedQueries::new(&options.persisted),
        options.introspection,
        metrics,
        read,
    )
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
