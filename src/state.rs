//! `AppState`: the runtime objects every layer shares. Cheap to clone; no globals.

use crate::config::Limits;
use crate::events::{EventBus, spawn_postgres_listener};
use crate::graphql::{KizunaSchema, build_schema};
use crate::metrics::Metrics;
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;
use tokio::task::JoinHandle;

/// Who may read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Access {
    /// When true, queries and subscriptions need a token too (any role).
    pub require_token_for_reads: bool,
}

/// Shared state of one running app.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: KizunaSchema,
    pub metrics: Arc<Metrics>,
    pub events: EventBus,
    pub access: Access,
    _listener: Arc<ListenerGuard>,
}

/// Stops the PostgreSQL listener task when the last clone of the state is dropped, so test apps
/// do not leave listeners behind.
struct ListenerGuard(Option<JoinHandle<()>>);

impl Drop for ListenerGuard {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}

impl AppState {
    /// Builds the state over an open, migrated database whose statements `metrics` counts, and
    /// starts following the event log (LISTEN on PostgreSQL).
    pub async fn build(
        db: DatabaseConnection,
        metrics: Arc<Metrics>,
        limits: Limits,
        access: Access,
    ) -> Result<Self, DbErr> {
        let events = EventBus::new(crate::db::log::head(&db).await?);
        let listener = spawn_postgres_listener(db.clone(), events.clone());
        let schema = build_schema(db.clone(), limits, events.clone());
        Ok(Self {
            db,
            schema,
            metrics,
            events,
            access,
            _listener: Arc::new(ListenerGuard(listener)),
        })
    }
}
