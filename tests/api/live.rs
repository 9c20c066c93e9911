//! Live events: WebSocket and SSE subscribers, resuming with `after`, filters, a second
//! instance on the same PostgreSQL database, and concurrent writers against a strict reader.

use crate::helpers::{Backend, TestApp, db_test, error_code};
use futures::{SinkExt, StreamExt};
use kizuna::domain::Role;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A failing test must end, not hang: every wait for the server is bounded by this.
pub(crate) const PATIENCE: Duration = Duration::from_secs(30);

pub(crate) const EVENTS: &str = "subscription($after: ID, $filter: LiveEventFilter) { \
    initiativeEvents(after: $after, filter: $filter) { id sequence kind initiative { slug } } }";

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A minimal GraphQL-over-WebSocket client for tests.
pub(crate) struct WsClient {
    pub(crate) socket: Socket,
}

impl WsClient {
    pub(crate) async fn connect(addr: SocketAddr, protocol: &str) -> WsClient {
        let mut request = format!("ws://{addr}/graphql/ws")
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", protocol.parse().expect("header"));
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("WebSocket connects");
        assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
        WsClient { socket }
    }

    pub(crate) async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("send");
    }

    /// The next text message as JSON, or the close frame as `{"close": code}`.
    pub(crate) async fn recv(&mut self) -> Value {
        loop {
            let next = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("server answered in time");
            match next {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).expect("JSON message");
                    // Keep-alives of either protocol carry nothing for the test.
                    if value["type"] == "ka" || value["type"] == "ping" || value["type"] == "pong" {
                        continue;
                    }
                    return value;
                }
                Some(Ok(Message::Close(frame))) => {
                    return json!({ "close": frame.map(|f| u16::from(f.code)) });
                }
                Some(Ok(_)) => continue,
                Some(Err(error)) => return json!({ "error": error.to_string() }),
                None => return json!({ "close": null }),
            }
        }
    }

    pub(crate) async fn init(&mut self, payload: Value) -> Value {
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        self.recv().await
    }

    /// The payload of the next `next` message of subscription `id`.
    pub(crate) async fn next_payload(&mut self, id: &str) -> Value {
        let message = self.recv().await;
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], id);
        message["payload"].clone()
    }
}

pub(crate) use crate::helpers::post_graphql as post;

pub(crate) const CREATE: &str = "mutation($slug: String!) { createInitiative(input: { slug: $slug, name: \"Live test\", \
    description: \"Made by a live test.\", directionNumber: 2, status: ANNOUNCED, sectors: [\"batteries\"] }) \
    { initiative { slug } event { id } } }";
pub(crate) const STATUS: &str = "mutation($slug: String!) { setInitiativeStatus(input: { slug: $slug, status: SIGNED }) { event { id } } }";
const LINK: &str = "mutation($slug: String!) { linkInitiativeSector(input: { initiative: $slug, sector: \"hydrogen-ammonia\" }) { event { id } } }";
const ARCHIVE: &str =
    "mutation($slug: String!) { archiveInitiative(input: { slug: $slug }) { event { id } } }";

