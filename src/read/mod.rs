//! The read model: the core graph held in memory and queries compiled into plans that walk it.
//!
//! A cold request through async-graphql spends most of its time outside the data: a future per
//! field, a `Value` tree per answer, a DataLoader round per level, SQL text and row decoding
//! (BENCHMARKS.md has the profile). This small graph fits in memory many times over, so the
//! read model keeps all of it there and answers the queries it covers by walking it and writing
//! JSON directly.
//!
//! Correctness rests on the event-log head, as for the response cache: the snapshot is labelled
//! with the head it was read at and is used only while that is still the head this instance
//! knows (`EventBus`, which on PostgreSQL follows other instances through LISTEN/NOTIFY). The
//! first request to see a newer head starts a reload (one at a time), and the requests that
//! find the snapshot old wait for it; no request sees data older than the head. Nothing is
//! reloaded while nobody reads, so a run of writes costs no reloads.
//!
//! A document gets a plan only after async-graphql has run it once without errors (which
//! validated it); plans are cached by document text and operation name.

pub mod graph;
pub mod plan;

use crate::events::EventBus;
use async_graphql::parser::types::ExecutableDocument;
use graph::Graph;
use plan::Plan;
use prometheus_client::metrics::counter::Counter;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// Documents whose plans (or whose lack of one) are remembered; the map is emptied when full.
const MAX_PLANS: usize = 1024;
/// Documents longer than this are not remembered: they take the ordinary path every time.
const MAX_PLAN_TEXT: usize = 64 * 1024;
/// Document text the plan cache may hold in all; it is emptied when a new one would pass it.
/// (Unsupported documents are remembered before they run, so a client could otherwise fill
/// the map with large ones.)
const MAX_PLAN_BYTES: usize = 8 * 1024 * 1024;

/// A validated document and its plan.
pub struct Planned {
    pub plan: Plan,
    /// The parsed document, for the checks that depend on variables (cost, NUL), so that a
    /// planned request is not parsed again.
    pub document: ExecutableDocument,
    /// The operation's name, for the metrics.
    pub name: Option<String>,
}

/// What is known of a document.
#[derive(Clone)]
pub enum Known {
    /// Compiled and validated: runs from the snapshot.
    Plan(Arc<Planned>),
    /// Outside what plans cover: always runs through async-graphql.
    Unsupported,
}

/// The snapshot, its reloading and the plan cache.
pub struct ReadModel {
    db: DatabaseConnection,
    bus: EventBus,
    reloads: Counter,
    graph: watch::Sender<Option<Arc<Graph>>>,
    loading: AtomicBool,
    plans: Mutex<Plans>,
}

/// What is known of each document, by text, then by operation name; bounded in count and bytes.
#[derive(Default)]
struct Plans {
    by_text: HashMap<String, Vec<(Option<String>, Known)>>,
    /// Total length of the texts held.
    bytes: usize,
}

impl Plans {
    fn get(&self, query: &str, operation: Option<&str>) -> Option<Known> {
        self.by_text
            .get(query)?
            .iter()
            .find(|(name, _)| name.as_deref() == operation)
            .map(|(_, known)| known.clone())
    }

    fn insert(&mut self, query: &str, operation: Option<&str>, known: Known) {
        if query.len() > MAX_PLAN_TEXT {
            return;
        }
        if !self.by_text.contains_key(query) {
            if self.by_text.len() >= MAX_PLANS || self.bytes + query.len() > MAX_PLAN_BYTES {
                self.by_text.clear();
                self.bytes = 0;
            }
            self.bytes += query.len();
        }
        let entries = self.by_text.entry(query.to_owned()).or_default();
        if !entries.iter().any(|(name, _)| name.as_deref() == operation) {
            entries.push((operation.map(str::to_owned), known));
        }
    }
}

/// How long a request waits for a reload before it runs through SQL instead (a reload of the
/// scale-100 graph takes under 100 ms; this bounds a stuck one).
const RELOAD_PATIENCE: Duration = Duration::from_secs(2);

