//! Relay conventions: opaque global ids, opaque cursors, page-size limits and the connection
//! types every to-many field returns.

use crate::config::Limits;
use crate::db::query::{Cond, KeyKind, OrderTerm, PageSpec, Param, Window};
use crate::error::{AppError, Result};
use async_graphql::{Context, ID, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Object types that can be fetched by global id. The name is part of the id, so ids of
/// different types never collide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Direction,
    Initiative,
    InitiativeFigure,
    InitiativeEvent,
    Sector,
    Prefecture,
    GovernorMention,
    IndianState,
    Partnership,
    PartnershipRenewal,
    InvestmentTarget,
    Event,
    EventParticipant,
    Source,
}

impl NodeKind {
    const ALL: [NodeKind; 14] = [
        NodeKind::Direction,
        NodeKind::Initiative,
        NodeKind::InitiativeFigure,
        NodeKind::InitiativeEvent,
        NodeKind::Sector,
        NodeKind::Prefecture,
        NodeKind::GovernorMention,
        NodeKind::IndianState,
        NodeKind::Partnership,
        NodeKind::PartnershipRenewal,
        NodeKind::InvestmentTarget,
        NodeKind::Event,
        NodeKind::EventParticipant,
        NodeKind::Source,
    ];

    fn name(self) -> &'static str {
        match self {
            NodeKind::Direction => "Direction",
            NodeKind::Initiative => "Initiative",
            NodeKind::InitiativeFigure => "InitiativeFigure",
            NodeKind::InitiativeEvent => "InitiativeEvent",
            NodeKind::Sector => "Sector",
            NodeKind::Prefecture => "Prefecture",
            NodeKind::GovernorMention => "GovernorMention",
            NodeKind::IndianState => "IndianState",
            NodeKind::Partnership => "Partnership",
            NodeKind::PartnershipRenewal => "PartnershipRenewal",
            NodeKind::InvestmentTarget => "InvestmentTarget",
            NodeKind::Event => "Event",
            NodeKind::EventParticipant => "EventParticipant",
            NodeKind::Source => "Source",
        }
    }

    /// The table whose primary key the id carries.
    pub fn table(self) -> &'static str {
        match self {
            NodeKind::Direction => "directions",
            NodeKind::Initiative => "initiatives",
            NodeKind::InitiativeFigure => "initiative_figures",
            NodeKind::InitiativeEvent => "initiative_events",
            NodeKind::Sector => "sectors",
            NodeKind::Prefecture => "prefectures",
            NodeKind::GovernorMention => "governor_mentions",
            NodeKind::IndianState => "indian_states",
            NodeKind::Partnership => "partnerships",
            NodeKind::PartnershipRenewal => "partnership_renewals",
            NodeKind::InvestmentTarget => "investment_targets",
            NodeKind::Event => "events",
            NodeKind::EventParticipant => "event_participants",
            NodeKind::Source => "sources",
        }
    }
}

/// The opaque global id of a row: base64url of `Type:primary key`.
pub fn global_id(kind: NodeKind, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Decodes a global id; `None` when it is not one this server issued.
pub fn decode_global_id(id: &str) -> Option<(NodeKind, i32)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, key) = text.split_once(':')?;
    let kind = NodeKind::ALL.into_iter().find(|k| k.name() == name)?;
    let key: i32 = key.parse().ok()?;
    (key > 0).then_some((kind, key))
}

/// Bytes of SHA-256 a cursor carries to detect edits.
const CHECK_LEN: usize = 6;

fn signature(table: &str, order: &[OrderTerm]) -> String {
    let terms: Vec<String> = order
        .iter()
        .map(|t| format!("{}:{}", t.column, if t.descending { "desc" } else { "asc" }))
        .collect();
    format!("{table}|{}", terms.join(","))
}

fn key_json(param: &Param) -> serde_json::Value {
    match param {
        Param::Int(v) => serde_json::json!(v),
        Param::Text(v) => serde_json::json!(v),
        Param::Bool(v) => serde_json::json!(v),
        Param::Date(v) => serde_json::json!(v.map(|d| d.format("%Y-%m-%d").to_string())),
        Param::Timestamp(v) => {
            serde_json::json!(v.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)))
        }
    }
}

