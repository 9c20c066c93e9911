//! Prometheus metrics owned by one running app (no process globals, so every test app counts
//! only its own statements).
//!
//! Operation names are chosen by clients, so they are recorded for the first
//! [`MAX_OPERATION_NAMES`] distinct names only; later ones count under `other`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// Distinct operation names given their own series.
pub const MAX_OPERATION_NAMES: usize = 200;

/// Labels of a GraphQL operation series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    /// The operation's name, `anonymous`, or `other` past the cap.
    pub operation: String,
    /// `query`, `mutation`, `subscription`, or `unknown` when the document did not parse.
    pub kind: String,
}

/// Labels of the error counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CodeLabels {
    pub code: String,
}

/// The app's metrics and the registry that renders them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// SQL statements sent to the database, counted by sea-orm's metric callback.
    pub db_statements: Counter,
    operations: Family<OperationLabels, Counter>,
    durations: Family<OperationLabels, Histogram>,
    errors: Family<CodeLabels, Counter>,
    /// Subscriptions currently streaming.
    pub live_subscriptions: Gauge,
    pool_size: Gauge,
    pool_idle: Gauge,
    /// Requests answered from the response cache.
    pub cache_hits: Counter,
    /// Cacheable requests the response cache did not hold.
    pub cache_misses: Counter,
    /// Queries answered by a read-model plan.
    pub read_model_answers: Counter,
    /// Snapshots the read model has loaded.
    pub read_model_reloads: Counter,
    names: Mutex<HashSet<String>>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let db_statements = Counter::default();
        registry.register(
            "kizuna_db_statements",
            "SQL statements sent to the database",
            db_statements.clone(),
        );
        let operations = Family::<OperationLabels, Counter>::default();
        registry.register(
            "kizuna_graphql_operations",
            "GraphQL operations executed, by operation name and kind",
            operations.clone(),
        );
        let durations = Family::<OperationLabels, Histogram>::new_with_constructor(|| {
            // 0.25 ms to about 16 s.
            Histogram::new(exponential_buckets(0.000_25, 2.0, 17))
        });
        registry.register(
            "kizuna_graphql_operation_duration_seconds",
            "Time from receiving a GraphQL request to its response, by operation name and kind",
            durations.clone(),
        );
        let errors = Family::<CodeLabels, Counter>::default();
        registry.register(
            "kizuna_graphql_errors",
            "Errors returned to clients, by extensions.code (includes refusals before execution)",
            errors.clone(),
        );
        let live_subscriptions = Gauge::default();
        registry.register(
            "kizuna_live_subscriptions",
            "Subscriptions currently streaming",
            live_subscriptions.clone(),
        );
        let pool_size = Gauge::default();
        registry.register(
            "kizuna_db_pool_connections",
            "Connections open in the database pool",
            pool_size.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "kizuna_db_pool_idle_connections",
            "Idle connections in the database pool",
            pool_idle.clone(),
        );
        let cache_hits = Counter::default();
        registry.register(
            "kizuna_response_cache_hits",
            "Requests answered from the response cache",
            cache_hits.clone(),
        );
        let cache_misses = Counter::default();
        registry.register(
            "kizuna_response_cache_misses",
            "Cacheable requests executed because the response cache did not hold them",
            cache_misses.clone(),
        );
        let read_model_answers = Counter::default();
        registry.register(
            "kizuna_read_model_answers",
            "Queries answered by a compiled plan from the in-memory read model (no SQL)",
            read_model_answers.clone(),
        );
        let read_model_reloads = Counter::default();
        registry.register(
            "kizuna_read_model_reloads",
            "Snapshots of the core graph the read model has loaded (one after each write that a reader saw)",
            read_model_reloads.clone(),
        );
        Self {
            registry,
            db_statements,
            cache_hits,
            cache_misses,
            read_model_answers,
            read_model_reloads,
            operations,
            durations,
            errors,
            live_subscriptions,
            pool_size,
            pool_idle,
            names: Mutex::new(HashSet::new()),
        }
    }
}

impl Metrics {
    /// The metrics in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    /// Records one executed operation: its latency and the codes of its errors.
    pub fn record_operation<'a>(
        &self,
        name: Option<&str>,
        kind: &str,
        elapsed: Duration,
        error_codes: impl IntoIterator<Item = &'a str>,
    ) {
        let labels = OperationLabels {
            operation: self.series_name(name),
            kind: kind.to_owned(),
        };
        self.operations.get_or_create(&labels).inc();
        self.durations
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
        for code in error_codes {
            self.record_error(code);
        }
    }

    /// Counts an error answered to a client, by code; codes that are not ours (upper-case
    /// words) count as `OTHER`, so no client text becomes a label.
    pub fn record_error(&self, code: &str) {
        let ours = !code.is_empty()
            && code.len() <= 40
            && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
        let code = if ours { code } else { "OTHER" };
        self.errors
            .get_or_create(&CodeLabels {
                code: code.to_owned(),
            })
            .inc();
    }

    /// A request refused by a rate or connection limit.
    pub fn record_rate_limited(&self) {
        self.record_error("RATE_LIMITED");
    }

    /// A request cancelled at the request timeout.
    pub fn record_timeout(&self) {
        self.record_error("TIMEOUT");
    }

    /// The pool's size and idle connections, read just before rendering.
    pub fn observe_pool(&self, size: u32, idle: u32) {
        self.pool_size.set(i64::from(size));
        self.pool_idle.set(i64::from(idle));
    }

    fn series_name(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".to_owned();
        };
        let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        if names.contains(name) {
            return name.to_owned();
        }
        if names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_counter_is_rendered_as_a_total() {
        let metrics = Metrics::default();
        metrics.db_statements.inc_by(3);
        let text = metrics.render();
        assert!(text.contains("kizuna_db_statements_total 3"), "{text}");
    }

    #[test]
    fn operations_are_counted_by_name_with_latency_and_error_codes() {
        let metrics = Metrics::default();
        let ms = Duration::from_millis(3);
        metrics.record_operation(Some("Directions"), "query", ms, []);
        metrics.record_operation(Some("Directions"), "query", ms, ["NOT_FOUND"]);
        metrics.record_operation(None, "mutation", ms, ["bad code!"]);
        let text = metrics.render();
        assert!(
            text.contains(
                r#"kizuna_graphql_operations_total{operation="Directions",kind="query"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"kizuna_graphql_operation_duration_seconds_count{operation="Directions",kind="query"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"kizuna_graphql_errors_total{code="NOT_FOUND"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"kizuna_graphql_errors_total{code="OTHER"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"operation="anonymous",kind="mutation""#),
            "{text}"
        );
    }

    #[test]
    fn client_chosen_names_cannot_grow_the_series_without_bound() {
        let metrics = Metrics::default();
        for i in 0..MAX_OPERATION_NAMES + 50 {
            metrics.record_operation(Some(&format!("Op{i}")), "query", Duration::ZERO, []);
        }
        let text = metrics.render();
        assert!(text.contains(r#"operation="other""#), "{text}");
        let series = text
            .lines()
            .filter(|l| l.starts_with("kizuna_graphql_operations_total{"))
            .count();
        assert_eq!(series, MAX_OPERATION_NAMES + 1);
    }
}
