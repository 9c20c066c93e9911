//! Faults: the database going away and coming back, and the process told to stop (SIGTERM)
//! while it serves requests, WebSockets and event streams.

use crate::helpers::{Backend, TestApp, TestDb};
use crate::hostile::parse_answer;
use crate::live::{CREATE, EVENTS, PATIENCE, WsClient};
use crate::proxy::{Proxy, database_address};
use kizuna::auth::Principal;
use kizuna::config::Limits;
use kizuna::domain::Role;
use kizuna::graphql::auth::Caller;
use kizuna::graphql::persisted::SchemaOptions;
use kizuna::metrics::Metrics;
use kizuna::state::{Access, AppState};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// `kizuna serve` as a real process on a port of its choosing over a new SQLite file.
pub(crate) struct Process {
    child: Child,
    pub(crate) addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Process {
    pub(crate) async fn serve() -> Process {
        let dir = tempfile::tempdir().expect("temporary directory");
        let database = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("kizuna.db").display()
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_kizuna"))
            .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
            .env("DATABASE_URL", database)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kizuna starts");
        // The log says where it listens; read it on a thread, as the pipe is blocking.
        let stderr = child.stderr.take().expect("stderr");
        let (lines, mut log) = mpsc::unbounded_channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let addr = tokio::time::timeout(PATIENCE * 2, async {
            while let Some(line) = log.recv().await {
                let Some(rest) = line.split("GraphiQL at http://").nth(1) else {
                    continue;
                };
                let addr = rest.split('/').next().unwrap_or_default();
                return addr.parse::<SocketAddr>().expect("an address in the log");
            }
            panic!("kizuna exited before listening");
        })
        .await
        .expect("kizuna listens in time");
        Process {
            child,
            addr,
            _dir: dir,
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM sent");
    }

    /// Waits for the process to exit and returns its status.
    pub(crate) async fn exit_status(self) -> std::process::ExitStatus {
        let Process { mut child, .. } = self;
        let waited = tokio::task::spawn_blocking(move || {
            let status = child.wait();
            (status, child)
        });
        match tokio::time::timeout(PATIENCE, waited).await {
            Ok(joined) => joined.expect("waiter").0.expect("wait"),
            Err(_) => panic!("kizuna did not exit in time after SIGTERM"),
        }
    }
}

/// Reads from `stream` until `buffer` holds `needle`.
async fn read_until(stream: &mut TcpStream, buffer: &mut Vec<u8>, needle: &[u8]) {
    tokio::time::timeout(PATIENCE, async {
        while !buffer.windows(needle.len()).any(|w| w == needle) {
            let mut chunk = [0; 4096];
            let n = stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "closed before {:?}", String::from_utf8_lossy(needle));
            buffer.extend_from_slice(&chunk[..n]);
        }
    })
    .await
    .expect("the server answered in time");
}

/// SIGTERM stops accepting, lets the request in flight finish with 200, closes WebSockets of
/// both protocols with 1001 (Going Away), ends event streams with `complete`, and the process
/// exits 0. Axum's graceful shutdown alone would cut the upgraded WebSockets without a close
/// frame and wait forever for the event stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_requests_and_closes_websockets_and_streams_with_going_away() {
    let process = Process::serve().await;
    let addr = process.addr;

    let mut modern = WsClient::connect(addr, "graphql-transport-ws").await;
    assert_eq!(modern.init(json!({})).await["type"], "connection_ack");
    modern
        .send(json!({ "id": "1", "type": "subscribe", "payload": { "query": EVENTS } }))
        .await;
    let mut legacy = WsClient::connect(addr, "graphql-ws").await;
    assert_eq!(legacy.init(json!({})).await["type"], "connection_ack");

    let stream = reqwest::Client::new()
        .post(format!("http://{addr}/graphql/stream"))
        .header("accept", "text/event-stream")
        .json(&json!({ "query": "subscription { initiativeEvents { sequence } }" }))
        .send()
        .await
        .expect("event stream opens");
    assert_eq!(stream.status(), 200);

    // A request whose handler is running: the server has asked for its body (100 Continue)
    // and has half of it when the signal comes.
    let body = json!({ "query": "{ directions { totalCount } }" }).to_string();
    let (first_half, second_half) = body.split_at(body.len() / 2);
    let mut in_flight = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    in_flight.write_all(head.as_bytes()).await.expect("head");
    let mut buffer = Vec::new();
    read_until(&mut in_flight, &mut buffer, b"100 Continue\r\n\r\n").await;
    in_flight
        .write_all(first_half.as_bytes())
        .await
        .expect("first half");

    process.terminate();
    assert_eq!(modern.recv().await, json!({ "close": 1001 }));
    assert_eq!(legacy.recv().await, json!({ "close": 1001 }));
    let events = tokio::time::timeout(PATIENCE, stream.text())
        .await
        .expect("the event stream ended in time")
        .expect("stream body");
    assert!(events.contains("event: complete"), "{events:?}");

    // Shutdown has begun (the sockets were told); the request in flight still completes.
    in_flight
        .write_all(second_half.as_bytes())
        .await
        .expect("second half");
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, in_flight.read_to_end(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    let (status, text) = parse_answer(&answer);
    assert_eq!(status, 200, "{text}");
    let response: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(response["data"]["directions"]["totalCount"], 8);

    let status = process.exit_status().await;
    assert!(status.success(), "exit status {status:?}");
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "nothing listens any more"
    );
}

