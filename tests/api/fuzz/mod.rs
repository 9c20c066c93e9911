//! Property-based fuzzing of everything a client can send: GraphQL documents built from the
//! schema's own field and argument names, valid documents mutated byte by byte (invalid UTF-8
//! included), variables of any shape and depth, JSON bodies and raw bytes, `Accept`,
//! `Content-Type` and `Authorization` headers, and WebSocket frames of both protocols.
//!
//! Properties: every answer has an expected status (never 5xx), a JSON error has a code and
//! no internal text, a WebSocket answers or closes within a bound (the bound detects a hang; it
//! is not synchronisation), and after every case the server still answers a known query.
//!
//! Each property runs `PROPTEST_CASES` cases (64 by default, so the suite stays well under a
//! minute); a failing case is shrunk and printed. Raise the count locally to search longer:
//! `PROPTEST_CASES=5000 cargo test --test api fuzz`.

mod generate;
mod http;
mod memory;
mod websocket;

use crate::helpers::{Backend, RunningServer, TestApp};
use crate::injection::{HOSTILE, LEAKS};
use generate::Catalog;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use std::time::Duration;

/// Statuses a client's input may earn. A 5xx would be a server fault.
const EXPECTED: [u16; 9] = [200, 400, 401, 405, 406, 413, 415, 422, 429];

/// How long a WebSocket may stay silent after the probe before the case counts as a hang.
const HANG: Duration = Duration::from_secs(10);

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        // Integration tests have no source file to keep regressions beside; a failure prints
        // its shrunk input, which becomes an explicit case in `hostile.rs`.
        failure_persistence: None,
        max_shrink_iters: 512,
        ..Config::default()
    }
}

/// A server over a fresh database, with its own runtime: proptest's runner is synchronous and
/// blocks on each case.
struct Harness {
    runtime: tokio::runtime::Runtime,
    server: Option<RunningServer>,
    app: Option<TestApp>,
    client: reqwest::Client,
    catalog: Catalog,
}

impl Harness {
    fn start(backend: Backend) -> Option<Harness> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let app = runtime.block_on(TestApp::new(backend))?;
        let server = runtime.block_on(app.serve());
        let catalog = runtime.block_on(Catalog::load(&app));
        Some(Harness {
            runtime,
            server: Some(server),
            app: Some(app),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            catalog,
        })
    }

    fn server(&self) -> &RunningServer {
        self.server.as_ref().expect("running")
    }

    /// Runs `property` on `strategy`'s cases; panics with the shrunk failing case.
    fn check<S: Strategy>(
        &self,
        strategy: S,
        property: impl Fn(&Harness, S::Value) -> Result<(), TestCaseError>,
    ) where
        S::Value: std::fmt::Debug,
    {
        let mut runner = TestRunner::new(config());
        if let Err(failure) = runner.run(&strategy, |case| {
            property(self, case)?;
            self.runtime.block_on(self.still_serving())
        }) {
            panic!("{failure}");
        }
    }

    /// The known query answers correctly after a case.
    async fn still_serving(&self) -> Result<(), TestCaseError> {
        let response = self
            .client
            .post(self.server().url("/graphql"))
            .json(&json!({ "query": "{ directions { totalCount } }" }))
            .send()
            .await
            .map_err(|e| TestCaseError::fail(format!("server gone: {e}")))?;
        let body: Value = response
            .json()
            .await
            .map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
        prop_assert_eq!(
            &body["data"]["directions"]["totalCount"],
            &json!(8),
            "{}",
            body
        );
        Ok(())
    }

    /// Sends a request and checks its answer.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<(), TestCaseError> {
        let response = request
            .send()
            .await
            .map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| TestCaseError::fail(format!("body cut: {e}")))?;
        check_answer(status, &bytes)
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(server.shutdown());
        }
        // The app (and its database) go inside the runtime that served them.
        let app = self.app.take();
        self.runtime.block_on(async move { drop(app) });
    }
}

/// An answer is well-formed: an expected status, a JSON body whose errors carry codes when it
/// is JSON (it must be for 200), and no internal text.
fn check_answer(status: u16, body: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(body);
    prop_assert!(EXPECTED.contains(&status), "status {}: {}", status, text);
    let lower = text.to_lowercase();
    for leak in LEAKS {
        prop_assert!(!lower.contains(leak), "{:?} leaked: {}", leak, text);
    }
    let json = serde_json::from_slice::<Value>(body);
    if status == 200 {
        prop_assert!(json.is_ok(), "200 without JSON: {}", text);
    }
    if let Ok(json) = json {
        for error in json["errors"].as_array().into_iter().flatten() {
            let code = &error["extensions"]["code"];
            prop_assert!(code.is_string(), "an error without a code: {}", text);
            prop_assert_ne!(code, &json!("INTERNAL"), "{}", text);
        }
    }
    Ok(())
}

fn accept() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "application/graphql-response+json",
        "application/json",
        "*/*",
    ])
}

/// JSON of any shape, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-z]{0,8}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        prop::sample::select(HOSTILE.to_vec()).prop_map(Value::from),
        prop::sample::select(vec![
            "batteries",
            "ijicp",
            "NAME",
            "ASC",
            "SW5pdGlhdGl2ZTox"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::hash_map(
                prop::sample::select(vec![
                    "eq",
                    "ne",
                    "in",
                    "not",
                    "and",
                    "or",
                    "slug",
                    "name",
                    "some",
                    "none",
                    "every",
                    "field",
                    "direction",
                    "contains",
                    "sectors",
                    "x",
                ]),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// Text nested `depth` levels in arrays or objects: past serde's recursion limit and below it.
fn deep_json() -> impl Strategy<Value = String> {
    (1usize..3000, any::<bool>()).prop_map(|(depth, arrays)| {
        if arrays {
            format!("{}{}", "[".repeat(depth), "]".repeat(depth))
        } else {
            format!("{}{}{}", "{\"not\":".repeat(depth), "{}", "}".repeat(depth))
        }
    })
}
