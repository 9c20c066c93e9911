//! Full-text search: keeping `search_documents` in step with the graph, and ranked, keyset-paged
//! queries over it.
//!
//! A document is derived from its object and the rows it names (an initiative's sector and
//! direction names, a partnership's state and prefectures), so a change to any of those must
//! refresh it. Rather than track which documents each write touches, [`sync`] recomputes every
//! document in three set-based statements and writes only the rows that differ. The graph is a
//! few hundred objects, so that costs about as much as a page query, and it cannot miss a
//! dependency. Callers run it inside their write transaction, so readers never see an object
//! without its document.
//!
//! Query text is client input: it only ever reaches the database as a bound parameter. On SQLite
//! it is first rewritten into FTS5 syntax in which every word is a quoted string (see
//! [`fts5_query`]), so no operator, column filter or prefix marker of the client's survives; on
//! PostgreSQL `plainto_tsquery` ignores operators by design.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use std::fmt::Write;

/// The kinds of object that have search documents, with the word stored in `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocKind {
    Initiative,
    Event,
    Partnership,
    Prefecture,
    IndianState,
    Source,
}

impl DocKind {
    pub const ALL: [DocKind; 6] = [
        DocKind::Initiative,
        DocKind::Event,
        DocKind::Partnership,
        DocKind::Prefecture,
        DocKind::IndianState,
        DocKind::Source,
    ];

    /// The word stored in `search_documents.kind`.
    pub fn as_db(self) -> &'static str {
        match self {
            DocKind::Initiative => "initiative",
            DocKind::Event => "event",
            DocKind::Partnership => "partnership",
            DocKind::Prefecture => "prefecture",
            DocKind::IndianState => "indian_state",
            DocKind::Source => "source",
        }
    }

    pub fn from_db(word: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_db() == word)
    }

    /// The table whose primary key `ref_id` holds.
    fn table(self) -> &'static str {
        match self {
            DocKind::Initiative => "initiatives",
            DocKind::Event => "events",
            DocKind::Partnership => "partnerships",
            DocKind::Prefecture => "prefectures",
            DocKind::IndianState => "indian_states",
            DocKind::Source => "sources",
        }
    }
}

/// `expr` of all rows aggregated into one string, in `order`; NULL when there are none.
fn string_list(backend: DbBackend, expr: &str, separator: &str, order: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("string_agg({expr}, '{separator}' ORDER BY {order})"),
        _ => format!("group_concat({expr}, '{separator}' ORDER BY {order})"),
    }
}

/// The text of an event's `outcomes` (a JSON array of strings), space-separated.
fn outcomes_text(backend: DbBackend) -> String {
    match backend {
        // The guard keeps a malformed value (not an array) from failing every write.
        DbBackend::Postgres => "CASE WHEN json_typeof(e.outcomes) = 'array' THEN \
             (SELECT string_agg(o.value, ' ' ORDER BY o.n) \
              FROM json_array_elements_text(e.outcomes) WITH ORDINALITY AS o(value, n)) END"
            .to_owned(),
        _ => "(SELECT group_concat(o.value, ' ' ORDER BY o.key) FROM json_each(e.outcomes) AS o)"
            .to_owned(),
    }
}

/// Every document as it should be: `(kind, ref_id, title, body)`. `concat_ws` skips NULLs on
/// both backends, so optional fields need no COALESCE and never leave the whole text NULL.
/// Lists are ordered so the same data always gives the same text, and [`sync`] sees no change.
fn documents_sql(backend: DbBackend) -> String {
    let sectors = string_list(backend, "s.name", " ", "s.name");
    let prefectures = string_list(backend, "pr.name", ", ", "pr.name");
    let outcomes = outcomes_text(backend);
    format!(
        "SELECT 'initiative' AS kind, i.id AS ref_id, i.name AS title, \
           concat_ws(' ', i.description, i.notes, \
             (SELECT {sectors} FROM initiative_sectors l JOIN sectors s ON s.id = l.sector_id \
              WHERE l.initiative_id = i.id), \
             d.name) AS body \
         FROM initiatives i LEFT JOIN directions d ON d.id = i.direction_id \
         UNION ALL \
         SELECT 'event', e.id, e.title, concat_ws(' ', e.location, {outcomes}, e.notes) \
         FROM events e \
         UNION ALL \
         SELECT 'partnership', p.id, \
           concat_ws(' – ', st.name, COALESCE(p.counterpart_name, \
             (SELECT {prefectures} FROM partnership_prefectures l \
              JOIN prefectures pr ON pr.id = l.prefecture_id WHERE l.partnership_id = p.id))), \
           concat_ws(' ', p.nature, p.notes) \
         FROM partnerships p JOIN indian_states st ON st.id = p.indian_state_id \
         UNION ALL \
         SELECT 'prefecture', f.id, concat_ws(' ', f.name, f.name_ja), concat_ws(' ', f.region, f.capital) \
         FROM prefectures f \
         UNION ALL \
         SELECT 'indian_state', s.id, s.name, s.capital FROM indian_states s \
         UNION ALL \
         SELECT 'source', s.id, s.title, COALESCE(s.publisher, '') FROM sources s"
    )
}