db_test! {
    /// The foundation of live data: a graphql-transport-ws subscriber sees a create; after a
    /// disconnect and two more writes it resumes with `after` and gets exactly those two.
    async fn websocket_subscribers_receive_writes_and_resume_exactly_after_a_disconnect(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let graphql = server.url("/graphql");
        let editor = app.token(Role::Editor).await;

        let anonymous = post(&graphql, None, CREATE, json!({ "slug": "live-one" })).await;
        assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");

        let after = app.last_log_id().await;
        let mut ws = WsClient::connect(server.addr, "graphql-transport-ws").await;
        assert_eq!(ws.init(json!({}))
            .await["type"], "connection_ack");
        ws.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": EVENTS, "variables": { "after": after } } })).await;

        let created = post(&graphql, Some(&editor), CREATE, json!({ "slug": "live-one" })).await;
        assert!(created.get("errors").is_none(), "{created}");
        let first = ws.next_payload("1").await;
        let first = &first["data"]["initiativeEvents"];
        assert_eq!(first["kind"], "CREATED");
        assert_eq!(first["initiative"]["slug"], "live-one");
        assert_eq!(first["id"], created["data"]["createInitiative"]["event"]["id"]);
        ws.socket.close(None).await.expect("close");

        for mutation in [STATUS, LINK] {
            let response = post(&graphql, Some(&editor), mutation, json!({ "slug": "live-one" })).await;
            assert!(response.get("errors").is_none(), "{response}");
        }
        let mut ws = WsClient::connect(server.addr, "graphql-transport-ws").await;
        assert_eq!(ws.init(json!({ "authorization": format!("Bearer {editor}") })).await["type"], "connection_ack");
        ws.send(json!({ "id": "2", "type": "subscribe", "payload": { "query": EVENTS, "variables": { "after": first["id"] } } })).await;
        let kinds = [ws.next_payload("2").await, ws.next_payload("2").await]
            .map(|p| p["data"]["initiativeEvents"]["kind"].as_str().map(str::to_owned));
        assert_eq!(kinds, [Some("STATUS_CHANGED".to_owned()), Some("SECTOR_LINKED".to_owned())]);
        // Nothing else is pending: the next message is the next write, not a repeat.
        post(&graphql, Some(&editor), ARCHIVE, json!({ "slug": "live-one" })).await;
        assert_eq!(ws.next_payload("2").await["data"]["initiativeEvents"]["kind"], "ARCHIVED");
        server.shutdown().await.expect("clean shutdown");
    }
}

db_test! {
    async fn the_legacy_graphql_ws_protocol_streams_too_and_bad_tokens_are_refused(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let editor = app.token(Role::Editor).await;
        let after = app.last_log_id().await;

        let mut legacy = WsClient::connect(server.addr, "graphql-ws").await;
        assert_eq!(legacy.init(json!({})).await["type"], "connection_ack");
        legacy.send(json!({ "id": "a", "type": "start", "payload": { "query": EVENTS, "variables": { "after": after } } })).await;
        post(&server.url("/graphql"), Some(&editor), CREATE, json!({ "slug": "legacy-one" })).await;
        let message = legacy.recv().await;
        assert_eq!(message["type"], "data", "{message}");
        assert_eq!(message["payload"]["data"]["initiativeEvents"]["initiative"]["slug"], "legacy-one");

        let mut refused = WsClient::connect(server.addr, "graphql-transport-ws").await;
        let answer = refused.init(json!({ "authorization": "Bearer kz_not-a-token" })).await;
        assert_eq!(answer["close"], 4403, "an unknown token closes the socket as Forbidden: {answer}");
        server.shutdown().await.expect("clean shutdown");
    }
}

db_test! {
    /// GraphQL over SSE (distinct connections): replay then live `next` events.
    async fn server_sent_events_stream_replay_and_live_events(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let editor = app.token(Role::Editor).await;
        let after = app.last_log_id().await;
        post(&server.url("/graphql"), Some(&editor), CREATE, json!({ "slug": "sse-one" })).await;

        let response = reqwest::Client::new()
            .post(server.url("/graphql/stream"))
            .header("accept", "text/event-stream")
            .json(&json!({ "query": EVENTS, "variables": { "after": after } }))
            .send()
            .await
            .expect("POST /graphql/stream");
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/event-stream"));
        let mut body = response.bytes_stream();
        let mut buffer = String::new();
        let mut events = Vec::new();
        let mut wrote_second = false;
        while events.len() < 2 {
            let chunk = tokio::time::timeout(PATIENCE, body.next()).await.expect("in time").expect("open").expect("bytes");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                if block.lines().any(|l| l == "event: next") {
                    let data = block.lines().find_map(|l| l.strip_prefix("data: ")).expect("data line");
                    events.push(serde_json::from_str::<Value>(data).expect("JSON"));
                }
            }
            if events.len() == 1 && !wrote_second {
                wrote_second = true;
                post(&server.url("/graphql"), Some(&editor), STATUS, json!({ "slug": "sse-one" })).await;
            }
        }
        assert_eq!(events[0]["data"]["initiativeEvents"]["kind"], "CREATED", "replayed");
        assert_eq!(events[1]["data"]["initiativeEvents"]["kind"], "STATUS_CHANGED", "live");
        drop(body);
        server.shutdown().await.expect("clean shutdown");
    }
}

