//! The snapshot: every row of the core graph (directions, initiatives, sectors, prefectures,
//! Indian states and the links between them) in memory, labelled with the event-log head it
//! was read at.
//!
//! It is read in one transaction (repeatable read on PostgreSQL, a single read transaction on
//! SQLite), so the rows and the head agree: the snapshot holds exactly the data of log entry
//! `head` and everything before it.

use entity::{
    directions, indian_states, initiative_indian_states, initiative_prefectures,
    initiative_sectors, initiatives, prefectures, sectors,
};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, IsolationLevel,
    QueryOrder, TransactionTrait,
};
use std::collections::HashMap;

/// The rows of one table, by ascending id (the API's default order), with an index by id.
pub struct Table<M> {
    pub rows: Vec<M>,
    index: HashMap<i32, u32>,
}

impl<M> Table<M> {
    fn new(rows: Vec<M>, id: impl Fn(&M) -> i32) -> Self {
        let index = rows
            .iter()
            .enumerate()
            .map(|(i, row)| (id(row), i as u32))
            .collect();
        Self { rows, index }
    }

    /// The position of the row with primary key `id`.
    pub fn position(&self, id: i32) -> Option<u32> {
        self.index.get(&id).copied()
    }

    pub fn get(&self, position: u32) -> &M {
        &self.rows[position as usize]
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// For each parent row (by position), the positions of its children in ascending id order.
pub type Adjacency = Vec<Vec<u32>>;

/// The core graph at one event-log head.
pub struct Graph {
    pub head: i32,
    pub directions: Table<directions::Model>,
    pub initiatives: Table<initiatives::Model>,
    pub sectors: Table<sectors::Model>,
    pub prefectures: Table<prefectures::Model>,
    pub indian_states: Table<indian_states::Model>,
    pub direction_initiatives: Adjacency,
    pub initiative_sectors: Adjacency,
    pub initiative_prefectures: Adjacency,
    pub initiative_indian_states: Adjacency,
    pub sector_initiatives: Adjacency,
    pub sector_children: Adjacency,
    pub prefecture_initiatives: Adjacency,
    pub indian_state_initiatives: Adjacency,
}

/// Children of each parent from `(parent id, child id)` pairs. Children are kept in ascending
/// id order, which is their position order since tables are sorted by id. Pairs naming a row
/// that is not there are skipped (foreign keys forbid them; a snapshot must not panic).
fn adjacency<P, C>(
    parents: &Table<P>,
    children: &Table<C>,
    pairs: impl IntoIterator<Item = (i32, i32)>,
) -> Adjacency {
    let mut out: Adjacency = vec![Vec::new(); parents.len()];
    for (parent, child) in pairs {
        if let (Some(p), Some(c)) = (parents.position(parent), children.position(child)) {
            out[p as usize].push(c);
        }
    }
    for list in &mut out {
        list.sort_unstable();
        list.dedup();
    }
    out
}

impl Graph {
    /// Reads the graph and the log head in one consistent transaction.
    pub async fn load(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let txn = match db.get_database_backend() {
            DbBackend::Postgres => {
                db.begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await?
            }
            _ => db.begin().await?,
        };
        // The head first: on SQLite the read transaction's snapshot starts at its first read.
        let head = crate::db::log::head(&txn).await?;
        let graph = Self::read(&txn, head).await?;
        txn.commit().await?;
        Ok(graph)
    }

    async fn read(db: &impl ConnectionTrait, head: i32) -> Result<Self, DbErr> {
        let directions = table::<directions::Entity>(db, directions::Column::Id, |r| r.id).await?;
        let initiatives =
            table::<initiatives::Entity>(db, initiatives::Column::Id, |r| r.id).await?;
        let sectors = table::<sectors::Entity>(db, sectors::Column::Id, |r| r.id).await?;
        let prefectures =
            table::<prefectures::Entity>(db, prefectures::Column::Id, |r| r.id).await?;
        let indian_states =
            table::<indian_states::Entity>(db, indian_states::Column::Id, |r| r.id).await?;
        let init_sectors =
            links::<initiative_sectors::Entity>(db, |l| (l.initiative_id, l.sector_id)).await?;
        let init_prefectures =
            links::<initiative_prefectures::Entity>(db, |l| (l.initiative_id, l.prefecture_id))
                .await?;
        let init_states =
            links::<initiative_indian_states::Entity>(db, |l| (l.initiative_id, l.indian_state_id))
                .await?;
        let flip = |pairs: &[(i32, i32)]| pairs.iter().map(|&(a, b)| (b, a)).collect::<Vec<_>>();
        Ok(Self {
            head,
            direction_initiatives: adjacency(
                &directions,
                &initiatives,
                initiatives
                    .rows
                    .iter()
                    .filter_map(|i| i.direction_id.map(|d| (d, i.id))),
            ),
            initiative_sectors: adjacency(&initiatives, &sectors, init_sectors.iter().copied()),
            initiative_prefectures: adjacency(
                &initiatives,
                &prefectures,
                init_prefectures.iter().copied(),
            ),
            initiative_indian_states: adjacency(
                &initiatives,
                &indian_states,
                init_states.iter().copied(),
            ),
            sector_initiatives: adjacency(&sectors, &initiatives, flip(&init_sectors)),
            sector_children: adjacency(
                &sectors,
                &sectors,
                sectors
                    .rows
                    .iter()
                    .filter_map(|s| s.parent_id.map(|p| (p, s.id))),
            ),
            prefecture_initiatives: adjacency(&prefectures, &initiatives, flip(&init_prefectures)),
            indian_state_initiatives: adjacency(&indian_states, &initiatives, flip(&init_states)),
            directions,
            initiatives,
            sectors,
            prefectures,
            indian_states,
        })
    }
}

/// All rows of `E` by ascending `id`.
async fn table<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    key: fn(&E::Model) -> i32,
) -> Result<Table<E::Model>, DbErr> {
    Ok(Table::new(E::find().order_by_asc(id).all(db).await?, key))
}

/// The `(parent, child)` pairs of the junction table `E`.
async fn links<E: EntityTrait>(
    db: &impl ConnectionTrait,
    pair: fn(E::Model) -> (i32, i32),
) -> Result<Vec<(i32, i32)>, DbErr> {
    Ok(E::find().all(db).await?.into_iter().map(pair).collect())
}