/// Another instance on the same database, connected directly: it keeps writing while the app
/// under test is cut off.
async fn direct_instance(url: &str) -> AppState {
    let metrics = Arc::new(Metrics::default());
    let (db, _) = kizuna::startup::prepare_database(url, 2, metrics.clone())
        .await
        .expect("database prepared");
    AppState::build(db, metrics, Limits::default(), Access::default())
        .await
        .expect("app state")
}

/// Creates an initiative through `instance` as an editor.
async fn create_through(instance: &AppState, slug: &str) {
    let editor = Caller(Some(Principal {
        name: "fault-test".into(),
        role: Role::Editor,
    }));
    let request = async_graphql::Request::new(CREATE)
        .variables(async_graphql::Variables::from_json(json!({ "slug": slug })))
        .data(editor);
    let response = instance.schema.execute(request).await;
    assert!(response.errors.is_empty(), "{slug}: {:?}", response.errors);
}

/// Asks `url` until it answers `status`, within the bound.
async fn wait_for_status(url: &str, status: u16) {
    let client = reqwest::Client::new();
    let mut every = tokio::time::interval(Duration::from_millis(50));
    tokio::time::timeout(PATIENCE, async {
        loop {
            every.tick().await;
            if let Ok(response) = client.get(url).send().await
                && response.status() == status
            {
                return;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{url} did not answer {status} in time"));
}

/// The slug of the initiative in the next event of subscription `id`.
async fn next_slug(ws: &mut WsClient, id: &str) -> Value {
    ws.next_payload(id).await["data"]["initiativeEvents"]["initiative"]["slug"].clone()
}

/// The database goes away and comes back (PostgreSQL through a proxy the test cuts): readiness
/// answers 503 and then 200, queries fail with a masked INTERNAL error in bounded time and then
/// work, and a live subscription survives the outage, receiving what was written during it
/// (read after the listener reconnects) and after it, in order.
///
/// PostgreSQL only: SQLite is a file the process opens itself, with no connection to lose (a
/// file removed or made unreadable stays usable through the open handle, and tests run as a
/// user that permissions do not stop), so there is no honest way to take it away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_going_away_and_coming_back_is_survived_on_postgres() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let direct = db.url.clone();
    let proxy = Proxy::start(database_address(&direct).await).await;
    let app = TestApp::over(
        db,
        proxy.rewrite(&direct),
        Limits::default(),
        &SchemaOptions::default(),
    )
    .await;
    let other = direct_instance(&direct).await;
    let server = app.serve().await;
    let editor = app.token(Role::Editor).await;
    let graphql = server.url("/graphql");
    wait_for_status(&server.url("/ready"), 200).await;

    let after = app.last_log_id().await;
    let mut ws = WsClient::connect(server.addr, "graphql-transport-ws").await;
    assert_eq!(ws.init(json!({})).await["type"], "connection_ack");
    ws.send(json!({ "id": "s", "type": "subscribe", "payload": { "query": EVENTS, "variables": { "after": after } } }))
        .await;
    create_through(&other, "before-outage").await;
    assert_eq!(next_slug(&mut ws, "s").await, "before-outage");

    proxy.cut();
    wait_for_status(&server.url("/ready"), 503).await;
    let started = Instant::now();
    let failed = reqwest::Client::new()
        .post(&graphql)
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": "{ directions { totalCount } }" }))
        .send()
        .await
        .expect("POST");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "failed within the pool's acquire timeout: {:?}",
        started.elapsed()
    );
    // A field error, as every resolver failure is: 200 with the error in the body.
    assert_eq!(failed.status(), 200);
    let text = failed.text().await.expect("body");
    let body: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(crate::helpers::error_code(&body), "INTERNAL", "{body}");
    assert_eq!(body["errors"][0]["message"], "internal error");
    for internal in [
        "sqlx",
        "pool",
        "connection",
        "postgres",
        "io error",
        "os error",
    ] {
        assert!(
            !text.to_lowercase().contains(internal),
            "{internal} leaked: {text}"
        );
    }
    create_through(&other, "during-outage").await;

    let reconnections = proxy.forwarded();
    proxy.restore();
    wait_for_status(&server.url("/ready"), 200).await;
    let data = crate::live::post(&graphql, None, "{ directions { totalCount } }", json!({})).await;
    assert_eq!(data["data"]["directions"]["totalCount"], 8, "{data}");
    assert_eq!(
        next_slug(&mut ws, "s").await,
        "during-outage",
        "written while cut off, read once back"
    );
    create_through(&other, "after-outage").await;
    assert_eq!(
        next_slug(&mut ws, "s").await,
        "after-outage",
        "another instance's write wakes it: the listener is back"
    );
    let own = crate::live::post(
        &graphql,
        Some(&editor),
        CREATE,
        json!({ "slug": "through-app" }),
    )
    .await;
    assert!(own.get("errors").is_none(), "{own}");
    assert_eq!(next_slug(&mut ws, "s").await, "through-app");
    assert!(proxy.forwarded() > reconnections, "the app reconnected");
    server.shutdown().await.expect("clean shutdown");
}