db_test! {
    async fn filters_select_entries_by_sector_and_kind(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let after = app.last_log_id().await;
        let editor = |q: &'static str, slug: &'static str| {
            let app = &app;
            async move { app.exec_as(Some(Role::Editor), q, json!({ "slug": slug })).await }
        };
        // Two initiatives in batteries, then one elsewhere, then a status change on the first.
        editor(CREATE, "filtered-a").await;
        let other = app
            .exec_as(
                Some(Role::Editor),
                "mutation { createInitiative(input: { slug: \"filtered-b\", name: \"B\", description: \"B.\", status: PLANNED, sectors: [\"space\"] }) { event { id } } }",
                json!({}),
            )
            .await;
        assert!(other.get("errors").is_none(), "{other}");
        editor(STATUS, "filtered-a").await;
        let request = async_graphql::Request::new(EVENTS).variables(async_graphql::Variables::from_json(json!({
            "after": after, "filter": { "sectors": ["batteries"], "kinds": ["STATUS_CHANGED"] }
        })));
        let mut stream = app.state.schema.execute_stream(request);
        let first = tokio::time::timeout(PATIENCE, stream.next()).await.expect("in time").expect("an item");
        let first = first.data.into_json().expect("JSON");
        assert_eq!(first["initiativeEvents"]["kind"], "STATUS_CHANGED");
        assert_eq!(first["initiativeEvents"]["initiative"]["slug"], "filtered-a");

        let unknown = async_graphql::Request::new(EVENTS)
            .variables(async_graphql::Variables::from_json(json!({ "filter": { "sectors": ["warp"] } })));
        let response = app.state.schema.execute_stream(unknown).next().await.expect("an answer");
        assert_eq!(response.errors[0].extensions.as_ref().and_then(|e| e.get("code")).map(|c| c.to_string()), Some("\"NOT_FOUND\"".into()));
    }
}

db_test! {
    /// Concurrent writers: a subscriber sees every entry exactly once, in strictly increasing
    /// order, with no gaps, although commits interleave.
    async fn concurrent_writers_are_seen_in_commit_order_without_gaps(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        const WRITERS: usize = 4;
        const EACH: usize = 8;
        let after = app.last_log_id().await;
        let request = async_graphql::Request::new(EVENTS)
            .variables(async_graphql::Variables::from_json(json!({ "after": after })));
        let mut stream = app.state.schema.execute_stream(request);

        let writers = (0..WRITERS).map(|w| {
            let app = &app;
            async move {
                for n in 0..EACH {
                    let slug = format!("concurrent-{w}-{n}");
                    let response = app
                        .exec_as(
                            Some(Role::Editor),
                            "mutation($s: String!) { createInitiative(input: { slug: $s, name: \"C\", description: \"C.\", status: PLANNED }) { event { id } } }",
                            json!({ "s": slug }),
                        )
                        .await;
                    assert!(response.get("errors").is_none(), "{response}");
                }
            }
        });
        let reader = async {
            let mut sequences = Vec::new();
            while sequences.len() < WRITERS * EACH {
                let item = tokio::time::timeout(PATIENCE, stream.next()).await.expect("in time").expect("open");
                assert!(item.errors.is_empty(), "{:?}", item.errors);
                let data = item.data.into_json().expect("JSON");
                let sequence: i64 = data["initiativeEvents"]["sequence"].as_str().expect("string").parse().expect("number");
                sequences.push(sequence);
            }
            sequences
        };
        let (_, sequences) = tokio::join!(futures::future::join_all(writers), reader);
        let first = sequences[0];
        let expected: Vec<i64> = (first..first + (WRITERS * EACH) as i64).collect();
        assert_eq!(sequences, expected, "every entry once, in order, no gaps");
    }
}

