//! `initiative_events`: The append-only log of what happens to an initiative.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "initiative_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub seq: i64,
    pub initiative_id: i32,
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