impl ReadModel {
    /// A read model over `db` that follows `bus`; `reloads` counts the snapshots it loads.
    pub fn new(db: DatabaseConnection, bus: EventBus, reloads: Counter) -> Arc<Self> {
        Arc::new(Self {
            db,
            bus,
            reloads,
            graph: watch::Sender::new(None),
            loading: AtomicBool::new(false),
            plans: Mutex::new(Plans::default()),
        })
    }

    /// Loads the first snapshot (start-up), so that the first requests need not wait for it.
    pub async fn preload(self: &Arc<Self>) {
        let _ = self.current().await;
    }

    /// The snapshot at the current head. When the snapshot is older, this starts a reload and
    /// waits for it: a reload costs less than running a request through SQL, and waiting
    /// requests hold no memory. `None` (run through SQL) when the reload fails or takes too
    /// long, or when the snapshot is newer than the head this instance knows (another
    /// instance's write whose announcement is on its way).
    pub async fn current(self: &Arc<Self>) -> Option<Arc<Graph>> {
        let head = self.bus.head();
        let mut updates = self.graph.subscribe();
        for attempt in 0..2 {
            let graph = updates.borrow_and_update().clone();
            match graph {
                Some(graph) if graph.head == head => return Some(graph),
                Some(graph) if graph.head > head => return None,
                _ if attempt == 1 => return None,
                _ => {
                    self.reload();
                    if tokio::time::timeout(RELOAD_PATIENCE, updates.changed())
                        .await
                        .is_err()
                    {
                        return None;
                    }
                }
            }
        }
        None
    }

    /// Starts reading a new snapshot unless one is being read.
    fn reload(self: &Arc<Self>) {
        if self
            .loading
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let model = self.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let loaded = Graph::load(&model.db).await;
            model.loading.store(false, Ordering::Release);
            match loaded {
                Ok(graph) => {
                    model.reloads.inc();
                    tracing::debug!(
                        head = graph.head,
                        initiatives = graph.initiatives.len(),
                        ms = started.elapsed().as_millis() as u64,
                        "read model loaded"
                    );
                    // Keep the newest: never replace a snapshot with an older one.
                    model.graph.send_if_modified(|slot| {
                        let newer = slot.as_ref().is_none_or(|old| old.head < graph.head);
                        if newer {
                            *slot = Some(Arc::new(graph));
                        }
                        newer
                    });
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot load the read model; queries run through SQL");
                    // Wake the waiters: they run through SQL rather than wait for nothing.
                    model.graph.send_modify(|_| {});
                }
            }
        });
    }

    /// What is known of `query` run as `operation`; `None` when it has not been seen.
    pub fn known(&self, query: &str, operation: Option<&str>) -> Option<Known> {
        let plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        plans.get(query, operation)
    }

    /// Remembers what is known of `query` run as `operation`.
    pub fn remember(&self, query: &str, operation: Option<&str>, known: Known) {
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        plans.insert(query, operation, known);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_cache_is_bounded_in_count_and_bytes() {
        let mut plans = Plans::default();
        plans.insert("{ a }", None, Known::Unsupported);
        plans.insert("{ a }", Some("A"), Known::Unsupported);
        assert!(plans.get("{ a }", None).is_some());
        assert!(plans.get("{ a }", Some("A")).is_some());
        assert!(plans.get("{ a }", Some("B")).is_none());
        assert_eq!(plans.bytes, 5, "one text, counted once");

        let huge = " ".repeat(MAX_PLAN_TEXT + 1);
        plans.insert(&huge, None, Known::Unsupported);
        assert!(plans.get(&huge, None).is_none(), "too long to remember");

        let big = "#".repeat(MAX_PLAN_TEXT - 4);
        for i in 0..(MAX_PLAN_BYTES / MAX_PLAN_TEXT) + 1 {
            plans.insert(&format!("{big}{i:04}"), None, Known::Unsupported);
            assert!(plans.bytes <= MAX_PLAN_BYTES, "{} bytes", plans.bytes);
        }
        assert!(plans.get("{ a }", None).is_none(), "emptied when full");

        let mut many = Plans::default();
        for i in 0..=MAX_PLANS {
            many.insert(&format!("{{ f{i} }}"), None, Known::Unsupported);
        }
        assert!(many.by_text.len() <= MAX_PLANS);
    }
}