/// Two `kizuna serve` instances on one PostgreSQL database: a write through one reaches a
/// graphql-transport-ws subscriber of the other through LISTEN/NOTIFY.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_instance_reaches_subscribers_of_another_on_postgres() {
    let Some(app) = TestApp::new(Backend::Postgres).await else {
        return;
    };
    let other = app.second_instance().await;
    let server_a = app.serve().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr_b = listener.local_addr().expect("address");
    let mut woken = other.events.subscribe();
    let server_b = tokio::spawn(kizuna::startup::run_server(
        listener,
        other,
        std::future::pending(),
    ));
    let editor = app.token(Role::Editor).await;

    // Subscribe on B from the current end of the log (no replay): only LISTEN/NOTIFY can wake
    // it. A first write proves the subscription is live before the one under test.
    let mut ws = WsClient::connect(addr_b, "graphql-transport-ws").await;
    assert_eq!(ws.init(json!({})).await["type"], "connection_ack");
    let after = app.last_log_id().await;
    ws.send(json!({ "id": "b", "type": "subscribe", "payload": { "query": EVENTS, "variables": { "after": after } } })).await;
    let created = post(
        &server_a.url("/graphql"),
        Some(&editor),
        CREATE,
        json!({ "slug": "cross-instance" }),
    )
    .await;
    assert!(created.get("errors").is_none(), "{created}");
    let seen = ws.next_payload("b").await;
    assert_eq!(
        seen["data"]["initiativeEvents"]["initiative"]["slug"],
        "cross-instance"
    );

    let status = post(
        &server_a.url("/graphql"),
        Some(&editor),
        STATUS,
        json!({ "slug": "cross-instance" }),
    )
    .await;
    assert!(status.get("errors").is_none(), "{status}");
    let live = ws.next_payload("b").await;
    assert_eq!(live["data"]["initiativeEvents"]["kind"], "STATUS_CHANGED");
    // B never writes, so its bus can only learn of A's commit through LISTEN/NOTIFY.
    let sequence: i32 = live["data"]["initiativeEvents"]["sequence"]
        .as_str()
        .expect("string")
        .parse()
        .expect("number");
    while *woken.borrow_and_update() < sequence {
        tokio::time::timeout(PATIENCE, woken.changed())
            .await
            .expect("notified in time")
            .expect("bus open");
    }

    server_b.abort();
    server_a.shutdown().await.expect("clean shutdown");
}

db_test! {
    async fn reads_can_require_a_token_and_bad_tokens_get_401(backend) {
        let access = kizuna::state::Access { require_token_for_reads: true };
        let Some(app) = TestApp::with_access(backend, access).await else { return };
        let server = app.serve().await;
        let client = reqwest::Client::new();
        let query = json!({ "query": "{ directions { totalCount } }" });
        let anonymous = client.post(server.url("/graphql")).json(&query).send().await.expect("POST");
        assert_eq!(anonymous.status(), 401);
        assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
        let body: Value = anonymous.json().await.expect("JSON");
        assert_eq!(error_code(&body), "UNAUTHENTICATED");

        let forged = client.post(server.url("/graphql")).bearer_auth("kz_forged").json(&query).send().await.expect("POST");
        assert_eq!(forged.status(), 401);

        let viewer = app.token(Role::Viewer).await;
        let read = client.post(server.url("/graphql")).bearer_auth(&viewer).json(&query).send().await.expect("POST");
        assert_eq!(read.status(), 200);
        let body: Value = read.json().await.expect("JSON");
        assert_eq!(body["data"]["directions"]["totalCount"], 8);
        server.shutdown().await.expect("clean shutdown");
    }
}

