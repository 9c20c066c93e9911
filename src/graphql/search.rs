//! `search`: ranked full-text search over initiatives, events, partnerships, prefectures, Indian
//! states and sources, as a Relay connection of a union.

use crate::config::Limits;
use crate::db::search::{self, After, DocKind, Hit};
use crate::error::{AppError, Result};
use crate::graphql::loaders::load_by_id;
use crate::graphql::relay::{PageInfo, page_size};
use crate::graphql::types::{Event, IndianState, Initiative, Partnership, Prefecture, Source};
use async_graphql::{Context, Object, SimpleObject, Union};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

/// Longest query accepted, in characters: enough for any sensible search, and a bound on the
/// work one request can ask of the index.
const MAX_QUERY_CHARS: usize = 200;

/// Full-text search over the graph.
#[derive(Default)]
pub struct SearchQuery;

/// Something `search` found: one of the searchable object types.
#[derive(Clone, Debug, Union)]
pub enum SearchResult {
    Initiative(Initiative),
    Event(Event),
    Partnership(Partnership),
    Prefecture(Prefecture),
    IndianState(IndianState),
    Source(Source),
}

/// A search result with its cursor and rank.
#[derive(Clone, Debug, SimpleObject)]
pub struct SearchEdge {
    /// Opaque position of this result; pass it as `after` (with the same `query`) to continue.
    pub cursor: String,
    /// The object found.
    pub node: SearchResult,
    /// How well the object matches, higher is better. Only the order is meaningful: the scale
    /// differs between database backends and shifts as the data changes.
    pub rank: f64,
}

/// A page of search results, best match first (Relay cursor connection).
pub struct SearchConnection {
    edges: Vec<SearchEdge>,
    page_info: PageInfo,
    total_count: i64,
}

/// A page of search results, best match first (Relay cursor connection).
#[Object]
impl SearchConnection {
    /// The results on this page, each with its cursor and rank.
    async fn edges(&self) -> &[SearchEdge] {
        &self.edges
    }

    /// The results on this page, without cursors.
    async fn nodes(&self) -> Vec<SearchResult> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }

    /// Pagination state of this page.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many objects match the query, across all pages.
    async fn total_count(&self) -> i64 {
        self.total_count
    }
}

#[Object]
impl SearchQuery {
    /// Objects whose text matches every word of `query`, best match first. Searches initiatives
    /// (name, description, notes, sectors, direction), events (title, location, outcomes,
    /// notes), partnerships (state and counterpart, nature, notes), prefectures (English and
    /// Japanese names, region, capital), Indian states (name, capital) and sources (title,
    /// publisher). Words match regardless of case and English inflection ("semiconductor" finds
    /// "semiconductors"); a title match ranks above a match in the rest of the text. Quotes,
    /// `*`, `-`, `OR` and the like are ordinary text, not search operators.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The words to look for, e.g. `semiconductor` or `福岡県`; at most 200 characters, with at least one letter or digit."
        )]
        query: String,
        #[graphql(
            desc = "How many results to return; the server's default page size when omitted, an error above its maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the results after this cursor (from `pageInfo.endCursor` or an edge) of a search for the same `query`."
        )]
        after: Option<String>,
    ) -> Result<SearchConnection> {
        let text = check_query(&query)?;
        let first = page_size(ctx.data::<Limits>()?, "first", first)?;
        let fingerprint = fingerprint(&text);
        let after = match after {
            None => None,
            Some(cursor) => Some(decode_cursor(&cursor, &fingerprint)?),
        };
        let db = ctx.data::<DatabaseConnection>()?;
        let page = search::search(db, &text, first, after).await?;
        let nodes =
            futures::future::try_join_all(page.hits.iter().map(|hit| load_result(ctx, hit)))
                .await?;
        let edges: Vec<SearchEdge> = page
            .hits
            .iter()
            .zip(nodes)
            .filter_map(|(hit, node)| {
                // Documents change in the transaction that changes their object, so a hit
                // without an object means one was deleted between the two reads; skip it.
                Some(SearchEdge {
                    cursor: encode_cursor(&fingerprint, hit),
                    node: node?,
                    rank: hit.rank,
                })
            })
            .collect();
        let page_info = PageInfo {
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Ok(SearchConnection {
            edges,
            page_info,
            total_count: page.total_count,
        })
    }
}

