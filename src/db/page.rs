//! Set-based paging: one SQL statement loads a page of children for any number of parents.
//!
//! Every to-many field of the API is a cursor connection. Resolving `first: 10` for each of 40
//! parents must not cost 40 statements, so a page request for many parents becomes one query
//! that numbers each parent's children with a window function and keeps the first `n + 1` of
//! each (`+ 1` tells whether there is a next page).
//!
//! Pages are keyset-paginated on the requested ordering plus the id (see `db::query`), so rows
//! inserted between two requests never shift a page. `totalCount` costs a second, grouped
//! statement, and only when a client asks for it.

use crate::db::query::{Cond, OrderTerm, PageSpec, Param, SqlWriter, Window};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use std::collections::HashMap;

/// How the rows of a child table hang off a parent row.
#[derive(Clone, Copy, Debug)]
pub enum Via {
    /// No parent: the whole table (root connections).
    Root,
    /// `child.<column> = parent.id`.
    Column(&'static str),
    /// A junction table `table(parent_column, child_column)`.
    Junction {
        table: &'static str,
        parent: &'static str,
        child: &'static str,
    },
    /// Event participants: the child (a prefecture or state) is reached through
    /// `event_participants`, whose `child` column is nullable.
    Participants {
        parent: &'static str,
        child: &'static str,
    },
}

/// Every to-many relation of the schema, named `ParentChildren`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rel {
    Root(&'static str),
    DirectionInitiatives,
    DirectionSources,
    InitiativeSectors,
    InitiativePrefectures,
    InitiativeIndianStates,
    InitiativeInvestmentTargets,
    InitiativeEvents,
    InitiativeSources,
    InitiativeFigures,
    InitiativeHistory,
    SectorInitiatives,
    SectorChildren,
    PrefectureInitiatives,
    PrefecturePartnerships,
    PrefectureEvents,
    PrefectureSources,
    PrefectureGovernorMentions,
    IndianStateInitiatives,
    IndianStatePartnerships,
    IndianStateEvents,
    IndianStateSources,
    PartnershipPrefectures,
    PartnershipRenewals,
    PartnershipEvents,
    PartnershipSources,
    EventInitiatives,
    EventPrefectures,
    EventIndianStates,
    EventParticipants,
    EventSources,
    EventParticipantSources,
    InvestmentTargetSources,
    GovernorMentionSources,
}

impl Rel {
    /// The child table and how it is reached.
    pub fn spec(self) -> (&'static str, Via) {
        use Rel::*;
        let junction = |table, parent, child| Via::Junction {
            table,
            parent,
            child,
        };
        match self {
            Root(table) => (table, Via::Root),
            DirectionInitiatives => ("initiatives", Via::Column("direction_id")),
            DirectionSources => (
                "sources",
                junction("direction_sources", "direction_id", "source_id"),
            ),
            InitiativeSectors => (
                "sectors",
                junction("initiative_sectors", "initiative_id", "sector_id"),
            ),
            InitiativePrefectures => (
                "prefectures",
                junction("initiative_prefectures", "initiative_id", "prefecture_id"),
            ),
            InitiativeIndianStates => (
                "indian_states",
                junction(
                    "initiative_indian_states",
                    "initiative_id",
                    "indian_state_id",
                ),
            ),
            InitiativeInvestmentTargets => ("investment_targets", Via::Column("initiative_id")),
            InitiativeEvents => (
                "events",
                junction("event_initiatives", "initiative_id", "event_id"),
            ),
            InitiativeSources => (
                "sources",
                junction("initiative_sources", "initiative_id", "source_id"),
            ),
            InitiativeFigures => ("initiative_figures", Via::Column("initiative_id")),
            InitiativeHistory => ("initiative_events", Via::Column("initiative_id")),
            SectorInitiatives => (
                "initiatives",
                junction("initiative_sectors", "sector_id", "initiative_id"),
            ),
            SectorChildren => ("sectors", Via::Column("parent_id")),
            PrefectureInitiatives => (
                "initiatives",
                junction("initiative_prefectures", "prefecture_id", "initiative_id"),
            ),
            PrefecturePartnerships => (
                "partnerships",
                junction("partnership_prefectures", "prefecture_id", "partnership_id"),
            ),
            PrefectureEvents => (
                "events",
                Via::Participants {
                    parent: "prefecture_id",
                    child: "event_id",
                },
            ),
            PrefectureSources => (
                "sources",
                junction("prefecture_sources", "prefecture_id", "source_id"),
            ),
            PrefectureGovernorMentions => ("governor_mentions", Via::Column("prefecture_id")),
            IndianStateInitiatives => (
                "initiatives",
                junction(
                    "initiative_indian_states",
                    "indian_state_id",
                    "initiative_id",
                ),
            ),
            IndianStatePartnerships => ("partnerships", Via::Column("indian_state_id")),
            IndianStateEvents => (
                "events",
                Via::Participants {
                    parent: "indian_state_id",
                    child: "event_id",
                },
            ),
            IndianStateSources => (
                "sources",
                junction("indian_state_sources", "indian_state_id", "source_id"),
            ),
            PartnershipPrefectures => (
                "prefectures",
                junction("partnership_prefectures", "partnership_id", "prefecture_id"),
            ),
            PartnershipRenewals => ("partnership_renewals", Via::Column("partnership_id")),
            PartnershipEvents => (
                "events",
                junction("partnership_events", "partnership_id", "event_id"),
            ),
            PartnershipSources => (
                "sources",
                junction("partnership_sources", "partnership_id", "source_id"),
            ),
            EventInitiatives => (
                "initiatives",
                junction("event_initiatives", "event_id", "initiative_id"),
            ),
            EventPrefectures => (
                "prefectures",
                Via::Participants {
                    parent: "event_id",
                    child: "prefecture_id",
                },
            ),
            EventIndianStates => (
                "indian_states",
                Via::Participants {
                    parent: "event_id",
                    child: "indian_state_id",
                },
            ),
            EventParticipants => ("event_participants", Via::Column("event_id")),
            EventSources => (
                "sources",
                junction("event_sources", "event_id", "source_id"),
            ),
            EventParticipantSources => (
                "sources",
                junction(
                    "event_participant_sources",
                    "event_participant_id",
                    "source_id",
                ),
            ),
            InvestmentTargetSources => (
                "sources",
                junction(
                    "investment_target_sources",
                    "investment_target_id",
                    "source_id",
                ),
            ),
            GovernorMentionSources => (
                "sources",
                junction(
                    "governor_mention_sources",
                    "governor_mention_id",
                    "source_id",
                ),
            ),
        }
    }
}

/// One parent's page of children.
#[derive(Clone, Debug)]
pub struct Page<M> {
    pub rows: Vec<M>,
    /// Each row's sort-key values, for its cursor.
    pub keys: Vec<Vec<Param>>,
    /// The ordering the page was read in (cursors must be used with the same one).
    pub order: Vec<OrderTerm>,
    /// The table the rows come from (cursors must be used on the same kind of list).
    pub table: &'static str,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    /// Rows matching the filter across all pages; `None` when not asked for.
    pub total_count: Option<i64>,
}

impl<M> Default for Page<M> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            keys: Vec::new(),
            order: Vec::new(),
            table: "",
            has_next_page: false,
            has_previous_page: false,
            total_count: None,
        }
    }
}