/// graphql-transport-ws to the letter of its protocol document: the close codes, `error` for an
/// operation that fails before it starts (and no `complete` after it), silence after a client's
/// `complete`, and pong for ping.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_transport_ws_follows_its_protocol_document() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let server = app.serve().await;
    let connect = || WsClient::connect(server.addr, "graphql-transport-ws");

    let mut early = connect().await;
    early
        .send(json!({ "id": "1", "type": "subscribe", "payload": { "query": EVENTS } }))
        .await;
    assert_eq!(
        early.recv().await["close"],
        4401,
        "subscribe before connection_ack"
    );

    let mut twice = connect().await;
    assert_eq!(twice.init(json!({})).await["type"], "connection_ack");
    assert_eq!(
        twice.init(json!({})).await["close"],
        4429,
        "a second connection_init"
    );

    let mut invalid = connect().await;
    invalid.send(json!({ "type": "bogus" })).await;
    assert_eq!(
        invalid.recv().await["close"],
        4400,
        "an unknown message type"
    );

    let mut ws = connect().await;
    assert_eq!(ws.init(json!({})).await["type"], "connection_ack");
    ws.send(json!({ "type": "ping", "payload": { "n": 1 } }))
        .await;
    let pong = ws.socket.next().await.expect("message").expect("ok");
    let pong: Value = serde_json::from_str(pong.to_text().expect("text")).expect("JSON");
    assert_eq!(pong, json!({ "type": "pong", "payload": { "n": 1 } }));

    ws.send(json!({ "id": "bad", "type": "subscribe", "payload": { "query": "subscription { noSuchField }" } })).await;
    let error = ws.recv().await;
    assert_eq!(error["type"], "error", "{error}");
    assert_eq!(error["id"], "bad");
    assert!(
        error["payload"].as_array().is_some_and(|e| !e.is_empty()),
        "{error}"
    );

    ws.send(json!({ "id": "live", "type": "subscribe", "payload": { "query": EVENTS } }))
        .await;
    ws.send(json!({ "id": "live", "type": "subscribe", "payload": { "query": EVENTS } }))
        .await;
    let duplicate = ws.recv().await;
    assert_eq!(
        duplicate["close"], 4409,
        "a second subscriber with an id in use: {duplicate}"
    );

    let mut quiet = connect().await;
    assert_eq!(quiet.init(json!({})).await["type"], "connection_ack");
    quiet
        .send(json!({ "id": "x", "type": "subscribe", "payload": { "query": EVENTS } }))
        .await;
    quiet.send(json!({ "id": "x", "type": "complete" })).await;
    quiet.send(json!({ "type": "ping" })).await;
    let after_complete = quiet.socket.next().await.expect("message").expect("ok");
    assert_eq!(
        serde_json::from_str::<Value>(after_complete.to_text().expect("text")).expect("JSON"),
        json!({ "type": "pong" }),
        "nothing is sent for an operation the client completed; the next message is the pong"
    );
    server.shutdown().await.expect("clean shutdown");
}

db_test! {
    /// A subscriber that stops reading does not stall writers or buffer their events: once it is
    /// more than the allowed lag behind, it is ended with an error that says where to resume,
    /// and resuming there delivers the rest.
    async fn a_subscriber_that_falls_too_far_behind_is_ended_and_can_resume(backend) {
        let limits = kizuna::config::Limits { max_subscriber_lag: 3, ..Default::default() };
        let Some(app) = TestApp::with_limits(backend, limits).await else { return };
        let after = app.last_log_id().await;
        let request = async_graphql::Request::new(EVENTS)
            .variables(async_graphql::Variables::from_json(json!({ "after": after })));
        let mut stream = app.state.schema.execute_stream(request);
        app.exec_as(Some(Role::Editor), CREATE, json!({ "slug": "slow-one" })).await;
        let first = tokio::time::timeout(PATIENCE, stream.next()).await.expect("in time").expect("open");
        let first = first.data.into_json().expect("JSON");
        assert_eq!(first["initiativeEvents"]["kind"], "CREATED");

        // Five writes while the subscriber reads nothing: they commit without waiting for it.
        for slug in ["slow-two", "slow-three", "slow-four", "slow-five", "slow-six"] {
            let response = app.exec_as(Some(Role::Editor), CREATE, json!({ "slug": slug })).await;
            assert!(response.get("errors").is_none(), "{response}");
        }
        let ended = tokio::time::timeout(PATIENCE, stream.next()).await.expect("in time").expect("an error item");
        let extensions = ended.errors[0].extensions.as_ref().expect("extensions");
        assert_eq!(extensions.get("code").map(|c| c.to_string()), Some("\"SUBSCRIBER_TOO_SLOW\"".into()));
        let resume = extensions.get("resumeAfter").map(|v| v.to_string()).expect("resumeAfter");
        assert_eq!(resume.trim_matches('"'), first["initiativeEvents"]["id"].as_str().expect("id"));
        assert!(tokio::time::timeout(PATIENCE, stream.next()).await.expect("in time").is_none(), "the stream ended");

        let request = async_graphql::Request::new(EVENTS)
            .variables(async_graphql::Variables::from_json(json!({ "after": resume.trim_matches('"') })));
        let mut resumed = app.state.schema.execute_stream(request);
        let mut slugs = Vec::new();
        while slugs.len() < 5 {
            let item = tokio::time::timeout(PATIENCE, resumed.next()).await.expect("in time").expect("open");
            let data = item.data.into_json().expect("JSON");
            slugs.push(data["initiativeEvents"]["initiative"]["slug"].as_str().expect("slug").to_owned());
        }
        assert_eq!(slugs, ["slow-two", "slow-three", "slow-four", "slow-five", "slow-six"]);
    }
}

