//! Prometheus metrics owned by one running app (no process globals, so every test app counts
//! only its own statements).

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::registry::Registry;

/// The app's metrics and the registry that renders them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// SQL statements sent to the database, counted by sea-orm's metric callback.
    pub db_statements: Counter,
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
        Self {
            registry,
            db_statements,
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
}
