//! From shape-checked entries to typed records: words, dates and references per entry, and the
//! rules that span entries (unique ids, numbers and codes).

use super::check::{At, Checked, IdSet, Ids};
use super::events::{event, partnership};
use super::places::{indian_state, initiative_participant, prefecture};
use super::raw::*;
use super::{Entry, RawFile};
use crate::dataset::error::{Issue, Problem};
use crate::dataset::model::*;
use crate::domain::{
    Confidence, DirectionMapping, InitiativeStatus, SourceKind, TargetKind, TargetStatus,
};
use std::collections::{HashMap, HashSet};

/// Checks every entry and builds the dataset. Returns `None` only when `meta` is unusable; the
/// caller must still treat any recorded issue as failure.
pub(super) fn build(raw: RawFile, issues: &mut Vec<Issue>) -> Option<Dataset> {
    let ids = Ids {
        directions: IdSet::new("directions", &raw.directions, |r| &r.id, issues),
        initiatives: IdSet::new("initiatives", &raw.initiatives, |r| &r.id, issues),
        sectors: IdSet::new("sectors", &raw.sectors, |r| &r.id, issues),
        prefectures: IdSet::new("prefectures", &raw.prefectures, |r| &r.id, issues),
        indian_states: IdSet::new("indian_states", &raw.indian_states, |r| &r.id, issues),
        events: IdSet::new("events", &raw.events, |r| &r.id, issues),
        sources: IdSet::new("sources", &raw.sources, |r| &r.id, issues),
    };
    // Nothing refers to these two; their ids are collected only to catch repeats.
    IdSet::new("partnerships", &raw.partnerships, |r| &r.id, issues);
    IdSet::new(
        "investment_targets",
        &raw.investment_targets,
        |r| &r.id,
        issues,
    );
    unique_values(issues, "directions", &raw.directions.entries, |r| {
        (&r.id, "number", r.number.to_string())
    });
    unique_values(issues, "prefectures", &raw.prefectures.entries, |r| {
        (&r.id, "jis_code", r.jis_code.clone())
    });
    unique_values(issues, "prefectures", &raw.prefectures.entries, |r| {
        (&r.id, "iso_3166_2", r.iso_3166_2.clone())
    });

    let meta = raw.meta.and_then(|r| meta(r, issues));
    let mut directions = convert(raw.directions.entries, "directions", issues, |at, r| {
        direction(at, r, &ids)
    });
    // The Joint Vision's order, which is also the order rows are inserted in.
    directions.sort_by_key(|d| d.number);
    let initiatives = convert(raw.initiatives.entries, "initiatives", issues, |at, r| {
        initiative(at, r, &ids)
    });
    let sectors = convert(raw.sectors.entries, "sectors", issues, |_, r| {
        Ok(Sector {
            id: r.id,
            name: r.name,
        })
    });
    let indian_states = convert(
        raw.indian_states.entries,
        "indian_states",
        issues,
        |at, r| indian_state(at, r, &ids),
    );
    let mut events = convert(raw.events.entries, "events", issues, |at, r| {
        event(at, r, &ids)
    });
    // After the events, because a prefecture's `met_governors_2025` adds to an event's participants.
    let prefectures = convert(raw.prefectures.entries, "prefectures", issues, |at, r| {
        prefecture(at, r, &ids, &mut events)
    });
    let partnerships = convert(raw.partnerships.entries, "partnerships", issues, |at, r| {
        partnership(at, r, &ids)
    });
    let investment_targets = convert(
        raw.investment_targets.entries,
        "investment_targets",
        issues,
        |at, r| target(at, r, &ids),
    );
    let sources = convert(raw.sources.entries, "sources", issues, |at, r| {
        source(at, r)
    });
    let mut seen = HashSet::new();
    let initiative_participants = convert(
        raw.initiative_participants.entries,
        "initiative_participants",
        issues,
        |at, r| initiative_participant(at, r, &ids, &mut seen),
    );
    Some(Dataset {
        meta: meta?,
        directions,
        initiatives,
        sectors,
        prefectures,
        indian_states,
        partnerships,
        investment_targets,
        events,
        sources,
        initiative_participants,
    })
}

