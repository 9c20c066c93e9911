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
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::{TaskTracker, task_tracker::TaskTrackerToken};

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

/// The stop signal of one running server, for the connections that outlive a request.
///
/// Axum's graceful shutdown waits for in-flight HTTP requests, but an upgraded WebSocket is no
/// longer a request it tracks, and a Server-Sent Events stream never ends by itself: without a
/// signal the first would be cut without a close frame and the second would hold shutdown
/// forever. They watch [`Shutdown::stopping`], say goodbye, and hold a [`Shutdown::session`]
/// guard so the server can wait for the goodbyes to be written.
#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    stop: CancellationToken,
    sessions: TaskTracker,
}

impl Shutdown {
    /// Starts the shutdown: every long-lived connection is told to close.
    pub fn begin(&self) {
        self.stop.cancel();
    }

    /// Resolves once shutdown has begun.
    pub async fn stopping(&self) {
        self.stop.cancelled().await;
    }

    /// Counts a long-lived connection as open until the guard is dropped.
    pub fn session(&self) -> TaskTrackerToken {
        self.sessions.token()
    }

    /// Waits until every session guard is dropped, or `patience` has passed (a client that
    /// never reads its close frame cannot hold the process). True when all closed in time.
    pub async fn drained(&self, patience: Duration) -> bool {
        self.sessions.close();
        tokio::time::timeout(patience, self.sessions.wait())
            .await
            .is_ok()
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
    /// Tells long-lived connections that the server is stopping.
    pub shutdown: Shutdown,
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
    /// The same state answering to another stop signal.
    pub fn with_shutdown(self, shutdown: Shutdown) -> Self {
        Self { shutdown, ..self }
    }

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
        schema.preload().await;
        let guards = Arc::new(Guards::new(&HttpSettings::default(), &metrics));
        Ok(Self {
            db,
            schema,
            metrics,
            events,
            access,
            guards,
            http: HttpSettings::default(),
            shutdown: Shutdown::default(),
            _listener: Arc::new(ListenerGuard(listener)),
        })
    }
}
