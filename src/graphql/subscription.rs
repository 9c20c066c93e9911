//! `SubscriptionRoot`: the initiative event log as a live stream that can resume.
//!
//! A stream first replays the entries after `after`, then follows new ones, reading rows from
//! the log each time the [`EventBus`] says it grew (through the bus, so that the streams a commit
//! wakes share one read of the new rows). Since sequence numbers are assigned in commit
//! order, reading "entries after my last one" never skips or repeats an entry: not at the
//! replay/live boundary, not after a reconnect, not with writers on other instances.
//!
//! The stream pulls: it reads the next rows only when the transport asks for the next item, so
//! a slow client holds nothing but its own position, never memory and never other subscribers.
//! A subscriber that had caught up and then falls more than `max_lag` entries behind is ended
//! with SUBSCRIBER_TOO_SLOW, carrying the id to resume `after`.

use crate::db::log::{LogFilter, head};
use crate::domain;
use crate::error::AppError;
use crate::events::EventBus;
use crate::graphql::relay::{NodeKind, decode_global_id, global_id};
use crate::graphql::types::{Initiative, InitiativeEvent, InitiativeEventKind};
use async_graphql::{Context, ErrorExtensions, ID, InputObject, Subscription};
use entity::initiative_events;
use futures::Stream;
use futures::StreamExt;
use sea_orm::{DatabaseConnection, EntityTrait};
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Rows read from the log per query.
const BATCH: u32 = 100;

/// Settings of live streams.
#[derive(Clone, Copy, Debug)]
pub struct StreamSettings {
    /// How many entries a live subscriber may fall behind the log before it is ended.
    pub max_lag: i32,
}

impl Default for StreamSettings {
    fn default() -> Self {
        Self { max_lag: 10_000 }
    }
}

/// Which log entries a live stream delivers. Within a list any value matches; every list given must match.
/// Direction, sector, prefecture and state filters match entries about initiatives with those
/// links (as they are when the entry is read) and never match entries about no initiative.
#[derive(Clone, Debug, Default, InputObject)]
pub struct LiveEventFilter {
    /// Slugs of directions.
    pub directions: Option<Vec<String>>,
    /// Slugs of sectors.
    pub sectors: Option<Vec<String>>,
    /// Slugs of prefectures taking part.
    pub prefectures: Option<Vec<String>>,
    /// Slugs of Indian states taking part.
    pub indian_states: Option<Vec<String>>,
    /// Kinds of entries.
    pub kinds: Option<Vec<InitiativeEventKind>>,
}

async fn resolve_filter(
    db: &DatabaseConnection,
    input: LiveEventFilter,
) -> Result<LogFilter, AppError> {
    async fn ids(
        db: &DatabaseConnection,
        table: &'static str,
        field: &str,
        slugs: Option<Vec<String>>,
    ) -> Result<Vec<i32>, AppError> {
        let mut out = Vec::new();
        for slug in slugs.unwrap_or_default() {
            let id = crate::db::lookup::id_by_slug(db, table, &slug)
                .await?
                .ok_or_else(|| {
                    AppError::NotFound(format!("`filter.{field}`: nothing with slug {slug:?}"))
                })?;
            out.push(id);
        }
        Ok(out)
    }
    Ok(LogFilter {
        kinds: input
            .kinds
            .unwrap_or_default()
            .into_iter()
            .map(domain::InitiativeEventKind::from)
            .collect(),
        direction_ids: ids(db, "directions", "directions", input.directions).await?,
        sector_ids: ids(db, "sectors", "sectors", input.sectors).await?,
        prefecture_ids: ids(db, "prefectures", "prefectures", input.prefectures).await?,
        indian_state_ids: ids(db, "indian_states", "indianStates", input.indian_states).await?,
        initiative_ids: Vec::new(),
    })
}

struct Follow {
    db: DatabaseConnection,
    bus: EventBus,
    wake: watch::Receiver<i32>,
    last: i32,
    filter: LogFilter,
    buffer: VecDeque<initiative_events::Model>,
    caught_up: bool,
    max_lag: i32,
    done: bool,
    /// When reading the log started failing, while it keeps failing.
    failing_since: Option<Instant>,
    /// The wait before the next read after a failure.
    retry: Duration,
}

/// The first wait before reading the log again after a failure; it doubles up to [`LAST_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(5);

/// How long a stream waits for the database to come back before it ends.
const OUTAGE_PATIENCE: Duration = Duration::from_secs(60);

/// The error ending a stream whose database stayed away: masked like any internal error, with
/// the id to resubscribe `after` once it is back.
fn unavailable(error: sea_orm::DbErr, last: i32) -> async_graphql::Error {
    let resume = global_id(NodeKind::InitiativeEvent, last);
    async_graphql::Error::from(AppError::from(error)).extend_with(|_, e| {
        e.set("resumeAfter", resume.as_str());
    })
}

fn too_slow(last: i32, head: i32) -> async_graphql::Error {
    let resume = global_id(NodeKind::InitiativeEvent, last);
    async_graphql::Error::new(format!(
        "subscriber too slow: {} entries behind the log; resubscribe with `after: \"{}\"`",
        head - last,
        resume.as_str()
    ))
    .extend_with(|_, e| {
        e.set("code", "SUBSCRIBER_TOO_SLOW");
        e.set("resumeAfter", resume.as_str());
    })
}

