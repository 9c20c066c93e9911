//! The initiative event log: writing entries in commit order, and reading them after a
//! sequence number with a filter.
//!
//! Ordering is the whole point. Every write transaction starts by locking the single row of
//! `event_log_head` ([`begin_write`]); sequence numbers are taken from that row, and the lock is
//! held until commit. So a transaction with a higher number always commits after every lower
//! one, and a reader that has seen N never later finds an entry below N — with concurrent writers,
//! several processes and both databases alike. (A plain auto-increment would hand out numbers in
//! insert order, not commit order, and let a reader skip an entry still in flight.)

use crate::domain::InitiativeEventKind;
use chrono::{DateTime, Utc};
use entity::initiative_events;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    FromQueryResult, Statement, TransactionTrait,
};
use std::fmt::Write;

/// The PostgreSQL channel on which committed sequence numbers are announced.
pub const NOTIFY_CHANNEL: &str = "kizuna_initiative_events";

/// An entry to append.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub initiative_id: Option<i32>,
    pub kind: InitiativeEventKind,
    pub event_id: Option<i32>,
    pub payload: serde_json::Value,
}

/// Begins a write transaction that holds the log lock until it commits or rolls back. Every
/// transaction that may append to the log must start here, before it touches other rows, so
/// that writers queue in one order and cannot deadlock on each other's rows.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    txn.execute_unprepared("UPDATE event_log_head SET last_seq = last_seq WHERE id = 1")
        .await?;
    Ok(txn)
}

/// Appends entries inside a [`begin_write`] transaction and returns them as stored, in order. On PostgreSQL the number is also announced on
/// [`NOTIFY_CHANNEL`], which PostgreSQL delivers only if the transaction commits.
pub async fn append(
    txn: &DatabaseTransaction,
    entries: Vec<NewEntry>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<initiative_events::Model>, DbErr> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let backend = txn.get_database_backend();
    let count = i32::try_from(entries.len())
        .map_err(|_| DbErr::Custom("too many log entries in one transaction".into()))?;
    let sql = format!(
        "UPDATE event_log_head SET last_seq = last_seq + {count} WHERE id = 1 RETURNING last_seq"
    );
    let row = txn
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("event_log_head".into()))?;
    let last: i32 = row.try_get("", "last_seq")?;
    let models: Vec<initiative_events::Model> = entries
        .into_iter()
        .zip(last - count + 1..)
        .map(|(entry, seq)| initiative_events::Model {
            id: seq,
            initiative_id: entry.initiative_id,
            kind: entry.kind.as_db().to_owned(),
            event_id: entry.event_id,
            payload: entry.payload,
            actor: actor.to_owned(),
            occurred_at: now,
        })
        .collect();
    let rows = models
        .iter()
        .cloned()
        .map(initiative_events::ActiveModel::from);
    initiative_events::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    if backend == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_notify('{NOTIFY_CHANNEL}', '{last}')"))
            .await?;
    }
    Ok(models)
}

/// The last committed sequence number.
pub async fn head(db: &impl ConnectionTrait) -> Result<i32, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT last_seq FROM event_log_head WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get("", "last_seq")?,
        None => 0,
    })
}

/// Which entries a reader wants; ids are resolved from slugs by the caller. Within one
/// dimension any value matches; every dimension given must match. Initiative dimensions are
/// checked against the initiative's links as they are now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub kinds: Vec<InitiativeEventKind>,
    pub direction_ids: Vec<i32>,
    pub sector_ids: Vec<i32>,
    pub prefecture_ids: Vec<i32>,
    pub indian_state_ids: Vec<i32>,
    pub initiative_ids: Vec<i32>,
}

