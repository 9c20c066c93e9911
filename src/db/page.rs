//! Set-based paging: one SQL statement loads a page of children for any number of parents.
//!
//! Every to-many field of the API is a cursor connection. Resolving `first: 10` for each of 40
//! parents must not cost 40 statements, so a page request for many parents becomes one query
//! that numbers each parent's children with a window function and keeps the first `n + 1` of
//! each (`+ 1` tells whether there is a next page). The same query counts each parent's children
//! for `totalCount` and each row's position in the whole list for `hasPreviousPage`.
//!
//! Pages are keyset-paginated on the child's primary key: a cursor is the last id seen, so rows
//! inserted between two requests never shift a page.
//!
//! All values spliced into the SQL are integers or `'static` strings chosen in this crate, so the
//! statements need no bound parameters.

use crate::domain::InitiativeStatus;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use std::collections::HashMap;
use std::fmt::Write;

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

/// A validated page request: at most `first` rows after the row with id `after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PageArgs {
    pub first: u32,
    pub after: Option<i32>,
}

/// The simple initiative filters (slugs already resolved to ids). Applies to any connection whose
/// child table is `initiatives`; the default filters nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct InitiativeFilter {
    pub direction_id: Option<i32>,
    pub sector_id: Option<i32>,
    pub prefecture_id: Option<i32>,
    pub indian_state_id: Option<i32>,
    pub status: Option<InitiativeStatus>,
}

impl InitiativeFilter {
    /// `AND …` conditions on the alias `c`, or nothing.
    fn write_sql(&self, sql: &mut String) {
        if let Some(id) = self.direction_id {
            let _ = write!(sql, " AND c.direction_id = {id}");
        }
        if let Some(id) = self.sector_id {
            let _ = write!(
                sql,
                " AND EXISTS (SELECT 1 FROM initiative_sectors f WHERE f.initiative_id = c.id AND f.sector_id = {id})"
            );
        }
        if let Some(id) = self.prefecture_id {
            let _ = write!(
                sql,
                " AND EXISTS (SELECT 1 FROM initiative_prefectures f WHERE f.initiative_id = c.id AND f.prefecture_id = {id})"
            );
        }
        if let Some(id) = self.indian_state_id {
            let _ = write!(
                sql,
                " AND EXISTS (SELECT 1 FROM initiative_indian_states f WHERE f.initiative_id = c.id AND f.indian_state_id = {id})"
            );
        }
        if let Some(status) = self.status {
            // `as_db` is one of a fixed set of lowercase words, never client text.
            let _ = write!(sql, " AND c.status = '{}'", status.as_db());
        }
    }
}

/// One parent's page of children.
#[derive(Clone, Debug)]
pub struct Page<M> {
    pub rows: Vec<M>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub total_count: i64,
}

impl<M> Default for Page<M> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
            total_count: 0,
        }
    }
}

/// The parent id root connections are keyed under.
pub const ROOT_PARENT: i32 = 0;

/// Builds the one statement that pages `rel` for all `parents`.
pub fn page_sql(rel: Rel, parents: &[i32], args: PageArgs, filter: &InitiativeFilter) -> String {
    let (table, via) = rel.spec();
    let (parent_expr, from) = match via {
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
            // A child reached twice (e.g. an event with the same prefecture as two rows) would be
            // impossible by the unique index, but DISTINCT keeps the count honest regardless.
            format!(
                "{table} c JOIN (SELECT DISTINCT {parent}, {child} FROM event_participants WHERE {child} IS NOT NULL) l ON l.{child} = c.id"
            ),
        ),
    };
    let mut sql = format!(
        "SELECT * FROM (SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.kz_parent ORDER BY b.id) AS kz_rn FROM (\
         SELECT c.*, {parent_expr} AS kz_parent, \
         COUNT(*) OVER (PARTITION BY {parent_expr}) AS kz_total, \
         ROW_NUMBER() OVER (PARTITION BY {parent_expr} ORDER BY c.id) AS kz_pos \
         FROM {from} WHERE 1 = 1"
    );
    if !matches!(via, Via::Root) {
        let ids: Vec<String> = parents.iter().map(i32::to_string).collect();
        let _ = write!(sql, " AND {parent_expr} IN ({})", ids.join(", "));
    }
    if table == "initiatives" {
        filter.write_sql(&mut sql);
    }
    sql.push_str(") b");
    if let Some(after) = args.after {
        let _ = write!(sql, " WHERE b.id > {after}");
    }
    let _ = write!(
        sql,
        ") p WHERE p.kz_rn <= {} ORDER BY p.kz_parent, p.id",
        u64::from(args.first) + 1
    );
    sql
}

/// Loads one page of `rel` for every parent in one statement. Parents without children get an
/// empty page.
pub async fn load_pages<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    rel: Rel,
    parents: &[i32],
    args: PageArgs,
    filter: &InitiativeFilter,
) -> Result<HashMap<i32, Page<M>>, DbErr> {
    let sql = page_sql(rel, parents, args, filter);
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut pages: HashMap<i32, Page<M>> = HashMap::with_capacity(parents.len());
    for row in rows {
        let parent: i32 = row.try_get("", "kz_parent")?;
        let rn: i64 = row.try_get("", "kz_rn")?;
        let page = pages.entry(parent).or_default();
        if page.rows.is_empty() && !page.has_next_page {
            page.total_count = row.try_get("", "kz_total")?;
            page.has_previous_page = row.try_get::<i64>("", "kz_pos")? > 1;
        }
        if rn > i64::from(args.first) {
            page.has_next_page = true;
        } else {
            page.rows.push(M::from_query_result(&row, "")?);
        }
    }
    for parent in parents {
        pages.entry(*parent).or_default();
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

    #[test]
    fn nested_page_sql_batches_parents_and_limits_each_one() {
        let sql = page_sql(
            Rel::InitiativeSectors,
            &[3, 5],
            PageArgs {
                first: 2,
                after: Some(9),
            },
            &InitiativeFilter::default(),
        );
        assert!(sql.contains("l.initiative_id IN (3, 5)"), "{sql}");
        assert!(sql.contains("WHERE b.id > 9"), "{sql}");
        assert!(sql.contains("kz_rn <= 3"), "{sql}");
    }

    #[test]
    fn initiative_filters_apply_only_to_initiative_children() {
        let filter = InitiativeFilter {
            sector_id: Some(4),
            ..Default::default()
        };
        let args = PageArgs {
            first: 10,
            after: None,
        };
        let initiatives = page_sql(Rel::Root("initiatives"), &[ROOT_PARENT], args, &filter);
        assert!(initiatives.contains("f.sector_id = 4"), "{initiatives}");
        let sectors = page_sql(Rel::Root("sectors"), &[ROOT_PARENT], args, &filter);
        assert!(!sectors.contains("f.sector_id"), "{sectors}");
    }
}
