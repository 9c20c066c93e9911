//! The `orderBy` argument: a list of `{ field, direction }` per object type. The id always
//! breaks ties, so every ordering is total and keyset cursors are exact.

use crate::db::query::{KeyKind, OrderTerm};
use async_graphql::{Enum, InputObject};

/// Sort direction.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum OrderDirection {
    /// Smallest first (A to Z, oldest first).
    #[default]
    Asc,
    /// Largest first (Z to A, newest first).
    Desc,
}

/// An `orderBy` input that compiles to a sort key.
pub trait ToTerm {
    /// The sort key.
    fn to_term(&self) -> OrderTerm;
}

/// Declares an order input and its field enum.
macro_rules! order_input {
    ($input:ident, $field:ident, $doc:literal, $field_doc:literal,
     { $($(#[doc = $vdoc:literal])* $variant:ident => ($column:literal, $kind:ident, $nullable:literal)),+ $(,)? }) => {
        #[doc = $field_doc]
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        pub enum $field {
            $($(#[doc = $vdoc])* $variant),+
        }

        #[doc = $doc]
        #[derive(Clone, Copy, Debug, InputObject)]
        pub struct $input {
            /// What to sort by.
            pub field: $field,
            /// Which way; ASC when omitted.
            #[graphql(default)]
            pub direction: OrderDirection,
        }

        impl ToTerm for $input {
            fn to_term(&self) -> OrderTerm {
                let (column, kind, nullable) = match self.field {
                    $($field::$variant => ($column, KeyKind::$kind, $nullable)),+
                };
                OrderTerm { column, kind, descending: self.direction == OrderDirection::Desc, nullable }
            }
        }
    };
}

order_input!(DirectionOrder, DirectionOrderField, "A sort key for directions.", "Fields directions sort by.", {
    /// Position in the Joint Vision.
    Number => ("number", Int, false),
    /// Name.
    Name => ("name", Text, false),
    /// Slug.
    Slug => ("slug", Text, false),
});

order_input!(InitiativeOrder, InitiativeOrderField, "A sort key for initiatives.", "Fields initiatives sort by.", {
    /// Name.
    Name => ("name", Text, false),
    /// Slug.
    Slug => ("slug", Text, false),
    /// Status word.
    Status => ("status", Text, false),
    /// When it was added to this database.
    CreatedAt => ("created_at", Timestamp, false),
    /// When it last changed in this database.
    UpdatedAt => ("updated_at", Timestamp, false),
});

order_input!(SectorOrder, SectorOrderField, "A sort key for sectors.", "Fields sectors sort by.", {
    /// Name.
    Name => ("name", Text, false),
    /// Slug.
    Slug => ("slug", Text, false),
});

order_input!(PrefectureOrder, PrefectureOrderField, "A sort key for prefectures.", "Fields prefectures sort by.", {
    /// English name.
    Name => ("name", Text, false),
    /// JIS code (north to south).
    JisCode => ("jis_code", Text, false),
    /// Region.
    Region => ("region", Text, false),
    /// Slug.
    Slug => ("slug", Text, false),
});

order_input!(IndianStateOrder, IndianStateOrderField, "A sort key for Indian states.", "Fields Indian states sort by.", {
    /// Name.
    Name => ("name", Text, false),
    /// Slug.
    Slug => ("slug", Text, false),
    /// State or union territory.
    Kind => ("kind", Text, false),
});

order_input!(PartnershipOrder, PartnershipOrderField, "A sort key for partnerships.", "Fields partnerships sort by.", {
    /// Slug.
    Slug => ("slug", Text, false),
    /// Date established (unknown dates last).
    Established => ("established_on", Date, true),
});

order_input!(InvestmentTargetOrder, InvestmentTargetOrderField, "A sort key for investment targets.", "Fields investment targets sort by.", {
    /// Amount (compare within one currency).
    Amount => ("amount", Int, false),
    /// First year of the period (unknown last).
    PeriodStart => ("period_start", Int, true),
    /// Slug.
    Slug => ("slug", Text, false),
});

order_input!(EventOrder, EventOrderField, "A sort key for events.", "Fields events sort by.", {
    /// Date (first day of the known period; unknown dates last).
    Date => ("occurred_on", Date, true),
    /// Title.
    Title => ("title", Text, false),
    /// Slug.
    Slug => ("slug", Text, false),
});

order_input!(SourceOrder, SourceOrderField, "A sort key for sources.", "Fields sources sort by.", {
    /// Publication date (unknown dates last).
    Published => ("published_on", Date, true),
    /// Title.
    Title => ("title", Text, false),
    /// Slug.
    Slug => ("slug", Text, false),
});

order_input!(InitiativeEventOrder, InitiativeEventOrderField, "A sort key for log entries.", "Fields log entries sort by.", {
    /// Sequence number (commit order).
    Sequence => ("id", Int, false),
});

order_input!(DetailOrder, DetailOrderField, "A sort key for detail lists.", "Fields detail lists sort by.", {
    /// Insertion order.
    Id => ("id", Int, false),
});
