//! `initiative_figures`: A stated figure of an initiative (a target, a count, a deadline).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "initiative_figures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub initiative_id: i32,
    pub position: i32,
    pub label: String,
    pub value: Option<i64>,
    pub unit: Option<String>,
    pub currency: Option<String>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