db_test! {
    /// One commit wakes every subscriber, and they share one read of the new entries instead of
    /// each reading the log: the statements a commit costs do not grow with the subscribers.
    async fn subscribers_woken_by_one_commit_share_one_read_of_the_log(backend) {
        const SUBSCRIBERS: usize = 20;
        let Some(app) = TestApp::new(backend).await else { return };
        // What a write costs by itself, with nobody listening (the first one also warms up).
        app.exec_as(Some(Role::Editor), CREATE, json!({ "slug": "shared-warm" })).await;
        let before = app.statements();
        app.exec_as(Some(Role::Editor), CREATE, json!({ "slug": "shared-zero" })).await;
        let write = app.statements() - before;

        let after = app.last_log_id().await;
        let mut streams: Vec<_> = (0..SUBSCRIBERS)
            .map(|_| {
                let request = async_graphql::Request::new(EVENTS)
                    .variables(async_graphql::Variables::from_json(json!({ "after": after })));
                app.state.schema.execute_stream(request)
            })
            .collect();
        let before = app.statements();
        let write_and_deliver = async {
            let deliveries = futures::future::join_all(streams.iter_mut().map(|s| s.next()));
            let (items, _) = tokio::join!(deliveries, async {
                app.exec_as(Some(Role::Editor), CREATE, json!({ "slug": "shared-one" })).await
            });
            items
        };
        let items = tokio::time::timeout(PATIENCE, write_and_deliver).await.expect("in time");
        for item in items {
            let data = item.expect("open").data.into_json().expect("JSON");
            assert_eq!(data["initiativeEvents"]["initiative"]["slug"], "shared-one");
        }
        let reads = app.statements() - before - write;
        assert!(
            reads < SUBSCRIBERS as u64,
            "{SUBSCRIBERS} subscribers cost {reads} statements besides the write's {write}"
        );
    }
}

db_test! {
    async fn initiative_created_streams_new_initiatives_only(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let after = app.last_log_id().await;
        let request = async_graphql::Request::new(
            "subscription($after: ID) { initiativeCreated(after: $after) { slug status sectors { nodes { slug } } } }",
        )
        .variables(async_graphql::Variables::from_json(json!({ "after": after })));
        let mut stream = app.state.schema.execute_stream(request);
        app.exec_as(Some(Role::Editor), CREATE, json!({ "slug": "created-one" })).await;
        app.exec_as(Some(Role::Editor), STATUS, json!({ "slug": "created-one" })).await;
        app.exec_as(Some(Role::Editor), CREATE, json!({ "slug": "created-two" })).await;
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let item = tokio::time::timeout(PATIENCE, stream.next()).await.expect("in time").expect("open");
            assert!(item.errors.is_empty(), "{:?}", item.errors);
            let data = item.data.into_json().expect("JSON");
            seen.push(data["initiativeCreated"].clone());
        }
        assert_eq!(seen[0]["slug"], "created-one", "the status change is not a creation");
        assert_eq!(seen[1]["slug"], "created-two");
        assert_eq!(seen[1]["sectors"]["nodes"][0]["slug"], "batteries");
    }
}