fn key_param(kind: KeyKind, value: &serde_json::Value) -> Option<Param> {
    if value.is_null() {
        return Some(match kind {
            KeyKind::Int => Param::Int(None),
            KeyKind::Text => Param::Text(None),
            KeyKind::Date => Param::Date(None),
            KeyKind::Timestamp => Param::Timestamp(None),
        });
    }
    Some(match kind {
        KeyKind::Int => Param::Int(Some(value.as_i64()?)),
        // A forged cursor could carry NUL, which PostgreSQL refuses in text (see `text`).
        KeyKind::Text => Param::Text(Some(
            value.as_str().filter(|v| !v.contains('\0'))?.to_owned(),
        )),
        KeyKind::Date => Param::Date(Some(
            chrono::NaiveDate::parse_from_str(value.as_str()?, "%Y-%m-%d").ok()?,
        )),
        KeyKind::Timestamp => Param::Timestamp(Some(
            chrono::DateTime::parse_from_rfc3339(value.as_str()?)
                .ok()?
                .with_timezone(&chrono::Utc),
        )),
    })
}

/// The cursor of a row: its position in the ordering it was read in. Opaque to clients; it
/// carries the ordering and a checksum, so an edited cursor or one used with another ordering
/// is refused rather than silently misread.
pub fn cursor(table: &str, order: &[OrderTerm], keys: &[Param], id: i32) -> String {
    let payload = serde_json::json!({
        "o": signature(table, order),
        "k": keys.iter().map(key_json).collect::<Vec<_>>(),
        "i": id,
    })
    .to_string();
    let digest = Sha256::digest(payload.as_bytes());
    let mut bytes = digest[..CHECK_LEN].to_vec();
    bytes.extend_from_slice(payload.as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a cursor for a list of `table` read in `order`; `field` names the argument in errors.
pub fn decode_cursor(
    field: &str,
    text: &str,
    table: &str,
    order: &[OrderTerm],
) -> Result<(Vec<Param>, i64)> {
    let invalid = || {
        AppError::bad_input(
            field,
            format!("`{field}` is not a cursor issued by this server"),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
    if bytes.len() <= CHECK_LEN {
        return Err(invalid());
    }
    let (check, payload) = bytes.split_at(CHECK_LEN);
    if Sha256::digest(payload)[..CHECK_LEN] != *check {
        return Err(invalid());
    }
    let json: serde_json::Value = serde_json::from_slice(payload).map_err(|_| invalid())?;
    if json["o"].as_str() != Some(signature(table, order).as_str()) {
        return Err(AppError::bad_input(
            field,
            format!(
                "`{field}` was issued for a different list or ordering; use a cursor with the orderBy it came from"
            ),
        ));
    }
    let keys = json["k"].as_array().ok_or_else(invalid)?;
    if keys.len() != order.len() {
        return Err(invalid());
    }
    let params = order
        .iter()
        .zip(keys)
        .map(|(term, value)| key_param(term.kind, value))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(invalid)?;
    let id = json["i"].as_i64().ok_or_else(invalid)?;
    Ok((params, id))
}

/// The pagination arguments of a connection field.
#[derive(Clone, Debug, Default)]
pub struct ConnArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// A validated page size: the default when omitted, BAD_USER_INPUT when negative or over the maximum.
pub fn page_size(limits: &Limits, field: &str, n: Option<i32>) -> Result<u32> {
    match n {
        None => Ok(limits.default_page_size),
        Some(n) if n < 0 => Err(AppError::bad_input(
            field,
            format!("`{field}` must not be negative"),
        )),
        Some(n) => {
            let n = n.unsigned_abs();
            if n > limits.max_page_size {
                return Err(AppError::bad_input(
                    field,
                    format!(
                        "`{field}` is {n}, over the maximum page size of {}; page with cursors",
                        limits.max_page_size
                    ),
                ));
            }
            Ok(n)
        }
    }
}

/// Validates the pagination arguments against the configured limits and builds the page spec.
/// Over the maximum is an error, not a silent cut: a client that asked for 500 must not believe
/// it got everything. `first`/`after` page forwards and `last`/`before` backwards; mixing the
/// two is an error. `totalCount` is computed only when the selection asks for it.
pub fn page_spec(
    ctx: &Context<'_>,
    table: &'static str,
    args: ConnArgs,
    filter: Option<Cond>,
    order: Vec<OrderTerm>,
) -> Result<PageSpec> {
    let limits = ctx.data::<Limits>()?;
    let backwards = args.last.is_some() || args.before.is_some();
    if backwards && (args.first.is_some() || args.after.is_some()) {
        return Err(AppError::bad_input(
            "last",
            "page forwards with `first`/`after` or backwards with `last`/`before`, not both",
        ));
    }
    let window = if backwards {
        let n = page_size(limits, "last", args.last)?;
        let before = args
            .before
            .as_deref()
            .map(|c| decode_cursor("before", c, table, &order))
            .transpose()?;
        Window::Last { n, before }
    } else {
        let n = page_size(limits, "first", args.first)?;
        let after = args
            .after
            .as_deref()
            .map(|c| decode_cursor("after", c, table, &order))
            .transpose()?;
        Window::First { n, after }
    };
    let want_total = ctx.look_ahead().field("totalCount").exists();
    Ok(PageSpec {
        filter,
        order,
        window,
        want_total,
    })
}

/// Where a page sits in its list (Relay `PageInfo`).
#[derive(Clone, Debug, SimpleObject)]
pub struct PageInfo {
    /// True when more items follow this page; fetch them with `after: endCursor`.
    pub has_next_page: bool,
    /// True when items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first item on this page; null when the page is empty.
    pub start_cursor: Option<String>,
    /// Cursor of the last item on this page; null when the page is empty.
    pub end_cursor: Option<String>,
}

/// Declares a connection type and its edge type over a node type that wraps an entity model.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty, $model:ty, $conn_doc:literal, $edge_doc:literal) => {
        #[doc = $conn_doc]
        pub struct $conn(pub std::sync::Arc<$crate::db::page::Page<$model>>);

        #[doc = $conn_doc]
        #[async_graphql::Object]
        impl $conn {
            /// The items on this page, each with its cursor.
            async fn edges(&self) -> Vec<$edge> {
                self.0
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, row)| $edge {
                        cursor: self.cursor(i),
                        node: row.clone(),
                    })
                    .collect()
            }

            /// The items on this page, without cursors.
            async fn nodes(&self) -> Vec<$node> {
                self.0.rows.iter().cloned().map(<$node>::from).collect()
            }

            /// Pagination state of this page.
            async fn page_info(&self) -> $crate::graphql::relay::PageInfo {
                let rows = &self.0.rows;
                $crate::graphql::relay::PageInfo {
                    has_next_page: self.0.has_next_page,
                    has_previous_page: self.0.has_previous_page,
                    start_cursor: rows.first().map(|_| self.cursor(0)),
                    end_cursor: rows.last().map(|_| self.cursor(rows.len() - 1)),
                }
            }

            /// How many items match the filter across all pages (computed only when asked for).
            async fn total_count(&self) -> i64 {
                self.0.total_count.unwrap_or_default()
            }
        }

        impl $conn {
            fn cursor(&self, index: usize) -> String {
                let page = &self.0;
                let keys = page.keys.get(index).map(Vec::as_slice).unwrap_or_default();
                let id = page.rows.get(index).map(|r| r.id).unwrap_or_default();
                $crate::graphql::relay::cursor(page.table, &page.order, keys, id)
            }
        }

        #[doc = $edge_doc]
        pub struct $edge {
            cursor: String,
            node: $model,
        }

        #[doc = $edge_doc]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque position of this item; pass it as `after` to continue from here.
            async fn cursor(&self) -> &str {
                &self.cursor
            }

            /// The item.
            async fn node(&self) -> $node {
                <$node>::from(self.node.clone())
            }
        }
    };
}

