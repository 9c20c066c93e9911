//! The `filter` argument of every connection: a typed input per object type with `and`, `or`
//! and `not`, operators per field (see [`scalar`]), and conditions on related rows (`some`,
//! `none`, `every` for lists; the related object's filter for single links). Compiled to
//! [`Cond`] without touching the database.

pub mod scalar;

use crate::db::query::{Cond, Link, Quantifier};
use crate::domain;
use crate::error::AppError;
use crate::graphql::types::*;
use async_graphql::InputObject;
pub use scalar::*;

/// How many related-row levels a filter may nest (`sectors: { some: { initiatives: { some: …
/// } } }`). Each level joins more tables into one statement, and SQLite refuses a statement of
/// more than 64 tables: past this a filter is the client's error, not a failed statement.
pub const MAX_RELATED_DEPTH: usize = 8;

/// How many levels of `and`, `or`, `not` and related rows a filter may nest in all.
pub const MAX_FILTER_DEPTH: usize = 32;

/// Compiles a filter argument, refusing one nested deeper than the limits above.
pub fn compile(filter: &impl ToCond) -> Result<Cond, AppError> {
    let cond = filter.to_cond();
    let (depth, related) = cond.depth();
    if related > MAX_RELATED_DEPTH {
        return Err(AppError::bad_input(
            "filter",
            format!("related-row conditions may nest at most {MAX_RELATED_DEPTH} levels deep"),
        ));
    }
    if depth > MAX_FILTER_DEPTH {
        return Err(AppError::bad_input(
            "filter",
            format!("a filter may nest at most {MAX_FILTER_DEPTH} levels deep"),
        ));
    }
    Ok(cond)
}

/// A filter input that compiles to a condition on its type's rows.
pub trait ToCond {
    /// The condition; `And([])` (always true) when the filter is empty.
    fn to_cond(&self) -> Cond;
}

/// Joins a filter's own conditions with its `and`, `or` and `not` parts.
fn logic<F: ToCond>(
    mut own: Vec<Cond>,
    and: &Option<Vec<F>>,
    or: &Option<Vec<F>>,
    not: &Option<Box<F>>,
) -> Cond {
    if let Some(all) = and {
        own.push(Cond::And(all.iter().map(ToCond::to_cond).collect()));
    }
    if let Some(any) = or {
        own.push(Cond::Or(any.iter().map(ToCond::to_cond).collect()));
    }
    if let Some(negated) = not {
        own.push(Cond::Not(Box::new(negated.to_cond())));
    }
    Cond::all(own)
}

/// Declares the `some`/`none`/`every` input for lists of a type.
macro_rules! list_filter {
    ($name:ident, $inner:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Debug, Default, InputObject)]
        pub struct $name {
            /// At least one related item matches.
            pub some: Option<Box<$inner>>,
            /// No related item matches.
            pub none: Option<Box<$inner>>,
            /// Every related item matches (true when there are none).
            pub every: Option<Box<$inner>>,
        }

        impl $name {
            /// The conditions on the related rows reached through `link`.
            pub fn conds(&self, link: Link, out: &mut Vec<Cond>) {
                for (quantifier, filter) in [
                    (Quantifier::Some, &self.some),
                    (Quantifier::None, &self.none),
                    (Quantifier::Every, &self.every),
                ] {
                    if let Some(filter) = filter {
                        out.push(Cond::Related {
                            link,
                            quantifier,
                            cond: Box::new(filter.to_cond()),
                        });
                    }
                }
            }
        }
    };
}

list_filter!(
    InitiativeListFilter,
    InitiativeFilter,
    "Conditions on a list of initiatives."
);
list_filter!(
    SectorListFilter,
    SectorFilter,
    "Conditions on a list of sectors."
);
list_filter!(
    PrefectureListFilter,
    PrefectureFilter,
    "Conditions on a list of prefectures."
);
list_filter!(
    IndianStateListFilter,
    IndianStateFilter,
    "Conditions on a list of Indian states."
);
list_filter!(
    PartnershipListFilter,
    PartnershipFilter,
    "Conditions on a list of partnerships."
);
list_filter!(
    EventListFilter,
    EventFilter,
    "Conditions on a list of events."
);
list_filter!(
    SourceListFilter,
    SourceFilter,
    "Conditions on a list of sources."
);
list_filter!(
    InvestmentTargetListFilter,
    InvestmentTargetFilter,
    "Conditions on a list of investment targets."
);

