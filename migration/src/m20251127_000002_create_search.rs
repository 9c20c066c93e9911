//! Creates the full-text search index: one `search_documents` row per searchable object, and the
//! backend's own index over it.
//!
//! The rows themselves are written by the application (`kizuna::db::search::sync`), not here:
//! what a document contains is code that may change between releases, while a migration is
//! frozen once shipped. The server fills and refreshes the table on start, on import and on
//! every mutation.
//!
//! - SQLite: an FTS5 table with external content (`content='search_documents'`), so the text is
//!   stored once. FTS5 does not follow its content table by itself, so three triggers mirror
//!   every insert, update and delete into it. `porter unicode61` folds case and diacritics and
//!   stems English ("semiconductors" matches "semiconductor").
//! - PostgreSQL: a generated `tsvector` column with a GIN index. It concatenates an `english`
//!   vector (stemmed, stop words dropped) with a `simple` one (every token as written), so
//!   words the English stemmer would mangle or drop, such as Japanese names, still match
//!   exactly. Being generated, it can never disagree with `title` and `body`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table of search documents.
pub const SEARCH_TABLE: &str = "search_documents";

/// SQLite: the FTS5 index and the triggers that keep it in step with `search_documents`.
const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE search_documents_fts USING fts5(\
     title, body, content='search_documents', content_rowid='id', \
     tokenize='porter unicode61')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN \
     INSERT INTO search_documents_fts(rowid, title, body) VALUES (new.id, new.title, new.body); \
     END",
    // An external-content FTS5 table must be told the old text to remove it: it keeps no copy.
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN \
     INSERT INTO search_documents_fts(search_documents_fts, rowid, title, body) \
     VALUES ('delete', old.id, old.title, old.body); \
     END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN \
     INSERT INTO search_documents_fts(search_documents_fts, rowid, title, body) \
     VALUES ('delete', old.id, old.title, old.body); \
     INSERT INTO search_documents_fts(rowid, title, body) VALUES (new.id, new.title, new.body); \
     END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TABLE IF EXISTS search_documents_fts",
];

/// PostgreSQL: the weighted vector (title A, body B) and its index. `to_tsvector` with an
/// explicit configuration is immutable, which a generated column requires.
const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (\
     setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('simple', title), 'A') || \
     setweight(to_tsvector('english', body), 'B') || setweight(to_tsvector('simple', body), 'B')\
     ) STORED",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING GIN (tsv)",
];

async fn run_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// SQLite migrations run outside a transaction by default; this one makes several objects
    /// that only work together, so a failure half-way must leave none of them.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        if !matches!(backend, DbBackend::Sqlite | DbBackend::Postgres) {
            return Err(DbErr::Migration(format!(
                "full-text search needs SQLite or PostgreSQL, not {backend:?}"
            )));
        }
        manager
            .create_table(
                Table::create()
                    .table(SEARCH_TABLE)
                    .col(
                        // On SQLite this is the rowid, which the FTS5 table is keyed on.
                        ColumnDef::new("id")
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new("kind").text().not_null())
                    .col(ColumnDef::new("ref_id").integer().not_null())
                    .col(ColumnDef::new("title").text().not_null())
                    .col(ColumnDef::new("body").text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_search_documents_kind_ref_id")
                    .table(SEARCH_TABLE)
                    .col("kind")
                    .col("ref_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        match backend {
            DbBackend::Postgres => run_all(manager, POSTGRES_UP).await,
            _ => run_all(manager, SQLITE_UP).await,
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // On PostgreSQL the column and its index go with the table.
        if manager.get_database_backend() == DbBackend::Sqlite {
            run_all(manager, SQLITE_DOWN).await?;
        }
        manager
            .drop_table(Table::drop().table(SEARCH_TABLE).if_exists().to_owned())
            .await
    }
}
