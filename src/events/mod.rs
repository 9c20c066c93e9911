//! Fan-out of the initiative event log to subscribers.
//!
//! The log rows are the truth; this module wakes readers and shares their reads of the newest
//! rows ([`window`]), so that one commit costs one read however many subscribers it wakes.
//! [`EventBus`] holds the highest
//! committed sequence number this process knows of, in a `watch` channel: waking is a single
//! value, so a burst of writes coalesces into one wake-up and a slow reader never makes the bus
//! buffer anything. Readers then read rows after their own last sequence number, so a lost or
//! coalesced wake-up loses nothing.
//!
//! Writers in this process call [`EventBus::publish`] after they commit. On PostgreSQL,
//! [`spawn_postgres_listener`] also LISTENs for the numbers other instances announce, so a
//! write through any instance wakes subscribers on all of them. SQLite runs the same code with
//! only the in-process wake-up.

mod window;

use crate::db::log::{LogFilter, NOTIFY_CHANNEL, head};
use entity::initiative_events;
use sea_orm::{DatabaseConnection, DbBackend, DbErr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Wakes subscribers when the log grows. Cheap to clone.
#[derive(Clone, Debug)]
pub struct EventBus {
    head: watch::Sender<i32>,
    /// True while the PostgreSQL listener is connected and caught up.
    listening: watch::Sender<bool>,
    /// The newest entries, read once for every live stream.
    window: Arc<window::Window>,
}

impl EventBus {
    /// A bus starting at sequence number `head`.
    pub fn new(head: i32) -> Self {
        Self {
            head: watch::Sender::new(head),
            listening: watch::Sender::new(false),
            window: Arc::new(window::Window::new(head)),
        }
    }

    /// Resolves once the PostgreSQL listener is connected and has read the head (never on
    /// SQLite, which has no listener). Lets callers know other instances' commits will wake them.
    pub async fn listening(&self) {
        let mut rx = self.listening.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = rx.wait_for(|up| *up).await;
    }

    /// Announces that entries up to `seq` are committed. Numbers never go backwards.
    pub fn publish(&self, seq: i32) {
        self.head.send_if_modified(|current| {
            let newer = seq > *current;
            if newer {
                *current = seq;
            }
            newer
        });
    }

    /// Wakes every subscriber without a new number (after a lost connection, when announcements
    /// may have been missed); they re-read the log.
    pub fn wake_all(&self) {
        self.head.send_modify(|_| {});
    }

    /// A receiver whose `changed()` resolves when the log may have grown.
    pub fn subscribe(&self) -> watch::Receiver<i32> {
        self.head.subscribe()
    }

    /// The highest sequence number announced so far.
    pub fn head(&self) -> i32 {
        *self.head.borrow()
    }

    /// Up to `limit` entries after `after` that match `filter`, in order, as
    /// [`crate::db::log::read_after`] returns them, where `seen` is a number this bus announced:
    /// entries up to it are committed. Readers woken by the same commit share one read of the
    /// new rows.
    pub async fn read_after(
        &self,
        db: &DatabaseConnection,
        after: i32,
        seen: i32,
        filter: &LogFilter,
        limit: u32,
    ) -> Result<Vec<initiative_events::Model>, DbErr> {
        self.window
            .read_after(db, || self.head(), after, seen, filter, limit)
            .await
    }
}

/// On PostgreSQL, listens on [`NOTIFY_CHANNEL`] and publishes what other instances commit. The
/// task reconnects after errors and, after each (re)connection, re-reads the head, since
/// announcements sent while it was away are gone. Does nothing on other databases.
pub fn spawn_postgres_listener(db: DatabaseConnection, bus: EventBus) -> Option<JoinHandle<()>> {
    if db.get_database_backend() != DbBackend::Postgres {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut backoff = FIRST_RETRY;
        loop {
            let outcome = listen(&db, &bus, &mut backoff).await;
            bus.listening.send_replace(false);
            match outcome {
                Ok(()) => return,
                Err(error) => {
                    tracing::warn!(%error, "event listener lost its connection; reconnecting");
                    // Waiting between attempts is the point here (a retry delay), not
                    // synchronisation: nothing else waits on this timer.
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(LAST_RETRY);
                }
            }
        }
    }))
}

/// The first wait before reconnecting; it doubles on each failed attempt up to [`LAST_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(5);

async fn listen(
    db: &DatabaseConnection,
    bus: &EventBus,
    backoff: &mut Duration,
) -> Result<(), sea_orm::sqlx::Error> {
    let pool = db.get_postgres_connection_pool();
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(NOTIFY_CHANNEL).await?;
    catch_up(db, bus).await;
    bus.listening.send_replace(true);
    // Connected: the next outage starts its retries short again.
    *backoff = FIRST_RETRY;
    loop {
        match listener.try_recv().await? {
            Some(notification) => match notification.payload().parse::<i32>() {
                Ok(seq) => bus.publish(seq),
                Err(_) => bus.wake_all(),
            },
            // The connection dropped and sqlx reconnected: anything announced meanwhile is lost.
            None => catch_up(db, bus).await,
        }
    }
}

async fn catch_up(db: &DatabaseConnection, bus: &EventBus) {
    match head(db).await {
        Ok(seq) => bus.publish(seq),
        Err(error) => {
            tracing::warn!(%error, "cannot read the event log head");
            bus.wake_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_head_only_moves_forward_and_wakes_subscribers() {
        let bus = EventBus::new(5);
        let mut rx = bus.subscribe();
        bus.publish(3);
        assert!(
            !rx.has_changed().expect("open"),
            "an older number wakes nobody"
        );
        bus.publish(9);
        rx.changed().await.expect("woken");
        assert_eq!(*rx.borrow_and_update(), 9);
        assert_eq!(bus.head(), 9);
    }
}
