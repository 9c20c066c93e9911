//! `AppState`: the runtime objects every layer shares. Cheap to clone; no globals.

use crate::config::{Limits, Traffic};
use crate::events::{EventBus, spawn_postgres_listener};
use crate::graphql::build_schema_with;
use crate::graphql::gateway::Gateway;
use crate::graphql::persisted::SchemaOptions;
use crate::http::cache::ResponseCache;
use crate::http::limits::{RateLimits, RateSettings, WsConnections};
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

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
    /// Origins allowed to call the API from a browser (CORS); none by default.
    pub cors_origins: Vec<String>,
    /// Request time, rate and WebSocket limits.
    pub traffic: Traffic,
    /// Bytes the response cache may hold; 0 turns it off.
    pub response_cache_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            cors_origins: Vec::new(),
            traffic: Traffic::default(),
            response_cache_bytes: 0,
        }
    }
}

/// The live state of the traffic limits: buckets and open WebSocket connections.
pub struct Guards {
    pub rates: RateLimits,
    pub websockets: Arc<WsConnections>,
    pub cache: Option<ResponseCache>,
}

impl Guards {
    fn new(http: &HttpSettings, metrics: &Metrics) -> Self {
        let traffic = &http.traffic;
        Self {
            cache: ResponseCache::new(
                http.response_cache_bytes,
                metrics.cache_hits.clone(),
                metrics.cache_misses.clone(),
            ),
            rates: RateLimits::new(&RateSettings {
                per_ip: traffic.rate_limit_ip,
                per_token: traffic.rate_limit_token,
                burst: traffic.rate_limit_burst,
            }),
            websockets: WsConnections::new(traffic.max_ws_per_ip),
        }
    }
}

/// Shared state of one running app.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: Gateway,
    pub metrics: Arc<Metrics>,
    pub events: EventBus,
    pub access: Access,
    pub http: HttpSettings,
    pub guards: Arc<Guards>,
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
    /// The same state with other HTTP settings.
    pub fn with_http(self, http: HttpSettings) -> Self {
        let guards = Arc::new(Guards::new(&http, &self.metrics));
        Self {
            http,
            guards,
            ..self
        }
    }

    /// Builds the state over an open, migrated database whose statements `metrics` counts, and
    /// starts following the event log (LISTEN on PostgreSQL).
    pub async fn build(
        db: DatabaseConnection,
        metrics: Arc<Metrics>,
        limits: Limits,
        access: Access,
    ) -> Result<Self, DbErr> {
        Self::build_with(db, metrics, limits, access, &SchemaOptions::default()).await
    }

    /// [`AppState::build`] with explicit introspection and persisted-query settings.
    pub async fn build_with(
        db: DatabaseConnection,
        metrics: Arc<Metrics>,
        limits: Limits,
        access: Access,
        options: &SchemaOptions,
    ) -> Result<Self, DbErr> {
        let events = EventBus::new(crate::db::log::head(&db).await?);
        let listener = spawn_postgres_listener(db.clone(), events.clone());
        let schema =
            build_schema_with(db.clone(), limits, events.clone(), options, metrics.clone());
        let guards = Arc::new(Guards::new(&HttpSettings::default(), &metrics));
        Ok(Self {
            db,
            schema,
            metrics,
            events,
            access,
            guards,
            http: HttpSettings::default(),
            _listener: Arc::new(ListenerGuard(listener)),
        })
    }
}