/// The statements [`sync`] runs, in order: delete documents whose object is gone, update those
/// whose text changed, insert the missing ones.
pub fn sync_statements(backend: DbBackend) -> [String; 3] {
    let mut delete = String::from("DELETE FROM search_documents WHERE NOT (");
    for (n, kind) in DocKind::ALL.into_iter().enumerate() {
        if n > 0 {
            delete.push_str(" OR ");
        }
        let _ = write!(
            delete,
            "(kind = '{}' AND ref_id IN (SELECT id FROM {}))",
            kind.as_db(),
            kind.table()
        );
    }
    delete.push(')');
    let documents = documents_sql(backend);
    // Comparing before writing keeps an unchanged document's index entries (and, on
    // PostgreSQL, its row version) untouched, so a sync after a small write stays small.
    let update = format!(
        "UPDATE search_documents SET title = w.title, body = w.body FROM ({documents}) AS w \
         WHERE w.kind = search_documents.kind AND w.ref_id = search_documents.ref_id \
         AND (w.title <> search_documents.title OR w.body <> search_documents.body)"
    );
    // Not an upsert: on PostgreSQL `ON CONFLICT` would draw a sequence value for every
    // existing document on every write.
    let insert = format!(
        "INSERT INTO search_documents (kind, ref_id, title, body) \
         SELECT w.kind, w.ref_id, w.title, w.body FROM ({documents}) AS w \
         WHERE NOT EXISTS (SELECT 1 FROM search_documents x \
                           WHERE x.kind = w.kind AND x.ref_id = w.ref_id)"
    );
    [delete, update, insert]
}

/// Brings every search document up to date with the graph; returns how many rows it changed.
/// Run it in the transaction that changed the graph.
pub async fn sync(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let mut changed = 0;
    for sql in sync_statements(backend) {
        changed += db
            .execute_raw(Statement::from_string(backend, sql))
            .await?
            .rows_affected();
    }
    Ok(changed)
}

/// Rewrites client text as an FTS5 query that only ever matches words: every
/// whitespace-separated chunk becomes a quoted string (`"` doubled inside), and the strings are
/// joined by FTS5's implicit AND. Inside quotes `*`, `:`, `(`, `-`, `NEAR` and `OR` are plain
/// text, which the tokenizer then splits as it split the documents, so `mumbai–ahmedabad` is the
/// phrase "mumbai ahmedabad". A chunk of punctuation only becomes an empty phrase, which FTS5
/// ignores.
pub fn fts5_query(text: &str) -> String {
    text.split_whitespace()
        .map(|chunk| format!("\"{}\"", chunk.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a search page starts: after the hit with this rank, kind and id.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct After {
    pub rank: f64,
    pub kind: DocKind,
    pub ref_id: i32,
}

/// One matching object and how well it matched (higher is better).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub kind: DocKind,
    pub ref_id: i32,
    pub rank: f64,
}

/// A page of hits, best first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchPage {
    pub hits: Vec<Hit>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub total_count: i64,
}

/// Collects bound values and writes each one's placeholder in the backend's syntax. Values are
/// pushed in the order their placeholders appear, which SQLite's `?` needs.
struct Binds {
    backend: DbBackend,
    values: Vec<Value>,
}

impl Binds {
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }
}