/// The legacy graphql-ws (subscriptions-transport-ws) protocol to the letter of its document:
/// `ka` after the ack, `connection_error` without disconnecting for an unparsable message, one
/// `error` (and no `complete`) for an operation that fails validation, `complete` after `stop`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_graphql_ws_follows_its_protocol_document() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let server = app.serve().await;
    let mut ws = WsClient::connect(server.addr, "graphql-ws").await;
    ws.send(json!({ "type": "connection_init", "payload": {} }))
        .await;
    let mut raw = Vec::new();
    for _ in 0..2 {
        let message = tokio::time::timeout(PATIENCE, ws.socket.next())
            .await
            .expect("in time")
            .expect("open")
            .expect("ok");
        raw.push(serde_json::from_str::<Value>(message.to_text().expect("text")).expect("JSON"));
    }
    assert_eq!(
        raw,
        [json!({ "type": "connection_ack" }), json!({ "type": "ka" })]
    );

    ws.send(json!({ "type": "no-such-type" })).await;
    assert_eq!(
        ws.recv().await["type"],
        "connection_error",
        "reported, and the socket stays open"
    );

    ws.send(json!({ "id": "bad", "type": "start", "payload": { "query": "{ noSuchField }" } }))
        .await;
    let error = ws.recv().await;
    assert_eq!(
        (error["type"].as_str(), error["id"].as_str()),
        (Some("error"), Some("bad")),
        "{error}"
    );
    ws.send(json!({ "id": "q", "type": "start", "payload": { "query": "{ __typename }" } }))
        .await;
    let data = ws.recv().await;
    assert_eq!(
        (data["type"].as_str(), data["id"].as_str()),
        (Some("data"), Some("q")),
        "no complete for the failed operation: {data}"
    );
    assert_eq!(data["payload"]["data"]["__typename"], "QueryRoot");
    assert_eq!(ws.recv().await, json!({ "id": "q", "type": "complete" }));

    ws.send(json!({ "id": "live", "type": "start", "payload": { "query": EVENTS } }))
        .await;
    ws.send(json!({ "id": "live", "type": "stop" })).await;
    assert_eq!(ws.recv().await, json!({ "id": "live", "type": "complete" }));
    server.shutdown().await.expect("clean shutdown");
}

/// A client offering both protocols gets the first it offered that the server speaks, and the
/// answer's `Sec-WebSocket-Protocol` names that one: it used to name graphql-transport-ws
/// (axum's order) while the socket spoke graphql-ws, and the client waited forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocol_named_in_the_answer_is_the_one_spoken() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let server = app.serve().await;
    for (offered, spoken) in [
        ("graphql-ws, graphql-transport-ws", "graphql-ws"),
        ("graphql-transport-ws, graphql-ws", "graphql-transport-ws"),
        ("mqtt, graphql-ws", "graphql-ws"),
    ] {
        let mut request = format!("ws://{}/graphql/ws", server.addr)
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", offered.parse().expect("header"));
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("WebSocket connects");
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            spoken,
            "{offered}"
        );
        let mut ws = WsClient { socket };
        ws.send(json!({ "type": "connection_init", "payload": {} }))
            .await;
        assert_eq!(ws.recv().await["type"], "connection_ack", "{offered}");
        // Only graphql-transport-ws answers a ping; graphql-ws reports an unknown message.
        ws.send(json!({ "type": "ping" })).await;
        let expected = if spoken == "graphql-ws" {
            "connection_error"
        } else {
            "pong"
        };
        let answer = tokio::time::timeout(PATIENCE, ws.socket.next())
            .await
            .expect("answered in time")
            .expect("open")
            .expect("ok");
        let answer: Value = serde_json::from_str(answer.to_text().expect("text")).expect("JSON");
        let answer = if answer["type"] == "ka" {
            ws.recv().await
        } else {
            answer
        };
        assert_eq!(answer["type"], expected, "{offered}");
    }
    server.shutdown().await.expect("clean shutdown");
}
