//! Test fixtures: a fresh database per test (SQLite file or PostgreSQL database), an app built
//! over it, and a real server on 127.0.0.1:0 when a test needs a socket.

use kizuna::AppState;
use kizuna::auth::Principal;
use kizuna::config::Limits;
use kizuna::domain::Role;
use kizuna::graphql::auth::Caller;
use kizuna::graphql::persisted::SchemaOptions;
use kizuna::metrics::Metrics;
use kizuna::startup::{prepare_database, run_server};
use kizuna::state::Access;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::oneshot;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares a database test twice: `name::sqlite` and `name::postgres`. With a leading
/// `current_thread;` the test runs on a single-threaded runtime, where a DataLoader batch cannot
/// fire before the executor has enqueued every key of a level, whatever the machine's load: the
/// statement-count tests use it so that their counts are a property of the query alone.
macro_rules! db_test {
    (current_thread; $(#[$meta:meta])* async fn $name:ident($backend:ident) $body:block) => {
        $crate::helpers::db_test!(@flavor "current_thread", $(#[$meta])* $name, $backend, $body);
    };
    ($(#[$meta:meta])* async fn $name:ident($backend:ident) $body:block) => {
        $crate::helpers::db_test!(@flavor "multi_thread", $(#[$meta])* $name, $backend, $body);
    };
    (@flavor $flavor:literal, $(#[$meta:meta])* $name:ident, $backend:ident, $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = $flavor)]
            async fn sqlite() {
                run($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test(flavor = $flavor)]
            async fn postgres() {
                run($crate::helpers::Backend::Postgres).await
            }

            async fn run($backend: $crate::helpers::Backend) $body
        }
    };
}
pub(crate) use db_test;

/// A database that exists for one test and is dropped after it.
pub struct TestDb {
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A new empty database, or `None` (with a note on stderr) when PostgreSQL tests are off.
    pub async fn create(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("kizuna.db").display()
                );
                Some(TestDb {
                    url,
                    postgres: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let Ok(admin) = std::env::var("KIZUNA_TEST_DATABASE_URL") else {
                    eprintln!("skipped: PostgreSQL test (set KIZUNA_TEST_DATABASE_URL to run it)");
                    return None;
                };
                let name = format!(
                    "kizuna_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_nanos())
                        .unwrap_or_default()
                );
                let conn = Database::connect(&admin)
                    .await
                    .expect("PostgreSQL is reachable");
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                conn.close().await.expect("close admin connection");
                let base = admin.split('?').next().unwrap_or(&admin);
                let (server, _) = base.rsplit_once('/').expect("URL has a database path");
                let url = format!("{server}/{name}");
                Some(TestDb {
                    url,
                    postgres: Some((admin, name)),
                    _dir: None,
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on async work: use a thread
        // with its own runtime. FORCE ends connections the app still holds.
        let result = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let conn = Database::connect(&admin).await?;
                conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                conn.close().await?;
                Ok::<_, anyhow::Error>(())
            })
        })
        .join();
        if !matches!(result, Ok(Ok(()))) {
            eprintln!("warning: could not drop a test database: {result:?}");
        }
    }
}

/// An app over a fresh database loaded with the shipped dataset.
pub struct TestApp {
    pub state: AppState,
    pub metrics: Arc<Metrics>,
    pub url: String,
    /// Kept so the database outlives the app and is dropped after it.
    _db: TestDb,
}

impl TestApp {
    /// `None` when the backend is not available (PostgreSQL without its variable).
    pub async fn new(backend: Backend) -> Option<TestApp> {
        Self::with_limits(backend, Limits::default()).await
    }

    pub async fn with_limits(backend: Backend, limits: Limits) -> Option<TestApp> {
        Self::with_options(backend, limits, &SchemaOptions::default()).await
    }

    /// An app whose schema has these introspection and persisted-query settings.
    pub async fn with_options(
        backend: Backend,
        limits: Limits,
        options: &SchemaOptions,
    ) -> Option<TestApp> {
        let db = TestDb::create(backend).await?;
        let url = db.url.clone();
        Some(Self::over(db, url, limits, options).await)
    }

    /// An app over `db` that connects to it at `url`, which may differ from `db.url` (for
    /// example a [`crate::proxy::Proxy`] in between).
    pub async fn over(db: TestDb, url: String, limits: Limits, options: &SchemaOptions) -> TestApp {
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let metrics = Arc::new(Metrics::default());
        let (conn, loaded) = prepare_database(&url, 5, metrics.clone())
            .await
            .expect("database prepared");
        assert!(
            loaded.is_some(),
            "a fresh database gets the shipped dataset"
        );
        let state = AppState::build_with(conn, metrics.clone(), limits, Access::default(), options)
            .await
            .expect("app state");
        if backend == Backend::Postgres {
            // The listener reads the log head once it connects; wait for it so that statement
            // counts in tests see only their own statements.
            state.events.listening().await;
        }
        TestApp {
            state,
            metrics,
            url,
            _db: db,
        }
    }

    /// Like [`TestApp::with_limits`] with reads requiring a token.
    pub async fn with_access(backend: Backend, access: Access) -> Option<TestApp> {
        let app = Self::new(backend).await?;
        let state = AppState::build(
            app.state.db.clone(),
            app.metrics.clone(),
            Limits::default(),
            access,
        )
        .await
        .expect("app state");
        Some(TestApp { state, ..app })
    }

    /// A second app over the same database, as a second `kizuna serve` process would be: its own
    /// pool, schema, event bus and (on PostgreSQL) listener.
    pub async fn second_instance(&self) -> AppState {
        let metrics = Arc::new(Metrics::default());
        let (conn, loaded) = prepare_database(&self.url, 5, metrics.clone())
            .await
            .expect("database prepared");
        assert!(
            loaded.is_none(),
            "the second instance finds the data already loaded"
        );
        AppState::build(conn, metrics, Limits::default(), Access::default())
            .await
            .expect("app state")
    }

    /// A new bearer token with `role`.
    pub async fn token(&self, role: Role) -> String {
        let name = format!("test-{role}-{}", COUNTER.fetch_add(1, Ordering::SeqCst));
        kizuna::auth::create_token(&self.state.db, &name, role)
            .await
            .expect("token created")
    }

    /// Executes a request as a caller with `role` (or anonymously), through the schema.
    pub async fn exec_as(&self, role: Option<Role>, query: &str, variables: Value) -> Value {
        let caller = Caller(role.map(|role| Principal {
            name: format!("test-{role}"),
            role,
        }));
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(caller);
        let response = self.state.schema.execute(request).await;
        serde_json::to_value(&response).expect("response serialises")
    }

    /// Row counts of every table and the log head: what "nothing was written" compares.
    pub async fn snapshot(&self) -> Vec<(&'static str, i64)> {
        let db = &self.state.db;
        let mut counts = Vec::new();
        for table in migration::TABLES {
            let sql = if *table == "event_log_head" {
                "SELECT last_seq AS n FROM event_log_head".to_owned()
            } else {
                format!("SELECT COUNT(*) AS n FROM {table}")
            };
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    sql,
                ))
                .await
                .expect("count")
                .expect("a row");
            let n = row
                .try_get::<i64>("", "n")
                .or_else(|_| row.try_get::<i32>("", "n").map(i64::from));
            counts.push((*table, n.expect("a number")));
        }
        counts
    }

    /// The id of the newest initiative log entry, to resume streams after it.
    pub async fn last_log_id(&self) -> Value {
        let data = self.data("{ initiativeEvents(first: 100) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }").await;
        let mut edges = data["initiativeEvents"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut info = data["initiativeEvents"]["pageInfo"].clone();
        while info["hasNextPage"] == true {
            let next = self
                .query_with(
                    "query($a: String) { initiativeEvents(first: 100, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }",
                    json!({ "a": info["endCursor"] }),
                )
                .await;
            edges = next["data"]["initiativeEvents"]["edges"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            info = next["data"]["initiativeEvents"]["pageInfo"].clone();
        }
        edges
            .last()
            .map(|e| e["node"]["id"].clone())
            .unwrap_or(Value::Null)
    }

    pub async fn query(&self, query: &str) -> Value {
        self.query_with(query, json!({})).await
    }

    pub async fn query_with(&self, query: &str, variables: Value) -> Value {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let response = self.state.schema.execute(request).await;
        serde_json::to_value(&response).expect("response serialises")
    }

    /// Executes a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str) -> Value {
        let response = self.query(query).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// SQL statements sent so far by this app.
    pub fn statements(&self) -> u64 {
        self.metrics.db_statements.get()
    }

    /// Serves the app on 127.0.0.1:0.
    pub async fn serve(&self) -> RunningServer {
        serve_state(self.state.clone()).await
    }
}

/// Serves `state` on 127.0.0.1:0 until the returned server is shut down or dropped.
pub async fn serve_state(state: AppState) -> RunningServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        run_server(listener, state, async move {
            let _ = stopped.await;
        })
        .await
    });
    RunningServer {
        addr,
        stop: Some(stop),
        handle: Some(handle),
    }
}

/// A server on a real socket.
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl RunningServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends the shutdown signal and waits until the server has stopped.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.handle.take() {
            Some(handle) => handle.await.expect("server task"),
            None => Ok(()),
        }
    }
}

/// The shipped dataset as plain JSON, for expectations computed from the data itself.
pub fn dataset() -> Value {
    serde_json::from_str(kizuna::dataset::SHIPPED_DATASET).expect("shipped dataset is JSON")
}

/// The `extensions.code` of the first error of a response.
pub fn error_code(response: &Value) -> String {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
        .to_owned()
}

/// POSTs a GraphQL request to `url`, with a bearer token if given, and returns the JSON answer.
pub async fn post_graphql(url: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(url)
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON")
}
