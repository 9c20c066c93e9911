//! `directions`: One of the eight directions of the Joint Vision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "directions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub number: i32,
    pub slug: String,
    pub name: String,
    pub ja_label: Option<String>,
    pub summary: Option<String>,
    pub summary_note: Option<String>,
    #[sea_orm(column_type = "Json")]
    pub name_variants: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