/// The query with control characters made spaces, trimmed; or BAD_USER_INPUT naming `query`.
fn check_query(query: &str) -> Result<String> {
    // They carry no words, and PostgreSQL refuses a NUL in text outright (an internal error
    // if it reached the database).
    let cleaned: String = query
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = cleaned.trim();
    if text.is_empty() {
        return Err(AppError::bad_input("query", "`query` must not be blank"));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_input(
            "query",
            format!("`query` is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    // Punctuation alone tokenizes to nothing on either backend; say so rather than answer
    // with an empty page that looks like "no matches".
    if !text.chars().any(char::is_alphanumeric) {
        return Err(AppError::bad_input(
            "query",
            "`query` has no letters or digits to search for",
        ));
    }
    Ok(text.to_owned())
}

/// Loads the object a hit names, through the batching loaders: one statement per kind on the
/// page, however many hits it has.
async fn load_result(ctx: &Context<'_>, hit: &Hit) -> Result<Option<SearchResult>> {
    macro_rules! load {
        ($entity:path, $variant:ident) => {
            load_by_id::<$entity>(ctx, hit.ref_id)
                .await?
                .map(|m| SearchResult::$variant(m.into()))
        };
    }
    Ok(match hit.kind {
        DocKind::Initiative => load!(entity::initiatives::Entity, Initiative),
        DocKind::Event => load!(entity::events::Entity, Event),
        DocKind::Partnership => load!(entity::partnerships::Entity, Partnership),
        DocKind::Prefecture => load!(entity::prefectures::Entity, Prefecture),
        DocKind::IndianState => load!(entity::indian_states::Entity, IndianState),
        DocKind::Source => load!(entity::sources::Entity, Source),
    })
}

const CURSOR_PREFIX: &str = "kzs1";

/// Ties a cursor to the query it came from: keyset positions of one query are meaningless in
/// another's ranking, and silently paging from them would skip or repeat results.
fn fingerprint(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// `kzs1:<fingerprint>:<rank bits>:<kind>:<id>`, base64url. The rank travels as its exact bits
/// so the next page compares against the very same float.
fn encode_cursor(fingerprint: &str, hit: &Hit) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{CURSOR_PREFIX}:{fingerprint}:{:016x}:{}:{}",
        hit.rank.to_bits(),
        hit.kind.as_db(),
        hit.ref_id
    ))
}

fn decode_cursor(cursor: &str, fingerprint: &str) -> Result<After> {
    let malformed = || AppError::bad_input("after", "`after` is not a cursor issued by `search`");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let mut parts = text.split(':');
    let (Some(CURSOR_PREFIX), Some(query), Some(bits), Some(kind), Some(id), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(malformed());
    };
    let rank = u64::from_str_radix(bits, 16)
        .map(f64::from_bits)
        .ok()
        .filter(|r| r.is_finite())
        .ok_or_else(malformed)?;
    let kind = DocKind::from_db(kind).ok_or_else(malformed)?;
    let ref_id = id.parse::<i32>().map_err(|_| malformed())?;
    if query != fingerprint {
        return Err(AppError::bad_input(
            "after",
            "`after` is a cursor of a search for a different `query`",
        ));
    }
    Ok(After { rank, kind, ref_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_exactly_and_belong_to_their_query() {
        let hit = Hit {
            kind: DocKind::IndianState,
            ref_id: 12,
            rank: 0.1 + 0.2,
        };
        let mine = fingerprint("semiconductor");
        let cursor = encode_cursor(&mine, &hit);
        let after = decode_cursor(&cursor, &mine).expect("own cursor");
        assert_eq!(after.rank.to_bits(), hit.rank.to_bits());
        assert_eq!((after.kind, after.ref_id), (DocKind::IndianState, 12));
        let other = decode_cursor(&cursor, &fingerprint("shinkansen"));
        assert!(matches!(other, Err(AppError::BadUserInput { .. })));
    }

    #[test]
    fn forged_cursors_are_bad_input() {
        let mine = fingerprint("x");
        for forged in [
            "".to_owned(),
            "%%%".to_owned(),
            crate::graphql::relay::cursor("initiatives", &[], &[], 3),
            URL_SAFE_NO_PAD.encode(format!("kzs1:{mine}:zz:initiative:1")),
            URL_SAFE_NO_PAD.encode(format!("kzs1:{mine}:0:sector:1")),
            URL_SAFE_NO_PAD.encode(format!("kzs1:{mine}:0:initiative:x")),
            URL_SAFE_NO_PAD.encode(format!("kzs1:{mine}:7ff8000000000000:initiative:1")),
            URL_SAFE_NO_PAD.encode(format!("kzs1:{mine}:0:initiative:1:extra")),
        ] {
            let error = decode_cursor(&forged, &mine).expect_err(&forged);
            assert_eq!(error.code(), "BAD_USER_INPUT", "{forged}");
        }
    }

    #[test]
    fn blank_long_and_wordless_queries_are_refused() {
        for bad in ["", "   ", "\0", "\"", "*", ":*", "'); --", &"a".repeat(201)] {
            assert!(check_query(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_query("  福岡県 ").ok().as_deref(), Some("福岡県"));
        assert_eq!(
            check_query("e10\0shinkansen").ok().as_deref(),
            Some("e10 shinkansen")
        );
    }
}
