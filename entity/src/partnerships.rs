//! `partnerships`: A partnership between an Indian state and a Japanese prefecture or another counterpart.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnerships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    pub indian_state_id: i32,
    pub counterpart_kind: String,
    pub counterpart_name: Option<String>,
    pub nature: String,
    pub established_on: Option<Date>,
    pub established_precision: Option<String>,
    pub valid_until: Option<Date>,
    pub valid_until_precision: Option<String>,
    pub status: Option<String>,
    pub cited_in_2025_summit: bool,
    pub confidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