/// Follows the log after `last`, as described in the module docs.
fn follow(
    db: DatabaseConnection,
    bus: &EventBus,
    last: i32,
    filter: LogFilter,
    settings: StreamSettings,
) -> impl Stream<Item = async_graphql::Result<initiative_events::Model>> + use<> {
    let state = Follow {
        db,
        bus: bus.clone(),
        wake: bus.subscribe(),
        last,
        filter,
        buffer: VecDeque::new(),
        caught_up: false,
        max_lag: settings.max_lag,
        done: false,
        failing_since: None,
        retry: FIRST_RETRY,
    };
    futures::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        loop {
            if let Some(entry) = st.buffer.pop_front() {
                st.last = entry.id;
                return Some((Ok(entry), st));
            }
            // Mark the current head as seen before reading, so a commit that lands after the
            // read still wakes us below.
            let seen = *st.wake.borrow_and_update();
            if st.caught_up && seen - st.last > st.max_lag {
                st.done = true;
                let error = too_slow(st.last, seen);
                return Some((Err(error), st));
            }
            let read = st.bus.read_after(&st.db, st.last, seen, &st.filter, BATCH);
            match read.await {
                Err(error) => {
                    // The database may be away for a moment (a restart, a failover): keep the
                    // stream and read again from the same position once woken (the PostgreSQL
                    // listener announces the head when it reconnects) or after a backoff. Only
                    // a long outage ends it, with the id to resume after.
                    let failing_since = *st.failing_since.get_or_insert_with(Instant::now);
                    if failing_since.elapsed() > OUTAGE_PATIENCE {
                        st.done = true;
                        return Some((Err(unavailable(error, st.last)), st));
                    }
                    tracing::warn!(error = %error, "a live stream cannot read the log; retrying");
                    let retry = st.retry;
                    st.retry = (retry * 2).min(LAST_RETRY);
                    tokio::select! {
                        changed = st.wake.changed() => if changed.is_err() { return None },
                        // A retry delay, not synchronisation: nothing else waits on it.
                        () = tokio::time::sleep(retry) => {}
                    }
                    continue;
                }
                Ok(rows) => {
                    st.failing_since = None;
                    st.retry = FIRST_RETRY;
                    if rows.is_empty() {
                        st.caught_up = true;
                        // Every entry up to `seen` is committed (numbers are announced after
                        // commit, in commit order) and none matched: skip them for good.
                        st.last = st.last.max(seen);
                        if st.wake.changed().await.is_err() {
                            return None;
                        }
                    } else {
                        st.caught_up = rows.len() < BATCH as usize;
                        st.buffer.extend(rows);
                    }
                }
            }
        }
    })
}

/// Where a stream starts: after the given entry, or at the current end of the log.
async fn start(db: &DatabaseConnection, after: Option<ID>) -> Result<i32, AppError> {
    match after {
        Some(id) => match decode_global_id(&id) {
            Some((NodeKind::InitiativeEvent, seq)) => Ok(seq),
            _ => Err(AppError::bad_input(
                "after",
                "`after` must be the id of an InitiativeEvent",
            )),
        },
        None => Ok(head(db).await?),
    }
}

/// Live streams of what happens to initiatives.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live streams of the initiative event log.
#[Subscription]
impl SubscriptionRoot {
    /// Entries of the initiative event log, in sequence order: first every matching entry after
    /// `after` (replay), then new ones as they are committed, without gaps or duplicates. Without
    /// `after`, only entries committed from now on. To resume after a disconnect, pass the `id`
    /// of the last entry received.
    async fn initiative_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Id of the last entry already received; replay starts after it.")]
        after: Option<ID>,
        #[graphql(desc = "Which entries to receive.")] filter: Option<LiveEventFilter>,
    ) -> Result<impl Stream<Item = async_graphql::Result<InitiativeEvent>> + use<>, AppError> {
        let db = ctx.data::<DatabaseConnection>()?.clone();
        let bus = ctx.data::<EventBus>()?;
        let settings = ctx
            .data_opt::<StreamSettings>()
            .copied()
            .unwrap_or_default();
        let filter = resolve_filter(&db, filter.unwrap_or_default()).await?;
        let from = start(&db, after).await?;
        Ok(follow(db, bus, from, filter, settings).map(|item| item.map(InitiativeEvent::from)))
    }

    /// Initiatives as they are created (a convenience over `initiativeEvents` with kind
    /// CREATED), each as it is when delivered.
    async fn initiative_created(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Id of the last log entry already received; replay starts after it.")]
        after: Option<ID>,
    ) -> Result<impl Stream<Item = async_graphql::Result<Initiative>> + use<>, AppError> {
        let db = ctx.data::<DatabaseConnection>()?.clone();
        let bus = ctx.data::<EventBus>()?;
        let settings = ctx
            .data_opt::<StreamSettings>()
            .copied()
            .unwrap_or_default();
        let filter = LogFilter {
            kinds: vec![domain::InitiativeEventKind::Created],
            ..Default::default()
        };
        let from = start(&db, after).await?;
        let reader = db.clone();
        Ok(follow(db, bus, from, filter, settings).then(move |item| {
            let db = reader.clone();
            async move {
                let entry = item?;
                let id = entry.initiative_id.ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!(
                        "created entry {} without initiative",
                        entry.id
                    ))
                })?;
                let initiative = entity::initiatives::Entity::find_by_id(id)
                    .one(&db)
                    .await
                    .map_err(AppError::from)?
                    .ok_or_else(|| {
                        AppError::NotFound(format!("initiative {id} no longer exists"))
                    })?;
                Ok(Initiative::from(initiative))
            }
        }))
    }
}
