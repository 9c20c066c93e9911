//! `initiative_events`: The append-only log of what happens to an initiative.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "initiative_events")]
pub struct Model {
    /// The sequence number: assigned in commit order, never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub initiative_id: Option<i32>,
    pub kind: String,
    pub event_id: Option<i32>,
    #[sea_orm(column_type = "Json")]
    pub payload: Json,
    pub actor: String,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