/// The parent id root connections are keyed under.
pub const ROOT_PARENT: i32 = 0;

/// `(parent expression, FROM clause)` of a relation.
fn source(rel: Rel) -> (String, String) {
    let (table, via) = rel.spec();
    match via {
        Via::Root => (ROOT_PARENT.to_string(), format!("{table} c")),
        Via::Column(column) => (format!("c.{column}"), format!("{table} c")),
        Via::Junction {
            table: link,
            parent,
            child,
        } => (
            format!("l.{parent}"),
            format!("{table} c JOIN {link} l ON l.{child} = c.id"),
        ),
        Via::Participants { parent, child } => (
            format!("l.{parent}"),
            // DISTINCT: the unique indexes already forbid a party twice per event, but a page
            // must not repeat a row even if data were loaded around them.
            format!(
                "{table} c JOIN (SELECT DISTINCT {parent}, {child} FROM event_participants WHERE {child} IS NOT NULL) l ON l.{child} = c.id"
            ),
        ),
    }
}

fn write_where(
    w: &mut SqlWriter,
    rel: Rel,
    parent_expr: &str,
    parents: &[i32],
    filter: Option<&Cond>,
) {
    w.push(" WHERE 1 = 1");
    if !matches!(rel.spec().1, Via::Root) {
        let ids: Vec<String> = parents.iter().map(i32::to_string).collect();
        w.push(&format!(" AND {parent_expr} IN ({})", ids.join(", ")));
    }
    if let Some(filter) = filter {
        w.push(" AND ");
        w.cond(filter, "c");
    }
}