fn id_list(ids: &[i32]) -> String {
    ids.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl LogFilter {
    /// Whether the filter looks only at the entry itself (its kind and initiative), so that
    /// [`LogFilter::matches`] decides it without the database. Direction, sector, prefecture and
    /// state filters look at the initiative's links as they are when the entry is read.
    pub fn on_entry_only(&self) -> bool {
        self.direction_ids.is_empty()
            && self.sector_ids.is_empty()
            && self.prefecture_ids.is_empty()
            && self.indian_state_ids.is_empty()
    }

    /// Whether `entry` passes the kind and initiative parts of the filter, as the SQL of
    /// [`read_after`] decides them (an entry about no initiative matches no initiative list).
    pub fn matches(&self, entry: &initiative_events::Model) -> bool {
        (self.kinds.is_empty() || self.kinds.iter().any(|k| k.as_db() == entry.kind))
            && (self.initiative_ids.is_empty()
                || entry
                    .initiative_id
                    .is_some_and(|id| self.initiative_ids.contains(&id)))
    }

    fn write_sql(&self, sql: &mut String) {
        if !self.kinds.is_empty() {
            // Kind words are a fixed vocabulary of lowercase identifiers, never client text.
            let words: Vec<String> = self
                .kinds
                .iter()
                .map(|k| format!("'{}'", k.as_db()))
                .collect();
            let _ = write!(sql, " AND e.kind IN ({})", words.join(", "));
        }
        if !self.initiative_ids.is_empty() {
            let _ = write!(
                sql,
                " AND e.initiative_id IN ({})",
                id_list(&self.initiative_ids)
            );
        }
        if !self.direction_ids.is_empty() {
            let _ = write!(
                sql,
                " AND EXISTS (SELECT 1 FROM initiatives i WHERE i.id = e.initiative_id AND i.direction_id IN ({}))",
                id_list(&self.direction_ids)
            );
        }
        for (ids, table, column) in [
            (&self.sector_ids, "initiative_sectors", "sector_id"),
            (
                &self.prefecture_ids,
                "initiative_prefectures",
                "prefecture_id",
            ),
            (
                &self.indian_state_ids,
                "initiative_indian_states",
                "indian_state_id",
            ),
        ] {
            if !ids.is_empty() {
                let _ = write!(
                    sql,
                    " AND EXISTS (SELECT 1 FROM {table} f WHERE f.initiative_id = e.initiative_id AND f.{column} IN ({}))",
                    id_list(ids)
                );
            }
        }
    }
}

/// Up to `limit` entries after sequence number `after` that match `filter`, in order.
pub async fn read_after(
    db: &impl ConnectionTrait,
    after: i32,
    filter: &LogFilter,
    limit: u32,
) -> Result<Vec<initiative_events::Model>, DbErr> {
    let mut sql = format!("SELECT e.* FROM initiative_events e WHERE e.id > {after}");
    filter.write_sql(&mut sql);
    let _ = write!(sql, " ORDER BY e.id LIMIT {limit}");
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.iter()
        .map(|row| initiative_events::Model::from_query_result(row, ""))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_combine_dimensions_with_and_and_values_with_or() {
        let filter = LogFilter {
            kinds: vec![InitiativeEventKind::Created, InitiativeEventKind::Milestone],
            sector_ids: vec![3, 4],
            ..Default::default()
        };
        let mut sql = String::new();
        filter.write_sql(&mut sql);
        assert!(sql.contains("e.kind IN ('created', 'milestone')"), "{sql}");
        assert!(sql.contains("f.sector_id IN (3, 4)"), "{sql}");
        assert!(!sql.contains("prefecture"), "{sql}");
    }

    #[test]
    fn in_memory_matching_follows_the_sql() {
        let entry =
            |kind: InitiativeEventKind, initiative_id: Option<i32>| initiative_events::Model {
                id: 1,
                initiative_id,
                kind: kind.as_db().to_owned(),
                event_id: None,
                payload: serde_json::Value::Null,
                actor: "test".into(),
                occurred_at: Utc::now(),
            };
        let any = LogFilter::default();
        assert!(any.on_entry_only());
        assert!(any.matches(&entry(InitiativeEventKind::Created, None)));

        let filter = LogFilter {
            kinds: vec![InitiativeEventKind::Created],
            initiative_ids: vec![7],
            ..Default::default()
        };
        assert!(filter.on_entry_only());
        assert!(filter.matches(&entry(InitiativeEventKind::Created, Some(7))));
        assert!(!filter.matches(&entry(InitiativeEventKind::Created, Some(8))));
        assert!(!filter.matches(&entry(InitiativeEventKind::Created, None)));
        assert!(!filter.matches(&entry(InitiativeEventKind::Milestone, Some(7))));

        let by_sector = LogFilter {
            sector_ids: vec![3],
            ..Default::default()
        };
        assert!(!by_sector.on_entry_only());
    }
}