fn related(link: Link, filter: &Option<Box<impl ToCond>>, out: &mut Vec<Cond>) {
    if let Some(filter) = filter {
        out.push(Cond::Related {
            link,
            quantifier: Quantifier::Some,
            cond: Box::new(filter.to_cond()),
        });
    }
}

const fn junction(
    table: &'static str,
    junction: &'static str,
    row_column: &'static str,
    related_column: &'static str,
) -> Link {
    Link::Junction {
        table,
        junction,
        row_column,
        related_column,
    }
}

fn initiative_status(s: InitiativeStatus) -> &'static str {
    domain::InitiativeStatus::from(s).as_db()
}

/// Which directions to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct DirectionFilter {
    /// All of these filters match.
    pub and: Option<Vec<DirectionFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<DirectionFilter>>,
    /// This filter does not match.
    pub not: Option<Box<DirectionFilter>>,
    /// The direction's number, 1 to 8.
    pub number: Option<IntFilter>,
    /// The direction's slug.
    pub slug: Option<StringFilter>,
    /// The direction's name.
    pub name: Option<StringFilter>,
    /// Its initiatives.
    pub initiatives: Option<InitiativeListFilter>,
}

impl ToCond for DirectionFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.number {
            f.conds("number", &mut own);
        }
        if let Some(f) = &self.slug {
            f.conds("slug", &mut own);
        }
        if let Some(f) = &self.name {
            f.conds("name", &mut own);
        }
        if let Some(f) = &self.initiatives {
            f.conds(
                Link::Back {
                    table: "initiatives",
                    column: "direction_id",
                },
                &mut own,
            );
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which initiatives to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct InitiativeFilter {
    /// All of these filters match.
    pub and: Option<Vec<InitiativeFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<InitiativeFilter>>,
    /// This filter does not match.
    pub not: Option<Box<InitiativeFilter>>,
    /// The slug.
    pub slug: Option<StringFilter>,
    /// The name.
    pub name: Option<StringFilter>,
    /// The description.
    pub description: Option<StringFilter>,
    /// The status.
    pub status: Option<EnumFilter<InitiativeStatus>>,
    /// The confidence.
    pub confidence: Option<EnumFilter<Confidence>>,
    /// The direction it sits under (`direction: null`-style absence: use `directionMissing`).
    pub direction: Option<Box<DirectionFilter>>,
    /// True: only initiatives outside the eight directions; false: only those under one.
    pub direction_missing: Option<bool>,
    /// Its sectors.
    pub sectors: Option<SectorListFilter>,
    /// Its participating prefectures.
    pub prefectures: Option<PrefectureListFilter>,
    /// Its participating Indian states.
    pub indian_states: Option<IndianStateListFilter>,
    /// Real-world events linked to it.
    pub events: Option<EventListFilter>,
    /// Its sources (`sources: { none: {} }` finds uncited initiatives).
    pub sources: Option<SourceListFilter>,
    /// Its investment targets.
    pub investment_targets: Option<InvestmentTargetListFilter>,
}

impl ToCond for InitiativeFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.slug {
            f.conds("slug", &mut own);
        }
        if let Some(f) = &self.name {
            f.conds("name", &mut own);
        }
        if let Some(f) = &self.description {
            f.conds("description", &mut own);
        }
        if let Some(f) = &self.status {
            f.conds("status", initiative_status, &mut own);
        }
        if let Some(f) = &self.confidence {
            f.conds(
                "confidence",
                |c| domain::Confidence::from(c).as_db(),
                &mut own,
            );
        }
        related(
            Link::ToOne {
                table: "directions",
                column: "direction_id",
            },
            &self.direction,
            &mut own,
        );
        if let Some(missing) = self.direction_missing {
            own.push(Cond::IsNull {
                column: "direction_id",
                null: missing,
            });
        }
        if let Some(f) = &self.sectors {
            f.conds(
                junction(
                    "sectors",
                    "initiative_sectors",
                    "initiative_id",
                    "sector_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.prefectures {
            f.conds(
                junction(
                    "prefectures",
                    "initiative_prefectures",
                    "initiative_id",
                    "prefecture_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.indian_states {
            f.conds(
                junction(
                    "indian_states",
                    "initiative_indian_states",
                    "initiative_id",
                    "indian_state_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.events {
            f.conds(
                junction("events", "event_initiatives", "initiative_id", "event_id"),
                &mut own,
            );
        }
        if let Some(f) = &self.sources {
            f.conds(
                junction(
                    "sources",
                    "initiative_sources",
                    "initiative_id",
                    "source_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.investment_targets {
            f.conds(
                Link::Back {
                    table: "investment_targets",
                    column: "initiative_id",
                },
                &mut own,
            );
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which sectors to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct SectorFilter {
    /// All of these filters match.
    pub and: Option<Vec<SectorFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<SectorFilter>>,
    /// This filter does not match.
    pub not: Option<Box<SectorFilter>>,
    /// The slug.
    pub slug: Option<StringFilter>,
    /// The name.
    pub name: Option<StringFilter>,
    /// The broader sector.
    pub parent: Option<Box<SectorFilter>>,
    /// Initiatives touching it.
    pub initiatives: Option<InitiativeListFilter>,
}

impl ToCond for SectorFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.slug {
            f.conds("slug", &mut own);
        }
        if let Some(f) = &self.name {
            f.conds("name", &mut own);
        }
        related(
            Link::ToOne {
                table: "sectors",
                column: "parent_id",
            },
            &self.parent,
            &mut own,
        );
        if let Some(f) = &self.initiatives {
            f.conds(
                junction(
                    "initiatives",
                    "initiative_sectors",
                    "sector_id",
                    "initiative_id",
                ),
                &mut own,
            );
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which prefectures to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct PrefectureFilter {
    /// All of these filters match.
    pub and: Option<Vec<PrefectureFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<PrefectureFilter>>,
    /// This filter does not match.
    pub not: Option<Box<PrefectureFilter>>,
    /// The slug.
    pub slug: Option<StringFilter>,
    /// The English name.
    pub name: Option<StringFilter>,
    /// The Japanese name.
    pub name_ja: Option<StringFilter>,
    /// The region, e.g. "Kyushu-Okinawa".
    pub region: Option<StringFilter>,
    /// The kind: to, do, fu or ken.
    pub kind: Option<EnumFilter<PrefectureKind>>,
    /// The JIS code.
    pub jis_code: Option<StringFilter>,
    /// Initiatives it takes part in.
    pub initiatives: Option<InitiativeListFilter>,
    /// Its partnerships.
    pub partnerships: Option<PartnershipListFilter>,
}

impl ToCond for PrefectureFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        for (column, f) in [
            ("slug", &self.slug),
            ("name", &self.name),
            ("name_ja", &self.name_ja),
            ("region", &self.region),
            ("jis_code", &self.jis_code),
        ] {
            if let Some(f) = f {
                f.conds(column, &mut own);
            }
        }
        if let Some(f) = &self.kind {
            f.conds(
                "kind",
                |k| domain::PrefectureKind::from(k).as_db(),
                &mut own,
            );
        }
        if let Some(f) = &self.initiatives {
            f.conds(
                junction(
                    "initiatives",
                    "initiative_prefectures",
                    "prefecture_id",
                    "initiative_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.partnerships {
            f.conds(
                junction(
                    "partnerships",
                    "partnership_prefectures",
                    "prefecture_id",
                    "partnership_id",
                ),
                &mut own,
            );
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which Indian states and union territories to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct IndianStateFilter {
    /// All of these filters match.
    pub and: Option<Vec<IndianStateFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<IndianStateFilter>>,
    /// This filter does not match.
    pub not: Option<Box<IndianStateFilter>>,
    /// The slug.
    pub slug: Option<StringFilter>,
    /// The name.
    pub name: Option<StringFilter>,
    /// State or union territory.
    pub kind: Option<EnumFilter<IndianStateKind>>,
    /// Initiatives it takes part in.
    pub initiatives: Option<InitiativeListFilter>,
    /// Its partnerships.
    pub partnerships: Option<PartnershipListFilter>,
}

impl ToCond for IndianStateFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.slug {
            f.conds("slug", &mut own);
        }
        if let Some(f) = &self.name {
            f.conds("name", &mut own);
        }
        if let Some(f) = &self.kind {
            f.conds(
                "kind",
                |k| domain::IndianStateKind::from(k).as_db(),
                &mut own,
            );
        }
        if let Some(f) = &self.initiatives {
            f.conds(
                junction(
                    "initiatives",
                    "initiative_indian_states",
                    "indian_state_id",
                    "initiative_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.partnerships {
            f.conds(
                Link::Back {
                    table: "partnerships",
                    column: "indian_state_id",
                },
                &mut own,
            );
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which partnerships to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct PartnershipFilter {
    /// All of these filters match.
    pub and: Option<Vec<PartnershipFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<PartnershipFilter>>,
    /// This filter does not match.
    pub not: Option<Box<PartnershipFilter>>,
    /// The slug.
    pub slug: Option<StringFilter>,
    /// What the agreement covers.
    pub nature: Option<StringFilter>,
    /// What is on the Japanese side.
    pub counterpart_kind: Option<EnumFilter<CounterpartKind>>,
    /// Whether it is in force (null: unknown).
    pub status: Option<EnumFilter<PartnershipStatus>>,
    /// When it was established (first day of the known period).
    pub established: Option<DateFilter>,
    /// Whether the 2025 summit documents cite it.
    pub cited_in_2025_summit: Option<BooleanFilter>,
    /// The Indian state.
    pub indian_state: Option<Box<IndianStateFilter>>,
    /// The prefectures on the Japanese side.
    pub prefectures: Option<PrefectureListFilter>,
    /// Its sources.
    pub sources: Option<SourceListFilter>,
}

impl ToCond for PartnershipFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.slug {
            f.conds("slug", &mut own);
        }
        if let Some(f) = &self.nature {
            f.conds("nature", &mut own);
        }
        if let Some(f) = &self.counterpart_kind {
            f.conds(
                "counterpart_kind",
                |k| domain::CounterpartKind::from(k).as_db(),
                &mut own,
            );
        }
        if let Some(f) = &self.status {
            f.conds(
                "status",
                |k| domain::PartnershipStatus::from(k).as_db(),
                &mut own,
            );
        }
        if let Some(f) = &self.established {
            f.conds("established_on", &mut own);
        }
        if let Some(f) = &self.cited_in_2025_summit {
            f.conds("cited_in_2025_summit", &mut own);
        }
        related(
            Link::ToOne {
                table: "indian_states",
                column: "indian_state_id",
            },
            &self.indian_state,
            &mut own,
        );
        if let Some(f) = &self.prefectures {
            f.conds(
                junction(
                    "prefectures",
                    "partnership_prefectures",
                    "partnership_id",
                    "prefecture_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.sources {
            f.conds(
                junction(
                    "sources",
                    "partnership_sources",
                    "partnership_id",
                    "source_id",
                ),
                &mut own,
            );
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which investment targets to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct InvestmentTargetFilter {
    /// All of these filters match.
    pub and: Option<Vec<InvestmentTargetFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<InvestmentTargetFilter>>,
    /// This filter does not match.
    pub not: Option<Box<InvestmentTargetFilter>>,
    /// The slug.
    pub slug: Option<StringFilter>,
    /// The exact amount.
    pub amount: Option<BigIntFilter>,
    /// The ISO currency code.
    pub currency: Option<StringFilter>,
    /// Whose money it counts.
    pub kind: Option<EnumFilter<TargetKind>>,
    /// Running, met or replaced.
    pub status: Option<EnumFilter<TargetStatus>>,
    /// First year of the period.
    pub period_start: Option<IntFilter>,
    /// The initiative it belongs to.
    pub initiative: Option<Box<InitiativeFilter>>,
}

impl ToCond for InvestmentTargetFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.slug {
            f.conds("slug", &mut own);
        }
        if let Some(f) = &self.amount {
            f.conds("amount", &mut own);
        }
        if let Some(f) = &self.currency {
            f.conds("currency", &mut own);
        }
        if let Some(f) = &self.kind {
            f.conds("kind", |k| domain::TargetKind::from(k).as_db(), &mut own);
        }
        if let Some(f) = &self.status {
            f.conds(
                "status",
                |k| domain::TargetStatus::from(k).as_db(),
                &mut own,
            );
        }
        if let Some(f) = &self.period_start {
            f.conds("period_start", &mut own);
        }
        related(
            Link::ToOne {
                table: "initiatives",
                column: "initiative_id",
            },
            &self.initiative,
            &mut own,
        );
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which events to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct EventFilter {
    /// All of these filters match.
    pub and: Option<Vec<EventFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<EventFilter>>,
    /// This filter does not match.
    pub not: Option<Box<EventFilter>>,
    /// The slug.
    pub slug: Option<StringFilter>,
    /// The title.
    pub title: Option<StringFilter>,
    /// The kind of event.
    pub kind: Option<EnumFilter<EventKind>>,
    /// When it happened (first day of the known period).
    pub date: Option<DateFilter>,
    /// Where it happened.
    pub location: Option<StringFilter>,
    /// Initiatives linked to it.
    pub initiatives: Option<InitiativeListFilter>,
    /// Prefectures known to have taken part.
    pub prefectures: Option<PrefectureListFilter>,
    /// Indian states known to have taken part.
    pub indian_states: Option<IndianStateListFilter>,
    /// Its sources.
    pub sources: Option<SourceListFilter>,
}

impl ToCond for EventFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.slug {
            f.conds("slug", &mut own);
        }
        if let Some(f) = &self.title {
            f.conds("title", &mut own);
        }
        if let Some(f) = &self.kind {
            f.conds("kind", |k| domain::EventKind::from(k).as_db(), &mut own);
        }
        if let Some(f) = &self.date {
            f.conds("occurred_on", &mut own);
        }
        if let Some(f) = &self.location {
            f.conds("location", &mut own);
        }
        if let Some(f) = &self.initiatives {
            f.conds(
                junction(
                    "initiatives",
                    "event_initiatives",
                    "event_id",
                    "initiative_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.prefectures {
            f.conds(
                junction(
                    "prefectures",
                    "event_participants",
                    "event_id",
                    "prefecture_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.indian_states {
            f.conds(
                junction(
                    "indian_states",
                    "event_participants",
                    "event_id",
                    "indian_state_id",
                ),
                &mut own,
            );
        }
        if let Some(f) = &self.sources {
            f.conds(
                junction("sources", "event_sources", "event_id", "source_id"),
                &mut own,
            );
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which sources to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct SourceFilter {
    /// All of these filters match.
    pub and: Option<Vec<SourceFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<SourceFilter>>,
    /// This filter does not match.
    pub not: Option<Box<SourceFilter>>,
    /// The slug.
    pub slug: Option<StringFilter>,
    /// The title.
    pub title: Option<StringFilter>,
    /// The publisher.
    pub publisher: Option<StringFilter>,
    /// The kind of publication.
    pub kind: Option<EnumFilter<SourceKind>>,
    /// When it was published (first day of the known period).
    pub published: Option<DateFilter>,
    /// Its address.
    pub url: Option<StringFilter>,
}

impl ToCond for SourceFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        for (column, f) in [
            ("slug", &self.slug),
            ("title", &self.title),
            ("publisher", &self.publisher),
            ("url", &self.url),
        ] {
            if let Some(f) = f {
                f.conds(column, &mut own);
            }
        }
        if let Some(f) = &self.kind {
            f.conds("kind", |k| domain::SourceKind::from(k).as_db(), &mut own);
        }
        if let Some(f) = &self.published {
            f.conds("published_on", &mut own);
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Which initiative log entries to return; every condition given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct InitiativeEventFilter {
    /// All of these filters match.
    pub and: Option<Vec<InitiativeEventFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<InitiativeEventFilter>>,
    /// This filter does not match.
    pub not: Option<Box<InitiativeEventFilter>>,
    /// What happened.
    pub kind: Option<EnumFilter<InitiativeEventKind>>,
    /// The sequence number.
    pub sequence: Option<IntFilter>,
    /// Who made the change.
    pub actor: Option<StringFilter>,
    /// The initiative it is about.
    pub initiative: Option<Box<InitiativeFilter>>,
}

impl ToCond for InitiativeEventFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.kind {
            f.conds(
                "kind",
                |k| domain::InitiativeEventKind::from(k).as_db(),
                &mut own,
            );
        }
        if let Some(f) = &self.sequence {
            f.conds("id", &mut own);
        }
        if let Some(f) = &self.actor {
            f.conds("actor", &mut own);
        }
        related(
            Link::ToOne {
                table: "initiatives",
                column: "initiative_id",
            },
            &self.initiative,
            &mut own,
        );
        logic(own, &self.and, &self.or, &self.not)
    }
}

/// Simple filter for the small detail lists (figures, renewals, participants, governor
/// mentions): combine with `and`/`or`/`not` over their few fields.
#[derive(Clone, Debug, Default, InputObject)]
pub struct DetailFilter {
    /// All of these filters match.
    pub and: Option<Vec<DetailFilter>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<DetailFilter>>,
    /// This filter does not match.
    pub not: Option<Box<DetailFilter>>,
    /// The row's sequence within its parent list, or its id where the list has no position.
    pub id: Option<IntFilter>,
}

impl ToCond for DetailFilter {
    fn to_cond(&self) -> Cond {
        let mut own = Vec::new();
        if let Some(f) = &self.id {
            f.conds("id", &mut own);
        }
        logic(own, &self.and, &self.or, &self.not)
    }
}
