//! `events`: A real-world happening: summit, meeting, signing, visit.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub occurred_on: Option<Date>,
    pub date_precision: Option<String>,
    pub time_local: Option<String>,
    pub location: Option<String>,
    pub organiser: Option<String>,
    pub status: Option<String>,
    pub participant_count: Option<i32>,
    #[sea_orm(column_type = "Json")]
    pub outcomes: Json,
    pub notes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
