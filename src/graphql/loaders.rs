//! DataLoaders: every nested field goes through one, so a request costs a number of statements
//! that depends on the shape of the query, not on how many rows it returns.
//!
//! Loaders live in the schema (not per request) and do not cache: they only batch the loads
//! that the executor issues together, so a write is visible to the next read.

use crate::db::lookup;
use crate::db::page::{Page, Rel, load_by_ids, load_pages};
use crate::db::query::PageSpec;
use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, FromQueryResult};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::error::Result;

/// Key of a page load: which relation, under which parent, which page (filter, order, window).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub rel: Rel,
    pub parent: i32,
    pub spec: Arc<PageSpec>,
}

/// Loads pages of entity `E` for many parents at once: one statement per distinct
/// (relation, page spec) in the batch, two when totals are asked for.
pub struct PageLoader<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E> PageLoader<E> {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            entity: PhantomData,
        }
    }
}

impl<E> Loader<PageKey> for PageLoader<E>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Clone + Send + Sync + 'static,
{
    type Value = Arc<Page<E::Model>>;
    type Error = DbErr;

    async fn load(&self, keys: &[PageKey]) -> Result<HashMap<PageKey, Self::Value>, DbErr> {
        let mut groups: HashMap<(Rel, Arc<PageSpec>), Vec<i32>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.rel, key.spec.clone()))
                .or_default()
                .push(key.parent);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((rel, spec), parents) in groups {
            let pages = load_pages::<E::Model>(&self.db, rel, &parents, &spec).await?;
            for (parent, page) in pages {
                out.insert(
                    PageKey {
                        rel,
                        parent,
                        spec: spec.clone(),
                    },
                    Arc::new(page),
                );
            }
        }
        Ok(out)
    }
}

/// One batching loader per relation of entity `E`, created on first use.
///
/// A loader shared by all relations of an entity (say `Initiative.prefectures` and
/// `Event.prefectures`) would let a deeper level's keys join a shallower level's batch while it
/// is still open, and a batch that fires with only some of a level's keys splits that level into
/// two statements at random. With a loader per relation, a batch only ever holds one relation's
/// keys, which all arrive together.
pub struct RelationLoaders<E> {
    db: DatabaseConnection,
    delay: std::time::Duration,
    loaders: std::sync::Mutex<HashMap<Rel, Arc<DataLoader<PageLoader<E>>>>>,
}

impl<E> RelationLoaders<E>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Clone + Send + Sync + 'static,
{
    pub fn new(db: DatabaseConnection, delay: std::time::Duration) -> Self {
        Self {
            db,
            delay,
            loaders: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The loader of `rel`.
    pub fn get(&self, rel: Rel) -> Arc<DataLoader<PageLoader<E>>> {
        // The map is only inserted into; a panic elsewhere cannot leave it inconsistent.
        let mut loaders = self
            .loaders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loaders
            .entry(rel)
            .or_insert_with(|| {
                Arc::new(
                    DataLoader::new(PageLoader::new(self.db.clone()), tokio::spawn)
                        .delay(self.delay),
                )
            })
            .clone()
    }
}

/// Loads rows of entity `E` by primary key (to-one relations).
pub struct ByIdLoader<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E> ByIdLoader<E> {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            entity: PhantomData,
        }
    }
}

impl<E> Loader<i32> for ByIdLoader<E>
where
    E: EntityTrait + Default,
    E::Model: FromQueryResult + Clone + Send + Sync + 'static,
{
    type Value = E::Model;
    type Error = DbErr;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, E::Model>, DbErr> {
        let table = E::default().table_name();
        Ok(load_by_ids::<E::Model>(&self.db, table, keys)
            .await?
            .into_iter()
            .collect())
    }
}

/// Key of an attendance lookup: a prefecture (or state) and an event slug.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AttendanceKey {
    pub party_column: &'static str,
    pub party: i32,
    pub event_slug: String,
}

/// Loads recorded attendance of prefectures or states at events.
pub struct AttendanceLoader {
    db: DatabaseConnection,
}

impl AttendanceLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl Loader<AttendanceKey> for AttendanceLoader {
    type Value = String;
    type Error = DbErr;

    async fn load(&self, keys: &[AttendanceKey]) -> Result<HashMap<AttendanceKey, String>, DbErr> {
        let mut out = HashMap::new();
        for column in ["prefecture_id", "indian_state_id"] {
            let mine: Vec<&AttendanceKey> =
                keys.iter().filter(|k| k.party_column == column).collect();
            if mine.is_empty() {
                continue;
            }
            let mut parties: Vec<i32> = mine.iter().map(|k| k.party).collect();
            parties.sort_unstable();
            parties.dedup();
            let mut slugs: Vec<String> = mine.iter().map(|k| k.event_slug.clone()).collect();
            slugs.sort_unstable();
            slugs.dedup();
            for (party, event_slug, attendance) in
                lookup::attendance(&self.db, column, &parties, &slugs).await?
            {
                out.insert(
                    AttendanceKey {
                        party_column: column,
                        party,
                        event_slug,
                    },
                    attendance,
                );
            }
        }
        Ok(out)
    }
}

/// Registers one loader of each kind for each entity on the schema builder.
pub fn register<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
    db: &DatabaseConnection,
    delay: std::time::Duration,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    macro_rules! loaders {
        ($builder:expr, $($entity:path),+ $(,)?) => {{
            let mut b = $builder;
            $(
                b = b
                    .data(RelationLoaders::<$entity>::new(db.clone(), delay))
                    .data(DataLoader::new(ByIdLoader::<$entity>::new(db.clone()), tokio::spawn).delay(delay));
            )+
            b
        }};
    }
    let builder = loaders!(
        builder,
        entity::directions::Entity,
        entity::initiatives::Entity,
        entity::initiative_figures::Entity,
        entity::initiative_events::Entity,
        entity::sectors::Entity,
        entity::prefectures::Entity,
        entity::governor_mentions::Entity,
        entity::indian_states::Entity,
        entity::partnerships::Entity,
        entity::partnership_renewals::Entity,
        entity::investment_targets::Entity,
        entity::events::Entity,
        entity::event_participants::Entity,
        entity::sources::Entity,
    );
    builder.data(DataLoader::new(AttendanceLoader::new(db.clone()), tokio::spawn).delay(delay))
}

/// Loads one page of `rel` under `parent` through the batching loader.
pub async fn load_page<E>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i32,
    spec: PageSpec,
) -> Result<Arc<Page<E::Model>>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Clone + Send + Sync + 'static,
{
    let loader = ctx.data::<RelationLoaders<E>>()?.get(rel);
    let page = loader
        .load_one(PageKey {
            rel,
            parent,
            spec: Arc::new(spec),
        })
        .await?;
    Ok(page.unwrap_or_default())
}

/// Loads one row of `E` by primary key through the batching loader.
pub async fn load_by_id<E>(ctx: &Context<'_>, id: i32) -> Result<Option<E::Model>>
where
    E: EntityTrait + Default,
    E::Model: FromQueryResult + Clone + Send + Sync + 'static,
{
    let loader = ctx.data::<DataLoader<ByIdLoader<E>>>()?;
    Ok(loader.load_one(id).await?)
}
