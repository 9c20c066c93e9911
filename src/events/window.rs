//! The newest entries of the log, read once and shared by every live stream of this process.
//!
//! One commit wakes every subscriber at once. Each reading the log by itself was a thousand
//! identical reads of the same rows (and a thousand result sets in memory at the same moment);
//! through the window the first reader fetches the new rows and the others wait for that one
//! fetch, then take what they need from memory.
//!
//! The window holds every committed entry with a sequence number in `(start, end]`, in order.
//! It is extended from `end` with an unfiltered read, and only as far as the log is known to
//! be committed, so it has no gaps: numbers are announced after their commit, in commit order,
//! and a read that sees an entry sees every entry below it. A reader positioned before the
//! window, or with a filter the window cannot decide (one on an initiative's links, which must
//! be checked as they are when the entry is read), reads the database as before.

use crate::db::log::{LogFilter, read_after};
use entity::initiative_events;
use sea_orm::{DatabaseConnection, DbErr};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Entries the window keeps; a reader further behind reads the database itself.
const CAPACITY: usize = 1024;

#[derive(Debug)]
pub(super) struct Window {
    entries: Mutex<Entries>,
    /// Held while one reader fetches for all (single flight).
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct Entries {
    /// Every committed entry numbered in `(start, end]`, in order.
    rows: VecDeque<initiative_events::Model>,
    start: i32,
    end: i32,
    /// Fetches finished so far, and how the last one failed.
    fetches: u64,
    failure: Option<String>,
}

/// What the window can tell a reader.
enum Answer {
    /// The matching entries after the reader's position (up to the limit).
    Rows(Vec<initiative_events::Model>),
    /// The window must first be extended.
    Fetch { fetches: u64, end: i32 },
    /// The reader is positioned before the window.
    Behind,
}

impl Window {
    /// An empty window at sequence number `head`.
    pub(super) fn new(head: i32) -> Self {
        Self {
            entries: Mutex::new(Entries {
                rows: VecDeque::new(),
                start: head,
                end: head,
                fetches: 0,
                failure: None,
            }),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Nothing panics while holding the lock; a poisoned one still holds consistent data.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn answer(&self, after: i32, seen: i32, filter: &LogFilter, limit: usize) -> Answer {
        let entries = self.entries();
        if after < entries.start {
            return Answer::Behind;
        }
        let matching: Vec<_> = entries
            .rows
            .iter()
            // The rows are in order: skip those at or before `after` by position.
            .skip(entries.rows.partition_point(|row| row.id <= after))
            .filter(|row| filter.matches(row))
            .take(limit)
            .cloned()
            .collect();
        // Every committed entry up to `seen` is in the window (or the reader already has as many
        // as it asked for): the answer is complete.
        if entries.end >= seen || matching.len() == limit {
            Answer::Rows(matching)
        } else {
            Answer::Fetch {
                fetches: entries.fetches,
                end: entries.end,
            }
        }
    }

    /// Up to `limit` entries after `after` matching `filter`, in order, reading the log once for
    /// all readers; `seen` is the highest sequence number the reader knows to be committed, and
    /// when fewer than `limit` entries come back, there are no others up to `seen`.
    pub(super) async fn read_after(
        &self,
        db: &DatabaseConnection,
        head: impl Fn() -> i32,
        after: i32,
        seen: i32,
        filter: &LogFilter,
        limit: u32,
    ) -> Result<Vec<initiative_events::Model>, DbErr> {
        if !filter.on_entry_only() {
            return read_after(db, after, filter, limit).await;
        }
        let wanted = limit as usize;
        loop {
            let fetches = match self.answer(after, seen, filter, wanted) {
                Answer::Rows(rows) => return Ok(rows),
                Answer::Behind => return read_after(db, after, filter, limit).await,
                Answer::Fetch { fetches, end } => {
                    if after > end {
                        // The reader starts past the window (it was idle while the log grew):
                        // move the window to the reader rather than read what it skips.
                        self.skip_to(after);
                    }
                    fetches
                }
            };
            let _fetching = self.fetching.lock().await;
            {
                let entries = self.entries();
                if entries.fetches != fetches {
                    // Another reader fetched while this one waited: use its rows, or share
                    // its failure rather than queue up another attempt behind it.
                    match &entries.failure {
                        Some(failure) => return Err(DbErr::Custom(failure.clone())),
                        None => continue,
                    }
                }
            }
            self.fetch(db, head(), limit).await?;
        }
    }

    /// Empties the window and moves it to `after`, unless it already reached further.
    fn skip_to(&self, after: i32) {
        let mut entries = self.entries();
        if after > entries.end {
            entries.rows.clear();
            entries.start = after;
            entries.end = after;
        }
    }

    /// Extends the window with the entries after its end; `head` was read before the fetch.
    async fn fetch(&self, db: &DatabaseConnection, head: i32, limit: u32) -> Result<(), DbErr> {
        let end = self.entries().end;
        let result = read_after(db, end, &LogFilter::default(), limit).await;
        let mut entries = self.entries();
        entries.fetches += 1;
        let rows = match result {
            Ok(rows) => rows,
            Err(error) => {
                entries.failure = Some(error.to_string());
                return Err(error);
            }
        };
        entries.failure = None;
        let full = rows.len() == limit as usize;
        if let Some(last) = rows.last() {
            entries.end = entries.end.max(last.id);
        }
        // Fewer rows than asked for: the log holds nothing else up to the head read before.
        if !full {
            entries.end = entries.end.max(head);
        }
        entries.rows.extend(rows);
        while entries.rows.len() > CAPACITY {
            if let Some(dropped) = entries.rows.pop_front() {
                entries.start = dropped.id;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn entry(id: i32, kind: &str) -> initiative_events::Model {
        initiative_events::Model {
            id,
            initiative_id: Some(1),
            kind: kind.into(),
            event_id: None,
            payload: serde_json::Value::Null,
            actor: "test".into(),
            occurred_at: Utc::now(),
        }
    }

    fn window(start: i32, ids: &[i32], end: i32) -> Window {
        let window = Window::new(start);
        {
            let mut entries = window.entries();
            entries.rows = ids.iter().map(|&id| entry(id, "created")).collect();
            entries.end = end;
        }
        window
    }

    fn ids(answer: Answer) -> Option<Vec<i32>> {
        match answer {
            Answer::Rows(rows) => Some(rows.iter().map(|row| row.id).collect()),
            _ => None,
        }
    }

    #[test]
    fn answers_only_what_the_window_covers() {
        let all = LogFilter::default();
        let window = window(10, &[11, 12, 13], 13);
        assert_eq!(ids(window.answer(11, 13, &all, 100)), Some(vec![12, 13]));
        assert_eq!(ids(window.answer(13, 13, &all, 100)), Some(vec![]));
        // A position before the window reads the database.
        assert!(matches!(window.answer(9, 13, &all, 100), Answer::Behind));
        // Entries up to 14 are committed but not in the window yet: fetch first...
        assert!(matches!(
            window.answer(11, 14, &all, 100),
            Answer::Fetch { .. }
        ));
        // ...unless the reader already has as many as it asked for.
        assert_eq!(ids(window.answer(10, 14, &all, 2)), Some(vec![11, 12]));
    }

    #[test]
    fn filters_apply_in_memory() {
        let window = Window::new(0);
        {
            let mut entries = window.entries();
            entries.rows = [entry(1, "created"), entry(2, "milestone")].into();
            entries.end = 2;
        }
        let created = LogFilter {
            kinds: vec![crate::domain::InitiativeEventKind::Created],
            ..Default::default()
        };
        assert_eq!(ids(window.answer(0, 2, &created, 100)), Some(vec![1]));
        assert_eq!(ids(window.answer(1, 2, &created, 100)), Some(vec![]));
    }
}
