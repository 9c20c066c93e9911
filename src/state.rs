//! `AppState`: the runtime objects every layer shares. Cheap to clone; no globals.

use crate::config::Limits;
use crate::graphql::{KizunaSchema, build_schema};
use crate::metrics::Metrics;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared state of one running app.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: KizunaSchema,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// Builds the state over an open (and migrated) database whose statements `metrics` counts.
    pub fn new(db: DatabaseConnection, metrics: Arc<Metrics>, limits: Limits) -> Self {
        let schema = build_schema(db.clone(), limits);
        Self {
            db,
            schema,
            metrics,
        }
    }
}
