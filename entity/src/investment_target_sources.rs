//! `investment_target_sources`: A source cited for a investment target.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "investment_target_sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub investment_target_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
