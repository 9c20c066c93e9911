//! Traffic limits: rate limits per address and per token (429 with `Retry-After`), the request
//! timeout (TIMEOUT, nothing written, the database's work stopped), WebSocket connections per
//! address and message size, and the per-operation metrics.

use crate::helpers::{Backend, TestApp, TestDb, db_test, error_code};
use futures::{SinkExt, StreamExt};
use kizuna::config::{Limits, Traffic};
use kizuna::domain::Role;
use kizuna::graphql::persisted::SchemaOptions;
use kizuna::metrics::Metrics;
use kizuna::state::{Access, AppState, HttpSettings};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Bound on waiting for anything in these tests (a hang detector, not a synchronisation).
const PATIENCE: Duration = Duration::from_secs(20);

fn traffic(f: impl FnOnce(&mut Traffic)) -> HttpSettings {
    let mut traffic = Traffic::default();
    f(&mut traffic);
    HttpSettings {
        traffic,
        ..HttpSettings::default()
    }
}

async fn post(url: &str, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = reqwest::Client::new().post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("POST")
}

const QUERY: &str = "{ directions { totalCount } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_clients_are_limited_per_address_and_tokens_per_token() {
    let Some(mut app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let viewer = app.token(Role::Viewer).await;
    let other = app.token(Role::Viewer).await;
    // One request a second with a burst of 3: the 4th in a row is refused, whatever the pace of
    // this test, because refilling one takes a whole second.
    app.state = app.state.clone().with_http(traffic(|t| {
        t.rate_limit_ip = 1;
        t.rate_limit_token = 1;
        t.rate_limit_burst = 3;
    }));
    let server = app.serve().await;
    let url = server.url("/graphql");

    for _ in 0..3 {
        let response = post(&url, None, json!({ "query": QUERY })).await;
        assert_eq!(response.status(), 200);
    }
    let refused = post(&url, None, json!({ "query": QUERY })).await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("whole seconds");
    assert!((1..=2).contains(&retry_after), "Retry-After {retry_after}");
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(error_code(&body), "RATE_LIMITED");

    // A token has its own bucket, untouched by the address's; another token has another.
    for _ in 0..3 {
        let response = post(&url, Some(&viewer), json!({ "query": QUERY })).await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(
        post(&url, Some(&viewer), json!({ "query": QUERY }))
            .await
            .status(),
        429
    );
    assert_eq!(
        post(&url, Some(&other), json!({ "query": QUERY }))
            .await
            .status(),
        200
    );
    // GET is limited by the same bucket.
    let get = reqwest::get(server.url("/graphql?query=%7B__typename%7D"))
        .await
        .expect("GET");
    assert_eq!(get.status(), 429);

    let metrics = reqwest::get(server.url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains(r#"kizuna_graphql_errors_total{code="RATE_LIMITED"} 3"#),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_forwarded_address_is_limited() {
    let Some(mut app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    app.state = app.state.clone().with_http(traffic(|t| {
        t.rate_limit_ip = 1;
        t.rate_limit_burst = 1;
        t.client_ip_header = Some("x-forwarded-for".into());
    }));
    let server = app.serve().await;
    let send = |forwarded: &'static str| {
        reqwest::Client::new()
            .post(server.url("/graphql"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({ "query": QUERY }))
            .send()
    };
    assert_eq!(send("198.51.100.1").await.expect("POST").status(), 200);
    assert_eq!(send("198.51.100.1").await.expect("POST").status(), 429);
    // Same socket, another client behind the proxy.
    assert_eq!(send("198.51.100.2").await.expect("POST").status(), 200);
    // A client cannot pick its address: the proxy's appended entry is the one that counts.
    assert_eq!(
        send("198.51.100.9, 198.51.100.1")
            .await
            .expect("POST")
            .status(),
        429
    );
}

/// A GraphQL-over-WebSocket connection attempt from this test.
async fn ws_connect(
    addr: std::net::SocketAddr,
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    u16,
> {
    let mut request = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("unexpected WebSocket failure: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_connections_are_capped_per_address_and_oversize_messages_close_them() {
    let Some(mut app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    app.state = app.state.clone().with_http(traffic(|t| {
        t.max_ws_per_ip = 2;
        t.max_ws_message_bytes = 1024;
    }));
    let server = app.serve().await;
    let first = ws_connect(server.addr).await.expect("first connection");
    let mut second = ws_connect(server.addr).await.expect("second connection");
    assert_eq!(ws_connect(server.addr).await.err(), Some(429));

    // A message over the limit ends that connection with 1009 (message too big)...
    let oversize = json!({ "type": "connection_init", "payload": { "pad": "x".repeat(4096) } });
    second
        .send(Message::text(oversize.to_string()))
        .await
        .expect("send");
    let closed = tokio::time::timeout(PATIENCE, async {
        loop {
            match second.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                // The server may drop the socket right after its close frame.
                Some(Err(_)) | None => return None,
            }
        }
    })
    .await
    .expect("the server reacted in time");
    if let Some(code) = closed {
        assert_eq!(code, 1009);
    }
    drop(second);

    // ...and frees its slot, as closing does: a new connection is admitted once the server has
    // seen it go. Poll (bounded) for the slot rather than guess a delay.
    let admitted = tokio::time::timeout(PATIENCE, async {
        loop {
            if let Ok(socket) = ws_connect(server.addr).await {
                return socket;
            }
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("a slot came free");
    drop((first, admitted));
}

db_test! {
    /// A request over the time limit is cancelled: TIMEOUT with 504, its transaction rolled back
    /// so nothing is written, and on PostgreSQL the blocked statement is stopped by the server
    /// (statement_timeout) while the lock it waits for is still held.
    async fn a_request_over_the_time_limit_is_cancelled_and_writes_nothing(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let metrics = Arc::new(Metrics::default());
        let http = traffic(|t| t.request_timeout_ms = 400);
        let pool = kizuna::db::PoolSettings {
            max_connections: 5,
            statement_timeout: Some(http.traffic.statement_timeout()),
        };
        let (conn, _) = kizuna::startup::prepare_database(&db.url, pool, metrics.clone())
            .await
            .expect("database prepared");
        let state = AppState::build_with(conn.clone(), metrics, Limits::default(), Access::default(), &SchemaOptions::default())
            .await
            .expect("state")
            .with_http(http);
        if backend == Backend::Postgres {
            state.events.listening().await;
        }
        let editor = kizuna::auth::create_token(&conn, "timeout-editor", Role::Editor).await.expect("token");
        let server = crate::helpers::serve_state(state.clone()).await;
        let url = server.url("/graphql");

        // Another connection takes the write lock every mutation needs, and holds it.
        let blocker = kizuna::db::connect(&db.url, 1, Arc::default()).await.expect("connect");
        let held = blocker.begin().await.expect("begin");
        held.execute_unprepared("UPDATE event_log_head SET last_seq = last_seq").await.expect("lock");

        let create = json!({
            "query": "mutation { createInitiative(input: { slug: \"timed-out\", name: \"Timed out\", \
                description: \"Never written.\", directionNumber: 1, status: ANNOUNCED }) { initiative { slug } } }"
        });
        let response = reqwest::Client::new()
            .post(&url)
            .header("accept", "application/graphql-response+json")
            .bearer_auth(&editor)
            .json(&create)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 504);
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(error_code(&body), "TIMEOUT");

        if backend == Backend::Postgres {
            // The server itself gave up the statement: no backend of this database waits for
            // the lock, though the lock is still held.
            let database = db.url.rsplit('/').next().expect("database name").to_owned();
            let observer = kizuna::db::connect(&db.url, 1, Arc::default()).await.expect("connect");
            let waiting = tokio::time::timeout(PATIENCE, async {
                loop {
                    let row = observer
                        .query_one_raw(sea_orm::Statement::from_sql_and_values(
                            sea_orm::DbBackend::Postgres,
                            "SELECT COUNT(*) AS n FROM pg_stat_activity \
                             WHERE datname = $1 AND wait_event_type = 'Lock'",
                            [database.clone().into()],
                        ))
                        .await
                        .expect("pg_stat_activity")
                        .expect("a row");
                    let n: i64 = row.try_get("", "n").expect("count");
                    if n == 0 {
                        return n;
                    }
                    tokio::task::yield_now().await;
                }
            })
            .await
            .expect("the blocked statement was cancelled while the lock was held");
            assert_eq!(waiting, 0);
        }
        held.rollback().await.expect("release");

        // The server keeps serving, and the cancelled mutation left nothing behind.
        let again = post(&url, Some(&editor), json!({ "query": "{ initiative(slug: \"timed-out\") { slug } }" })).await;
        let again: Value = again.json().await.expect("JSON");
        assert_eq!(error_code(&again), "NOT_FOUND", "{again}");
        let ok = post(&url, None, json!({ "query": QUERY })).await;
        assert_eq!(ok.status(), 200);
    }
}

db_test! {
    /// `/metrics` counts operations by name and kind with latency histograms, errors by code,
    /// the pool's connections, and subscriptions while they stream.
    async fn metrics_report_operations_errors_pool_and_live_subscriptions(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let url = server.url("/graphql");
        for _ in 0..2 {
            post(&url, None, json!({ "query": "query Directions { directions { totalCount } }" })).await;
        }
        post(&url, None, json!({ "query": "{ initiative(slug: \"no-such\") { slug } }" })).await;

        let mut socket = ws_connect(server.addr).await.expect("connect");
        socket.send(Message::text(json!({ "type": "connection_init" }).to_string())).await.expect("init");
        socket
            .send(Message::text(json!({ "id": "1", "type": "subscribe",
                "payload": { "query": "subscription Watch { initiativeEvents { kind } }" } }).to_string()))
            .await
            .expect("subscribe");
        let scrape = || async {
            reqwest::get(server.url("/metrics")).await.expect("GET").text().await.expect("text")
        };
        // The subscription is live once the server has parsed it; poll the gauge (bounded).
        let live = tokio::time::timeout(PATIENCE, async {
            loop {
                let text = scrape().await;
                if text.contains("kizuna_live_subscriptions 1") {
                    return text;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the subscription was counted");
        assert!(live.contains(r#"kizuna_graphql_operations_total{operation="Directions",kind="query"} 2"#), "{live}");
        assert!(live.contains(r#"kizuna_graphql_operation_duration_seconds_bucket{le="+Inf",operation="Directions",kind="query"} 2"#)
            || live.contains(r#"kizuna_graphql_operation_duration_seconds_count{operation="Directions",kind="query"} 2"#), "{live}");
        assert!(live.contains(r#"kizuna_graphql_errors_total{code="NOT_FOUND"} 1"#), "{live}");
        let pool_line = live
            .lines()
            .find(|l| l.starts_with("kizuna_db_pool_connections "))
            .expect("pool gauge");
        let pool: i64 = pool_line.rsplit(' ').next().and_then(|n| n.parse().ok()).expect("number");
        assert!((1..=5).contains(&pool), "{pool_line}");

        drop(socket);
        tokio::time::timeout(PATIENCE, async {
            while !scrape().await.contains("kizuna_live_subscriptions 0") {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the gauge fell back when the client left");
    }
}
