//! The one way the importer writes a table: load it once, insert the rows it lacks, update the
//! rows whose values differ, and leave every other row alone.

use crate::dataset::error::ImportError;
use crate::dataset::report::ImportReport;
use entity::*;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue, ConnectionTrait, EntityTrait, IdenStatic,
    IntoActiveModel, Iterable, ModelTrait,
};
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hash::Hash;

/// Rows per INSERT statement: well under SQLite's and PostgreSQL's bind-parameter limits for
/// the widest table.
const INSERT_CHUNK: usize = 200;

/// Columns the importer maintains itself; a difference in them is not a change of data.
const BOOKKEEPING: &[&str] = &["created_at", "updated_at"];

/// A table whose rows the dataset identifies by a natural key.
pub(super) trait Keyed: EntityTrait {
    /// The natural key: the slug, a (parent, position) pair, or a link table's key.
    type Key: Clone + Eq + Hash;
    /// The key of a stored row.
    fn key(model: &Self::Model) -> Self::Key;
    /// The surrogate id of a stored row, for tables that have one.
    fn id(model: &Self::Model) -> Option<i32>;
}

macro_rules! by_slug {
    ($($table:ident),+) => {$(
        impl Keyed for $table::Entity {
            type Key = String;
            fn key(model: &$table::Model) -> String { model.slug.clone() }
            fn id(model: &$table::Model) -> Option<i32> { Some(model.id) }
        }
    )+};
}

by_slug!(
    directions,
    sectors,
    sources,
    events,
    initiatives,
    prefectures,
    indian_states,
    partnerships,
    investment_targets
);

macro_rules! by_columns {
    ($($table:ident => ($($column:ident),+) : $key:ty, $id:expr;)+) => {$(
        impl Keyed for $table::Entity {
            type Key = $key;
            fn key(model: &$table::Model) -> $key { ($(model.$column.clone()),+) }
            fn id(model: &$table::Model) -> Option<i32> { $id(model) }
        }
    )+};
}

by_columns!(
    initiative_figures => (initiative_id, position): (i32, i32), |m: &initiative_figures::Model| Some(m.id);
    governor_mentions => (prefecture_id, position): (i32, i32), |m: &governor_mentions::Model| Some(m.id);
    partnership_renewals => (partnership_id, renewed_on): (i32, chrono::NaiveDate), |m: &partnership_renewals::Model| Some(m.id);
    event_participants => (event_id, prefecture_id, indian_state_id): (i32, Option<i32>, Option<i32>), |m: &event_participants::Model| Some(m.id);
    initiative_sectors => (initiative_id, sector_id): (i32, i32), |_| None;
    initiative_prefectures => (initiative_id, prefecture_id): (i32, i32), |_| None;
    initiative_indian_states => (initiative_id, indian_state_id): (i32, i32), |_| None;
    event_initiatives => (event_id, initiative_id): (i32, i32), |_| None;
    partnership_prefectures => (partnership_id, prefecture_id): (i32, i32), |_| None;
    partnership_events => (partnership_id, event_id): (i32, i32), |_| None;
    direction_sources => (direction_id, source_id): (i32, i32), |_| None;
    initiative_sources => (initiative_id, source_id): (i32, i32), |_| None;
    prefecture_sources => (prefecture_id, source_id): (i32, i32), |_| None;
    indian_state_sources => (indian_state_id, source_id): (i32, i32), |_| None;
    partnership_sources => (partnership_id, source_id): (i32, i32), |_| None;
    investment_target_sources => (investment_target_id, source_id): (i32, i32), |_| None;
    event_sources => (event_id, source_id): (i32, i32), |_| None;
    event_participant_sources => (event_participant_id, source_id): (i32, i32), |_| None;
    governor_mention_sources => (governor_mention_id, source_id): (i32, i32), |_| None;
);

/// What the import did to one wanted row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The row was new.
    Inserted,
    /// These columns differed and were overwritten.
    Updated(Vec<&'static str>),
    /// The row already held these values.
    Unchanged,
}

/// The result of writing one table.
pub(super) struct Upserted<K> {
    table: &'static str,
    /// One outcome per distinct wanted key, in the order given.
    pub outcomes: Vec<(K, Outcome)>,
    ids: HashMap<K, i32>,
}

impl<K: Eq + Hash> Upserted<K> {
    /// The row id for a key (or a slug); every wanted key has one once the table is written.
    pub fn id<Q>(&self, key: &Q) -> Result<i32, ImportError>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + Debug + ?Sized,
    {
        self.ids
            .get(key)
            .copied()
            .ok_or_else(|| ImportError::Unresolved {
                table: self.table,
                key: format!("{key:?}"),
            })
    }
}

/// Writes `wanted` rows into `E`'s table. Only columns set in a wanted row are compared and
/// written, so columns the dataset does not speak to stay as editors left them. `touch`
/// adjusts a row about to be updated (e.g. its `updated_at`).
pub(super) async fn upsert<E, C>(
    db: &C,
    wanted: Vec<(E::Key, E::ActiveModel)>,
    touch: impl Fn(&mut E::ActiveModel),
    report: &mut ImportReport,
) -> Result<Upserted<E::Key>, ImportError>
where
    C: ConnectionTrait,
    E: Keyed,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelBehavior + Send,
{
    let table = E::default().table_name();
    let mut existing: HashMap<E::Key, E::Model> = E::find()
        .all(db)
        .await?
        .into_iter()
        .map(|model| (E::key(&model), model))
        .collect();
    let mut seen = HashSet::new();
    let mut outcomes = Vec::with_capacity(wanted.len());
    let mut inserts = Vec::new();
    for (key, row) in wanted {
        // A list in the file may name the same thing twice; it is still one row.
        if !seen.insert(key.clone()) {
            continue;
        }
        let outcome = match existing.get(&key) {
            None => {
                inserts.push(row);
                Outcome::Inserted
            }
            Some(current) => {
                let changed = changed_columns::<E>(&row, current);
                if changed.is_empty() {
                    Outcome::Unchanged
                } else {
                    let mut update = current.clone().into_active_model();
                    for &column in &changed {
                        if let ActiveValue::Set(value) = row.get(column) {
                            update.try_set(column, value)?;
                        }
                    }
                    touch(&mut update);
                    update.update_without_returning(db).await?;
                    Outcome::Updated(changed.iter().map(|column| column.as_str()).collect())
                }
            }
        };
        outcomes.push((key, outcome));
    }

    let inserted = inserts.len();
    let mut rows = inserts.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(INSERT_CHUNK).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    if inserted > 0 {
        // Only the database knows the ids it just assigned.
        existing = E::find()
            .all(db)
            .await?
            .into_iter()
            .map(|model| (E::key(&model), model))
            .collect();
    }

    let updated = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Updated(_)))
        .count();
    report.record(
        table,
        inserted,
        updated,
        outcomes.len() - inserted - updated,
    );
    let ids = existing
        .iter()
        .filter_map(|(key, model)| E::id(model).map(|id| (key.clone(), id)))
        .collect();
    Ok(Upserted {
        table,
        outcomes,
        ids,
    })
}

/// Columns set in `wanted` whose value differs from the stored row.
fn changed_columns<E: EntityTrait>(wanted: &E::ActiveModel, current: &E::Model) -> Vec<E::Column>
where
    E::ActiveModel: ActiveModelTrait<Entity = E>,
{
    E::Column::iter()
        .filter(|column| !BOOKKEEPING.contains(&column.as_str()))
        .filter(|&column| {
            matches!(wanted.get(column), ActiveValue::Set(value) if value != current.get(column))
        })
        .collect()
}
