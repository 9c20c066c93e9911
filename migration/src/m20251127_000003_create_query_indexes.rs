//! Indexes for the query language's common paths: sorting and filtering initiatives by name and
//! status, prefectures by region, and events, sources and partnerships by date. (Foreign keys and
//! the reverse side of every link table were indexed by the first migration.)

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(index name, table, column)`.
const INDEXES: &[(&str, &str, &str)] = &[
    ("ix_initiatives_name", "initiatives", "name"),
    ("ix_initiatives_status", "initiatives", "status"),
    ("ix_initiatives_created_at", "initiatives", "created_at"),
    ("ix_prefectures_region", "prefectures", "region"),
    ("ix_events_occurred_on", "events", "occurred_on"),
    ("ix_sources_published_on", "sources", "published_on"),
    (
        "ix_partnerships_established_on",
        "partnerships",
        "established_on",
    ),
    ("ix_initiative_events_kind", "initiative_events", "kind"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(*name)
                        .table(*table)
                        .col(*column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}
