//! `governor_mentions`: A governor of a prefecture as named by a source.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "governor_mentions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub prefecture_id: i32,
    pub position: i32,
    pub name: String,
    pub role: String,
    pub as_of: Option<Date>,
    pub as_of_precision: Option<String>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