/// The search statement: matches with rank, numbered in result order, one page after `after`,
/// plus the total. The page is LEFT JOINed to the count so an empty page still reports it.
fn search_statement(backend: DbBackend, text: &str, first: u32, after: Option<After>) -> Statement {
    let mut b = Binds {
        backend,
        values: Vec::new(),
    };
    let matched = match backend {
        // Either configuration's reading of the text may match: `english` finds inflections,
        // `simple` finds words the English one stems oddly or drops. Written out in the WHERE
        // clause (not joined from a subquery) so the planner sees an indexable `@@`.
        DbBackend::Postgres => {
            let q = b.bind(text);
            let query =
                format!("(plainto_tsquery('english', {q}) || plainto_tsquery('simple', {q}))");
            format!(
                "SELECT d.kind, d.ref_id, ts_rank(d.tsv, {query})::float8 AS rank \
                 FROM search_documents d WHERE d.tsv @@ {query}"
            )
        }
        // bm25 is lower-is-better and weighs the title ten times the body; negated so both
        // backends rank higher-is-better.
        _ => {
            let q = b.bind(fts5_query(text));
            format!(
                "SELECT d.kind, d.ref_id, -bm25(search_documents_fts, 10.0, 1.0) AS rank \
                 FROM search_documents_fts JOIN search_documents d ON d.id = search_documents_fts.rowid \
                 WHERE search_documents_fts MATCH {q}"
            )
        }
    };
    let mut sql = format!(
        "WITH matched AS ({matched}), \
         ranked AS (SELECT m.kind, m.ref_id, m.rank, \
           ROW_NUMBER() OVER (ORDER BY m.rank DESC, m.kind, m.ref_id) AS pos FROM matched m) \
         SELECT t.total, p.kind, p.ref_id, p.rank, p.pos \
         FROM (SELECT COUNT(*) AS total FROM matched) t \
         LEFT JOIN (SELECT r.* FROM ranked r"
    );
    if let Some(after) = after {
        // Keyset on (rank DESC, kind, ref_id): the cursor's exact rank is bound back, and the
        // same expression over the same rows gives the same float, so ties compare equal.
        let rank_lt = b.bind(after.rank);
        let rank_eq = b.bind(after.rank);
        let kind_gt = b.bind(after.kind.as_db());
        let kind_eq = b.bind(after.kind.as_db());
        let id_gt = b.bind(after.ref_id);
        let _ = write!(
            sql,
            " WHERE r.rank < {rank_lt} OR (r.rank = {rank_eq} AND \
             (r.kind > {kind_gt} OR (r.kind = {kind_eq} AND r.ref_id > {id_gt})))"
        );
    }
    let _ = write!(
        sql,
        " ORDER BY r.rank DESC, r.kind, r.ref_id LIMIT {}) p ON 1 = 1 \
         ORDER BY p.rank DESC, p.kind, p.ref_id",
        u64::from(first) + 1
    );
    Statement::from_sql_and_values(backend, sql, b.values)
}

/// One page of the objects matching `text`, best first, in one statement.
pub async fn search(
    db: &impl ConnectionTrait,
    text: &str,
    first: u32,
    after: Option<After>,
) -> Result<SearchPage, DbErr> {
    let statement = search_statement(db.get_database_backend(), text, first, after);
    let rows = db.query_all_raw(statement).await?;
    let mut page = SearchPage::default();
    let mut first_pos = None;
    for row in rows {
        page.total_count = row.try_get("", "total")?;
        // The one row of an empty page carries the count and NULLs.
        let Some(kind) = row.try_get::<Option<String>>("", "kind")? else {
            continue;
        };
        if page.hits.len() == first as usize {
            page.has_next_page = true;
            continue;
        }
        let kind = DocKind::from_db(&kind)
            .ok_or_else(|| DbErr::Custom(format!("unknown search document kind {kind:?}")))?;
        first_pos.get_or_insert(row.try_get::<i64>("", "pos")?);
        page.hits.push(Hit {
            kind,
            ref_id: row.try_get("", "ref_id")?,
            rank: row.try_get("", "rank")?,
        });
    }
    page.has_previous_page = match first_pos {
        Some(pos) => pos > 1,
        // Nothing after the cursor, yet something matched: all of it came before.
        None => after.is_some() && page.total_count > 0,
    };
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chunk_becomes_a_quoted_string() {
        assert_eq!(fts5_query("  semiconductor  "), r#""semiconductor""#);
        assert_eq!(fts5_query("a OR b*"), r#""a" "OR" "b*""#);
        assert_eq!(fts5_query(r#"say "hi""#), r#""say" """hi""""#);
        assert_eq!(
            fts5_query("'); DROP TABLE initiatives;--"),
            r#""');" "DROP" "TABLE" "initiatives;--""#
        );
        assert_eq!(fts5_query("   "), "");
    }

    #[test]
    fn kinds_round_trip_through_their_words() {
        for kind in DocKind::ALL {
            assert_eq!(DocKind::from_db(kind.as_db()), Some(kind));
        }
        assert_eq!(DocKind::from_db("sector"), None);
    }

    #[test]
    fn the_keyset_binds_every_cursor_value_and_splices_none() {
        let after = After {
            rank: 0.25,
            kind: DocKind::Prefecture,
            ref_id: 40,
        };
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let statement = search_statement(backend, "x'); --", 10, Some(after));
            let values = statement.values.expect("bound values").0;
            assert_eq!(
                values.len(),
                6,
                "{backend:?}: the query and five keyset values"
            );
            assert!(!statement.sql.contains("x')"), "{}", statement.sql);
            assert!(!statement.sql.contains("0.25"), "{}", statement.sql);
            assert!(statement.sql.contains("LIMIT 11"), "{}", statement.sql);
        }
    }
}
