//! `investment_targets`: An investment target, with an exact amount in its currency.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "investment_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub amount: i64,
    pub currency: String,
    pub kind: String,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub period_label: Option<String>,
    pub status: String,
    pub status_note: Option<String>,
    pub approx_usd: Option<String>,
    pub announced_at_event_id: Option<i32>,
    pub initiative_id: Option<i32>,
    pub notes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