/// Converts each entry in its own [`At`] context, keeping the ones that pass.
fn convert<R: HasId, T>(
    entries: Vec<Entry<R>>,
    collection: &'static str,
    issues: &mut Vec<Issue>,
    mut check: impl FnMut(&mut At<'_>, R) -> Checked<T>,
) -> Vec<T> {
    entries
        .into_iter()
        .filter_map(|entry| {
            let id = entry.raw.id().map(str::to_owned);
            let mut at = At::new(issues, collection, entry.index, id.as_deref());
            check(&mut at, entry.raw).ok()
        })
        .collect()
}

/// Reports values of `field` that more than one entry uses.
fn unique_values<R>(
    issues: &mut Vec<Issue>,
    collection: &'static str,
    entries: &[Entry<R>],
    value: impl Fn(&R) -> (&str, &'static str, String),
) {
    let mut seen = HashMap::new();
    for entry in entries {
        let (id, field, value) = value(&entry.raw);
        let mut at = At::new(issues, collection, entry.index, Some(id));
        // Recorded as an issue; the entry itself still converts so its other fields are checked.
        let _ = at.unique(&mut seen, field, &value, collection, entry.index);
    }
}

/// Entries named by an `id` field; link entries have none.
pub(super) trait HasId {
    fn id(&self) -> Option<&str>;
}

macro_rules! has_id {
    ($($raw:ident),+) => {$(
        impl HasId for $raw {
            fn id(&self) -> Option<&str> { Some(&self.id) }
        }
    )+};
}

has_id!(
    RawDirection,
    RawInitiative,
    RawSector,
    RawPrefecture,
    RawIndianState,
    RawPartnership,
    RawInvestmentTarget,
    RawEvent,
    RawSource
);

impl HasId for RawInitiativeParticipant {
    fn id(&self) -> Option<&str> {
        None
    }
}

fn meta(raw: RawMeta, issues: &mut Vec<Issue>) -> Option<Meta> {
    let mut at = At::object(issues, "meta");
    let compiled = at.date("compiled", &raw.compiled).ok()?;
    Some(Meta {
        title: raw.title,
        compiled,
        notes: raw.notes,
    })
}

fn direction(at: &mut At<'_>, r: RawDirection, ids: &Ids) -> Checked<Direction> {
    let sources = at.references("source_ids", &ids.sources, &r.source_ids);
    if !(1..=8).contains(&r.number) {
        let problem = Problem::Inconsistent(format!("{} is not between 1 and 8", r.number));
        return Err(at.fail("number", problem));
    }
    sources?;
    Ok(Direction {
        id: r.id,
        number: r.number,
        name: r.name,
        ja_label: r.ja_label_press,
        summary: r.summary,
        summary_note: r.summary_note,
        name_variants: r.name_variants,
        source_ids: r.source_ids,
    })
}

fn initiative(at: &mut At<'_>, r: RawInitiative, ids: &Ids) -> Checked<Initiative> {
    // The file writes "no direction" as an empty string rather than null.
    let direction_id = (!r.direction_id.is_empty()).then_some(r.direction_id);
    let direction = at.optional_reference("direction_id", &ids.directions, direction_id.as_deref());
    let mapping = at.optional_word::<DirectionMapping>(
        "direction_mapping",
        Some(&r.direction_mapping),
        Some("n/a"),
    );
    let sectors = at.references("sector_ids", &ids.sectors, &r.sector_ids);
    let status = at.word::<InitiativeStatus>("status", &r.status);
    let event = at.optional_reference(
        "announced_at_event_id",
        &ids.events,
        r.announced_at_event_id.as_deref(),
    );
    let sources = at.references("source_ids", &ids.sources, &r.source_ids);
    let confidence = at.optional_word::<Confidence>("confidence", r.confidence.as_deref(), None);
    let figures = r
        .numbers
        .into_iter()
        .map(|n| Figure {
            label: n.label,
            value: n.value,
            unit: n.unit,
            currency: n.currency,
            period_start: n.period_start,
            period_end: n.period_end,
            note: n.note,
        })
        .collect();
    direction?;
    sectors?;
    event?;
    sources?;
    Ok(Initiative {
        id: r.id,
        name: r.name,
        direction_id,
        direction_mapping: mapping?,
        description: r.description,
        sector_ids: r.sector_ids,
        figures,
        status: status?,
        announced_at_event_id: r.announced_at_event_id,
        source_ids: r.source_ids,
        confidence: confidence?,
        notes: r.notes,
    })
}

fn target(at: &mut At<'_>, r: RawInvestmentTarget, ids: &Ids) -> Checked<InvestmentTarget> {
    let kind = at.word::<TargetKind>("kind", &r.kind);
    let status = at.word::<TargetStatus>("status", &r.status);
    let event = at.optional_reference(
        "announced_at_event_id",
        &ids.events,
        r.announced_at_event_id.as_deref(),
    );
    let initiative = at.optional_reference(
        "initiative_id",
        &ids.initiatives,
        r.initiative_id.as_deref(),
    );
    let sources = at.references("source_ids", &ids.sources, &r.source_ids);
    event?;
    initiative?;
    sources?;
    Ok(InvestmentTarget {
        id: r.id,
        name: r.name,
        amount: r.amount,
        currency: r.currency,
        kind: kind?,
        period_start: r.period_start,
        period_end: r.period_end,
        period_label: r.period_label,
        status: status?,
        status_note: r.status_note,
        approx_usd: r.approx_usd,
        announced_at_event_id: r.announced_at_event_id,
        initiative_id: r.initiative_id,
        source_ids: r.source_ids,
        notes: r.notes,
    })
}

fn source(at: &mut At<'_>, r: RawSource) -> Checked<Source> {
    let kind = at.word::<SourceKind>("kind", &r.kind);
    let date = at.optional_date("date", r.date.as_deref());
    Ok(Source {
        id: r.id,
        title: r.title,
        publisher: r.publisher,
        date: date?,
        url: r.url,
        kind: kind?,
        note: r.note,
    })
}
