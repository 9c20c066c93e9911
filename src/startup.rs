//! Start-up: open and prepare the database, and run the HTTP server until a shutdown signal.

use crate::dataset;
use crate::metrics::Metrics;
use crate::state::{AppState, Shutdown};
use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Connects, migrates, and loads the shipped dataset when the database is empty (otherwise brings
/// the search documents up to date). Returns what was loaded, if anything.
pub async fn prepare_database(
    url: &str,
    pool: impl Into<crate::db::PoolSettings>,
    metrics: Arc<Metrics>,
) -> anyhow::Result<(DatabaseConnection, Option<dataset::ImportReport>)> {
    let db = crate::db::connect(url, pool, metrics)
        .await
        .with_context(|| format!("connecting to the database at {}", redact(url)))?;
    crate::db::migrate(&db)
        .await
        .context("applying migrations")?;
    if !crate::db::is_empty(&db)
        .await
        .context("checking whether the database is empty")?
    {
        sync_search(&db)
            .await
            .context("refreshing the search documents")?;
        return Ok((db, None));
    }
    let data = dataset::parse(dataset::SHIPPED_DATASET).context("parsing the shipped dataset")?;
    let report = dataset::import(&db, &data)
        .await
        .context("loading the shipped dataset")?;
    Ok((db, Some(report)))
}

/// Brings the search documents up to date with data written before they existed (a database
/// migrated from an older release) or before their definition changed. A no-op when they are
/// current. Holds the write lock so a concurrent writer's fresher documents cannot be
/// overwritten with text computed before its commit.
async fn sync_search(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let txn = crate::db::log::begin_write(db).await?;
    let changed = crate::db::search::sync(&txn).await?;
    txn.commit().await?;
    if changed > 0 {
        tracing::info!(changed, "search documents refreshed");
    }
    Ok(())
}

/// How long a stopping server waits for its WebSockets to send their close frames.
const SESSION_DRAIN: Duration = Duration::from_secs(5);

/// Serves `state` on `listener` until `shutdown` resolves; then stops accepting, lets in-flight
/// requests finish, closes WebSockets with 1001 (Going Away) and ends event streams.
pub async fn run_server(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // A signal of this server's own, so that a state served again later starts afresh.
    let sessions = Shutdown::default();
    let state = state.with_shutdown(sessions.clone());
    let stopping = sessions.clone();
    let signal = async move {
        shutdown.await;
        stopping.begin();
    };
    let app = crate::http::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(signal)
        .await?;
    if !sessions.drained(SESSION_DRAIN).await {
        tracing::warn!("some WebSocket clients did not take their close frame in time");
    }
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; draining in-flight requests");
}

/// The URL without a password, for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact("postgres://kz:secret@db:5432/kz"),
            "postgres://kz:***@db:5432/kz"
        );
        assert_eq!(
            redact("sqlite://kizuna.db?mode=rwc"),
            "sqlite://kizuna.db?mode=rwc"
        );
    }
}
