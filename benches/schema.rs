//! In-process schema execution: the benchmark queries run through `schema.execute`, without
//! HTTP, on a SQLite file loaded with the shipped dataset (scale 1).
//!
//! The request bodies are the ones `scripts/bench.sh` sends over HTTP (`benches/requests/`), so
//! the two measure the same work. `cargo bench --bench schema` runs them all in a minute or two;
//! `cargo bench --bench schema -- nested --profile-time 10` runs one under a profiler. The
//! `read-model` group runs the nested query as HTTP does, answered by its compiled plan.

use async_graphql::{Request, Variables};
use criterion::{Criterion, criterion_group, criterion_main};
use kizuna::AppState;
use kizuna::auth::Principal;
use kizuna::config::Limits;
use kizuna::domain::Role;
use kizuna::graphql::auth::Caller;
use kizuna::graphql::gateway::Answer;
use kizuna::metrics::Metrics;
use kizuna::startup::prepare_database;
use kizuna::state::Access;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::runtime::Runtime;

/// One benchmark request: its document and variables, as sent over HTTP.
struct Body {
    name: &'static str,
    query: String,
    variables: Value,
}

impl Body {
    fn parse(name: &'static str, json: &str) -> Body {
        let value: Value = serde_json::from_str(json).expect("a request body is valid JSON");
        Body {
            name,
            query: value["query"]
                .as_str()
                .expect("a request body has a query")
                .to_owned(),
            variables: value.get("variables").cloned().unwrap_or(Value::Null),
        }
    }

    /// The request, with `__N__` in the variables replaced by `n` (so each mutation creates a
    /// row of its own).
    fn request(&self, n: u64, caller: &Caller) -> Request {
        let variables = if self.variables.is_null() {
            Variables::default()
        } else {
            let text = self.variables.to_string().replace("__N__", &n.to_string());
            Variables::from_json(serde_json::from_str(&text).expect("variables stay JSON"))
        };
        Request::new(self.query.clone())
            .variables(variables)
            .data(caller.clone())
    }
}

fn bodies() -> Vec<Body> {
    vec![
        Body::parse("nested", include_str!("requests/nested.json")),
        Body::parse("paginated", include_str!("requests/paginated.json")),
        Body::parse("aggregate", include_str!("requests/aggregate.json")),
        Body::parse("search", include_str!("requests/search.json")),
        Body::parse("mutation", include_str!("requests/mutation.json")),
    ]
}

/// An app over a new SQLite file holding the shipped dataset; the directory goes with it.
async fn build_app(limits: Limits) -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let metrics = Arc::new(Metrics::default());
    // The pool size `serve` uses by default.
    let (db, _) = prepare_database(&url, 10, metrics.clone())
        .await
        .expect("database prepared");
    let state = AppState::build(db, metrics, limits, Access::default())
        .await
        .expect("app state");
    (state, dir)
}

fn schema_execution(c: &mut Criterion) {
    let runtime = Runtime::new().expect("tokio runtime");
    let (app, _dir) = runtime.block_on(build_app(Limits::default()));
    // The mutation needs an editor; queries run as the same caller so that only the document
    // differs between benchmarks.
    let editor = Caller(Some(Principal {
        name: "bench".to_owned(),
        role: Role::Editor,
    }));
    let counter = AtomicU64::new(0);
    let mut group = c.benchmark_group("schema/sqlite-scale1");
    for body in bodies() {
        // A benchmark of an error answer would measure nothing useful: check each body first.
        let response = runtime.block_on(app.schema.execute(body.request(u64::MAX, &editor)));
        assert!(
            response.errors.is_empty(),
            "{}: {:?}",
            body.name,
            response.errors
        );
        group.bench_function(body.name, |b| {
            b.to_async(&runtime).iter(|| {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                app.schema.execute(body.request(n, &editor))
            });
        });
    }
    group.finish();

    // The same nested query without the DataLoader batching window: how much of its latency
    // is waiting for batches rather than work.
    let no_delay = Limits {
        batch_delay_ms: 0,
        ..Limits::default()
    };
    let (fast, _fast_dir) = runtime.block_on(build_app(no_delay));
    let nested = Body::parse("nested", include_str!("requests/nested.json"));
    let mut group = c.benchmark_group("schema/sqlite-scale1-batch-delay-0");
    group.bench_function("nested", |b| {
        b.to_async(&runtime)
            .iter(|| fast.schema.execute(nested.request(0, &editor)));
    });
    group.finish();

    // The same nested query as HTTP runs it: the first run validates the document and compiles
    // its plan, every later one walks the read model's snapshot and writes the JSON body.
    let (first, _) = runtime.block_on(app.schema.execute_http(nested.request(0, &editor)));
    assert!(matches!(first, Answer::Executed(ref r) if r.errors.is_empty()));
    let (planned, _) = runtime.block_on(app.schema.execute_http(nested.request(0, &editor)));
    assert!(
        matches!(planned, Answer::Rendered(_)),
        "the second run is answered by the plan"
    );
    let mut group = c.benchmark_group("read-model/sqlite-scale1");
    group.bench_function("nested", |b| {
        b.to_async(&runtime)
            .iter(|| app.schema.execute_http(nested.request(0, &editor)));
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = schema_execution
}
criterion_main!(benches);
