//! `indian_state_sources`: A source cited for a indian state.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indian_state_sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub indian_state_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
