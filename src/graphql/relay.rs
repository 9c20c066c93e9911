//! Relay conventions: opaque global ids, opaque cursors, page-size limits and the connection
//! types every to-many field returns.

use crate::config::Limits;
use crate::db::page::PageArgs;
use crate::error::{AppError, Result};
use async_graphql::{Context, ID, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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

const CURSOR_PREFIX: &str = "kz1:";

/// The cursor of a row in a connection: opaque to clients, the row's key to us.
pub fn cursor(id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{id}"))
}

/// Decodes a cursor this server issued.
pub fn decode_cursor(cursor: &str) -> Option<i32> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(CURSOR_PREFIX)?
        .parse()
        .ok()
        .filter(|id| *id >= 0)
}

/// Validates `first`/`after` against the configured limits. Over the maximum is an error, not a
/// silent cut: a client that asked for 500 must not believe it got everything.
pub fn page_args(ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<PageArgs> {
    let limits = ctx
        .data::<Limits>()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e.message)))?;
    let first = match first {
        None => limits.default_page_size,
        Some(n) if n < 0 => {
            return Err(AppError::bad_input("first", "`first` must not be negative"));
        }
        Some(n) => {
            let n = n.unsigned_abs();
            if n > limits.max_page_size {
                return Err(AppError::bad_input(
                    "first",
                    format!(
                        "`first` is {n}, over the maximum page size of {}; page with `after`",
                        limits.max_page_size
                    ),
                ));
            }
            n
        }
    };
    let after = match after {
        None => None,
        Some(text) => Some(decode_cursor(&text).ok_or_else(|| {
            AppError::bad_input("after", "`after` is not a cursor issued by this server")
        })?),
    };
    Ok(PageArgs { first, after })
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
                self.0.rows.iter().cloned().map($edge).collect()
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
                    start_cursor: rows.first().map(|r| $crate::graphql::relay::cursor(r.id)),
                    end_cursor: rows.last().map(|r| $crate::graphql::relay::cursor(r.id)),
                }
            }

            /// How many items the whole list holds, across all pages.
            async fn total_count(&self) -> i64 {
                self.0.total_count
            }
        }

        #[doc = $edge_doc]
        pub struct $edge(pub $model);

        #[doc = $edge_doc]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque position of this item; pass it as `after` to continue from here.
            async fn cursor(&self) -> String {
                $crate::graphql::relay::cursor(self.0.id)
            }

            /// The item.
            async fn node(&self) -> $node {
                <$node>::from(self.0.clone())
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
    fn forged_ids_and_cursors_are_rejected() {
        for bad in [
            "",
            "not-base64!",
            &URL_SAFE_NO_PAD.encode("Planet:1"),
            &URL_SAFE_NO_PAD.encode("Sector:x"),
        ] {
            assert_eq!(decode_global_id(bad), None, "{bad}");
        }
        assert_eq!(decode_cursor(&cursor(7)), Some(7));
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("kz1:-4")), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("offset:4")), None);
    }
}