pub(crate) use connection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_name_their_type() {
        let id = global_id(NodeKind::Prefecture, 40);
        assert_eq!(decode_global_id(&id), Some((NodeKind::Prefecture, 40)));
        assert_ne!(global_id(NodeKind::Sector, 40), id);
    }

    #[test]
    fn forged_ids_are_rejected() {
        for bad in [
            "",
            "not-base64!",
            &URL_SAFE_NO_PAD.encode("Planet:1"),
            &URL_SAFE_NO_PAD.encode("Sector:x"),
        ] {
            assert_eq!(decode_global_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_edits_and_other_orderings() {
        let by_name = [OrderTerm {
            column: "name",
            kind: KeyKind::Text,
            descending: false,
            nullable: false,
        }];
        let text = cursor(
            "initiatives",
            &by_name,
            &[Param::Text(Some("IJICP".into()))],
            12,
        );
        let (keys, id) = decode_cursor("after", &text, "initiatives", &by_name).expect("valid");
        assert_eq!((keys, id), (vec![Param::Text(Some("IJICP".into()))], 12));
        assert!(
            decode_cursor("after", &text, "initiatives", &[]).is_err(),
            "another ordering"
        );
        assert!(
            decode_cursor("after", &text, "sectors", &by_name).is_err(),
            "another list"
        );
        let mut bytes = URL_SAFE_NO_PAD.decode(&text).expect("base64");
        let last = bytes.len() - 3;
        bytes[last] ^= 1;
        assert!(
            decode_cursor(
                "after",
                &URL_SAFE_NO_PAD.encode(bytes),
                "initiatives",
                &by_name
            )
            .is_err(),
            "edited"
        );
    }
}