/// The statement that pages `rel` for all `parents` at once.
pub fn page_sql(backend: DbBackend, rel: Rel, parents: &[i32], spec: &PageSpec) -> SqlWriter {
    let (parent_expr, from) = source(rel);
    let (n, position, reverse) = match &spec.window {
        Window::First { n, after } => (*n, after.as_ref(), false),
        Window::Last { n, before } => (*n, before.as_ref(), true),
    };
    let mut w = SqlWriter::new(backend);
    w.push("SELECT * FROM (SELECT c.*");
    for (i, term) in spec.order.iter().enumerate() {
        w.push(&format!(", c.{} AS kz_k{i}", term.column));
    }
    w.push(&format!(
        ", {parent_expr} AS kz_parent, ROW_NUMBER() OVER (PARTITION BY {parent_expr} ORDER BY "
    ));
    w.order_by(&spec.order, "c", reverse);
    w.push(&format!(") AS kz_rn FROM {from}"));
    write_where(&mut w, rel, &parent_expr, parents, spec.filter.as_ref());
    if let Some(position) = position {
        w.push(" AND ");
        w.after_position(&spec.order, "c", position, reverse);
    }
    w.push(&format!(
        ") p WHERE p.kz_rn <= {} ORDER BY p.kz_parent, p.kz_rn",
        u64::from(n) + 1
    ));
    w
}

/// The statement that counts matching children per parent.
pub fn count_sql(
    backend: DbBackend,
    rel: Rel,
    parents: &[i32],
    filter: Option<&Cond>,
) -> SqlWriter {
    let (parent_expr, from) = source(rel);
    let mut w = SqlWriter::new(backend);
    let grouped = !matches!(rel.spec().1, Via::Root);
    w.push(&format!(
        "SELECT {parent_expr} AS kz_parent, COUNT(*) AS kz_total FROM {from}"
    ));
    write_where(&mut w, rel, &parent_expr, parents, filter);
    if grouped {
        w.push(&format!(" GROUP BY {parent_expr}"));
    }
    w
}

