//! Test fixtures: a fresh database per test (SQLite file or PostgreSQL database), an app built
//! over it, and a real server on 127.0.0.1:0 when a test needs a socket.

use kizuna::AppState;
use kizuna::config::Limits;
use kizuna::metrics::Metrics;
use kizuna::startup::{prepare_database, run_server};
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

/// Declares a database test twice: `name::sqlite` and `name::postgres`.
macro_rules! db_test {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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
    /// Kept so the database outlives the app and is dropped after it.
    _db: TestDb,
}

impl TestApp {
    /// `None` when the backend is not available (PostgreSQL without its variable).
    pub async fn new(backend: Backend) -> Option<TestApp> {
        Self::with_limits(backend, Limits::default()).await
    }

    pub async fn with_limits(backend: Backend, limits: Limits) -> Option<TestApp> {
        let db = TestDb::create(backend).await?;
        let metrics = Arc::new(Metrics::default());
        let (conn, loaded) = prepare_database(&db.url, 5, metrics.clone())
            .await
            .expect("database prepared");
        assert!(
            loaded.is_some(),
            "a fresh database gets the shipped dataset"
        );
        let state = AppState::new(conn, metrics.clone(), limits);
        Some(TestApp {
            state,
            metrics,
            _db: db,
        })
    }

    /// Executes a query through the schema (no socket) and returns the JSON response.
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let state = self.state.clone();
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