/// Loads one page of `rel` for every parent: one statement for the rows, and one more for the
/// totals when they were asked for. Parents without matching children get an empty page.
pub async fn load_pages<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    rel: Rel,
    parents: &[i32],
    spec: &PageSpec,
) -> Result<HashMap<i32, Page<M>>, DbErr> {
    let backend = db.get_database_backend();
    let (n, paging_back, has_position) = match &spec.window {
        Window::First { n, after } => (*n, false, after.is_some()),
        Window::Last { n, before } => (*n, true, before.is_some()),
    };
    let w = page_sql(backend, rel, parents, spec);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, w.sql, w.values))
        .await?;
    let mut pages: HashMap<i32, Page<M>> = HashMap::with_capacity(parents.len());
    for parent in parents {
        pages.insert(
            *parent,
            Page {
                order: spec.order.clone(),
                table: rel.spec().0,
                ..Page::default()
            },
        );
    }
    for row in rows {
        let parent: i32 = row.try_get("", "kz_parent")?;
        let rn: i64 = row.try_get("", "kz_rn")?;
        let Some(page) = pages.get_mut(&parent) else {
            continue;
        };
        if rn > i64::from(n) {
            // One row beyond the page: there is more in the direction of travel.
            if paging_back {
                page.has_previous_page = true;
            } else {
                page.has_next_page = true;
            }
        } else {
            page.rows.push(M::from_query_result(&row, "")?);
            let keys = spec
                .order
                .iter()
                .enumerate()
                .map(|(i, term)| term.read(&row, &format!("kz_k{i}")))
                .collect::<Result<Vec<_>, _>>()?;
            page.keys.push(keys);
        }
    }
    for page in pages.values_mut() {
        if paging_back {
            page.rows.reverse();
            page.keys.reverse();
            // Relay allows "false" when it cannot tell cheaply; with a `before` cursor there is
            // at least the row it points at.
            page.has_next_page = has_position;
        } else {
            page.has_previous_page = has_position;
        }
    }
    if spec.want_total {
        let w = count_sql(backend, rel, parents, spec.filter.as_ref());
        let counts = db
            .query_all_raw(Statement::from_sql_and_values(backend, w.sql, w.values))
            .await?;
        for page in pages.values_mut() {
            page.total_count = Some(0);
        }
        for row in counts {
            let parent: i32 = row.try_get("", "kz_parent")?;
            let total: i64 = row.try_get("", "kz_total")?;
            if let Some(page) = pages.get_mut(&parent) {
                page.total_count = Some(total);
            }
        }
    }
    Ok(pages)
}

/// Loads rows of `table` by primary key, in one statement.
pub async fn load_by_ids<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    table: &'static str,
    ids: &[i32],
) -> Result<Vec<(i32, M)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i32::to_string).collect();
    let sql = format!("SELECT * FROM {table} WHERE id IN ({})", list.join(", "));
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "id")?, M::from_query_result(row, "")?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::query::{CmpOp, KeyKind, OrderTerm, Param};

    fn spec(window: Window, filter: Option<Cond>) -> PageSpec {
        PageSpec {
            filter,
            order: Vec::new(),
            window,
            want_total: false,
        }
    }

    #[test]
    fn nested_page_sql_batches_parents_and_limits_each_one() {
        let w = page_sql(
            DbBackend::Sqlite,
            Rel::InitiativeSectors,
            &[3, 5],
            &spec(
                Window::First {
                    n: 2,
                    after: Some((Vec::new(), 9)),
                },
                None,
            ),
        );
        assert!(w.sql.contains("l.initiative_id IN (3, 5)"), "{}", w.sql);
        assert!(w.sql.contains("c.id > ?"), "{}", w.sql);
        assert!(w.sql.contains("kz_rn <= 3"), "{}", w.sql);
    }

    #[test]
    fn paging_backwards_reverses_the_order_and_the_position_test() {
        let mut s = spec(
            Window::Last {
                n: 2,
                before: Some((vec![Param::Text(Some("B".into()))], 4)),
            },
            None,
        );
        s.order = vec![OrderTerm {
            column: "name",
            kind: KeyKind::Text,
            descending: false,
            nullable: false,
        }];
        let w = page_sql(
            DbBackend::Postgres,
            Rel::Root("initiatives"),
            &[ROOT_PARENT],
            &s,
        );
        assert!(
            w.sql
                .contains("ORDER BY c.name COLLATE \"C\" DESC, c.id DESC"),
            "{}",
            w.sql
        );
        assert!(w.sql.contains("(c.name COLLATE \"C\" < $1)"), "{}", w.sql);
    }

    #[test]
    fn counts_group_by_parent_except_at_the_root() {
        let filter = Cond::Cmp {
            column: "status",
            op: CmpOp::Eq,
            value: Param::Text(Some("signed".into())),
        };
        let root = count_sql(
            DbBackend::Sqlite,
            Rel::Root("initiatives"),
            &[ROOT_PARENT],
            Some(&filter),
        );
        assert!(!root.sql.contains("GROUP BY"), "{}", root.sql);
        let nested = count_sql(
            DbBackend::Sqlite,
            Rel::DirectionInitiatives,
            &[1, 2],
            Some(&filter),
        );
        assert!(
            nested.sql.ends_with("GROUP BY c.direction_id"),
            "{}",
            nested.sql
        );
    }
}
