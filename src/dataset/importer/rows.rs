//! How each record maps onto its table's columns.
//!
//! Surrogate ids are left unset so the database assigns them; columns the file says nothing
//! about (a sector's parent, an unnamed counterpart) are left unset so an import never
//! overwrites what an editor recorded there.

use super::upsert::Upserted;
use crate::dataset::error::ImportError;
use crate::dataset::model::*;
use crate::domain::{CounterpartKind, PartialDate};
use chrono::{DateTime, NaiveDate, Utc};
use entity::*;
use sea_orm::ActiveValue::{NotSet, Set};
use serde_json::Value as Json;

type Slugs = Upserted<String>;

/// A partial date as its two columns.
fn date_columns(date: Option<PartialDate>) -> (Option<NaiveDate>, Option<String>) {
    match date {
        Some(date) => (Some(date.start), Some(date.precision.as_db().to_owned())),
        None => (None, None),
    }
}

fn word<T: std::fmt::Display>(word: Option<T>) -> Option<String> {
    word.map(|word| word.to_string())
}

pub(super) fn direction(d: &Direction) -> (String, directions::ActiveModel) {
    let row = directions::ActiveModel {
        id: NotSet,
        number: Set(d.number),
        slug: Set(d.id.clone()),
        name: Set(d.name.clone()),
        ja_label: Set(d.ja_label.clone()),
        summary: Set(d.summary.clone()),
        summary_note: Set(d.summary_note.clone()),
        name_variants: Set(Json::from(d.name_variants.clone())),
    };
    (d.id.clone(), row)
}

pub(super) fn sector(s: &Sector) -> (String, sectors::ActiveModel) {
    let row = sectors::ActiveModel {
        id: NotSet,
        slug: Set(s.id.clone()),
        name: Set(s.name.clone()),
        // The file has no hierarchy; parents are the editors' to set.
        parent_id: NotSet,
    };
    (s.id.clone(), row)
}

pub(super) fn source(s: &Source) -> (String, sources::ActiveModel) {
    let (published_on, published_precision) = date_columns(s.date);
    let row = sources::ActiveModel {
        id: NotSet,
        slug: Set(s.id.clone()),
        title: Set(s.title.clone()),
        publisher: Set(s.publisher.clone()),
        published_on: Set(published_on),
        published_precision: Set(published_precision),
        url: Set(s.url.clone()),
        kind: Set(s.kind.as_db().to_owned()),
        note: Set(s.note.clone()),
    };
    (s.id.clone(), row)
}

pub(super) fn event(e: &Event) -> (String, events::ActiveModel) {
    let (occurred_on, date_precision) = date_columns(Some(e.date));
    let row = events::ActiveModel {
        id: NotSet,
        slug: Set(e.id.clone()),
        title: Set(e.title.clone()),
        kind: Set(e.kind.as_db().to_owned()),
        occurred_on: Set(occurred_on),
        date_precision: Set(date_precision),
        time_local: Set(e.time_local.clone()),
        location: Set(e.location.clone()),
        organiser: Set(e.organiser.clone()),
        status: Set(word(e.status)),
        participant_count: Set(e.participant_count),
        outcomes: Set(Json::from(e.outcomes.clone())),
        notes: Set(e.notes.clone()),
    };
    (e.id.clone(), row)
}

pub(super) fn initiative(
    i: &Initiative,
    directions: &Slugs,
    events: &Slugs,
    now: DateTime<Utc>,
) -> Result<(String, initiatives::ActiveModel), ImportError> {
    let row = initiatives::ActiveModel {
        id: NotSet,
        slug: Set(i.id.clone()),
        direction_id: Set(i
            .direction_id
            .as_deref()
            .map(|d| directions.id(d))
            .transpose()?),
        name: Set(i.name.clone()),
        description: Set(i.description.clone()),
        status: Set(i.status.as_db().to_owned()),
        confidence: Set(word(i.confidence)),
        direction_mapping: Set(word(i.direction_mapping)),
        announced_at_event_id: Set(i
            .announced_at_event_id
            .as_deref()
            .map(|e| events.id(e))
            .transpose()?),
        notes: Set(i.notes.clone()),
        // Used on insert only: the upsert never compares or rewrites these two.
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok((i.id.clone(), row))
}

pub(super) fn figure(
    initiative_id: i32,
    position: i32,
    f: &Figure,
) -> ((i32, i32), initiative_figures::ActiveModel) {
    let row = initiative_figures::ActiveModel {
        id: NotSet,
        initiative_id: Set(initiative_id),
        position: Set(position),
        label: Set(f.label.clone()),
        value: Set(f.value),
        unit: Set(f.unit.clone()),
        currency: Set(f.currency.clone()),
        period_start: Set(f.period_start),
        period_end: Set(f.period_end),
        note: Set(f.note.clone()),
    };
    ((initiative_id, position), row)
}

pub(super) fn prefecture(p: &Prefecture) -> (String, prefectures::ActiveModel) {
    let row = prefectures::ActiveModel {
        id: NotSet,
        slug: Set(p.id.clone()),
        name: Set(p.name.clone()),
        name_ja: Set(p.name_ja.clone()),
        kind: Set(p.kind.as_db().to_owned()),
        jis_code: Set(p.jis_code.clone()),
        iso_code: Set(p.iso_code.clone()),
        region: Set(p.region.clone()),
        capital: Set(p.capital.clone()),
        notes: Set(p.notes.clone()),
    };
    (p.id.clone(), row)
}

pub(super) fn governor_mention(
    prefecture_id: i32,
    position: i32,
    g: &GovernorMention,
) -> ((i32, i32), governor_mentions::ActiveModel) {
    let (as_of, as_of_precision) = date_columns(g.as_of);
    let row = governor_mentions::ActiveModel {
        id: NotSet,
        prefecture_id: Set(prefecture_id),
        position: Set(position),
        name: Set(g.name.clone()),
        role: Set(g.role.clone()),
        as_of: Set(as_of),
        as_of_precision: Set(as_of_precision),
        note: Set(g.note.clone()),
    };
    ((prefecture_id, position), row)
}

pub(super) fn indian_state(s: &IndianState) -> (String, indian_states::ActiveModel) {
    let row = indian_states::ActiveModel {
        id: NotSet,
        slug: Set(s.id.clone()),
        name: Set(s.name.clone()),
        kind: Set(s.kind.as_db().to_owned()),
        capital: Set(s.capital.clone()),
        notes: Set(s.notes.clone()),
    };
    (s.id.clone(), row)
}

pub(super) fn partnership(
    p: &Partnership,
    indian_states: &Slugs,
) -> Result<(String, partnerships::ActiveModel), ImportError> {
    let (established_on, established_precision) = date_columns(p.established);
    let (valid_until, valid_until_precision) = date_columns(p.valid_until);
    let counterpart_name = match (&p.counterpart_kind, &p.counterpart_name) {
        // A prefecture counterpart is named by its prefecture link, not by this column.
        (CounterpartKind::Prefecture, _) => Set(None),
        (_, Some(name)) => Set(Some(name.clone())),
        (_, None) => NotSet,
    };
    let row = partnerships::ActiveModel {
        id: NotSet,
        slug: Set(p.id.clone()),
        indian_state_id: Set(indian_states.id(p.indian_state_id.as_str())?),
        counterpart_kind: Set(p.counterpart_kind.as_db().to_owned()),
        counterpart_name,
        nature: Set(p.nature.clone()),
        established_on: Set(established_on),
        established_precision: Set(established_precision),
        valid_until: Set(valid_until),
        valid_until_precision: Set(valid_until_precision),
        status: Set(word(p.status)),
        cited_in_2025_summit: Set(p.cited_in_2025_summit),
        confidence: Set(word(p.confidence)),
        notes: Set(p.notes.clone()),
    };
    Ok((p.id.clone(), row))
}

pub(super) fn renewal(
    partnership_id: i32,
    renewed: PartialDate,
) -> ((i32, NaiveDate), partnership_renewals::ActiveModel) {
    let row = partnership_renewals::ActiveModel {
        id: NotSet,
        partnership_id: Set(partnership_id),
        renewed_on: Set(renewed.start),
        renewed_precision: Set(renewed.precision.as_db().to_owned()),
    };
    ((partnership_id, renewed.start), row)
}

pub(super) fn investment_target(
    t: &InvestmentTarget,
    events: &Slugs,
    initiatives: &Slugs,
) -> Result<(String, investment_targets::ActiveModel), ImportError> {
    let row = investment_targets::ActiveModel {
        id: NotSet,
        slug: Set(t.id.clone()),
        name: Set(t.name.clone()),
        amount: Set(t.amount),
        currency: Set(t.currency.clone()),
        kind: Set(t.kind.as_db().to_owned()),
        period_start: Set(t.period_start),
        period_end: Set(t.period_end),
        period_label: Set(t.period_label.clone()),
        status: Set(t.status.as_db().to_owned()),
        status_note: Set(t.status_note.clone()),
        approx_usd: Set(t.approx_usd.clone()),
        announced_at_event_id: Set(t
            .announced_at_event_id
            .as_deref()
            .map(|e| events.id(e))
            .transpose()?),
        initiative_id: Set(t
            .initiative_id
            .as_deref()
            .map(|i| initiatives.id(i))
            .transpose()?),
        notes: Set(t.notes.clone()),
    };
    Ok((t.id.clone(), row))
}

/// The key of an event participant row: event, then prefecture or state.
pub(super) type ParticipantKey = (i32, Option<i32>, Option<i32>);

pub(super) fn event_participant(
    event_id: i32,
    p: &EventParticipant,
    prefectures: &Slugs,
    indian_states: &Slugs,
) -> Result<(ParticipantKey, event_participants::ActiveModel), ImportError> {
    let (prefecture_id, indian_state_id) = match &p.party {
        Party::Prefecture(slug) => (Some(prefectures.id(slug.as_str())?), None),
        Party::IndianState(slug) => (None, Some(indian_states.id(slug.as_str())?)),
    };
    let row = event_participants::ActiveModel {
        id: NotSet,
        event_id: Set(event_id),
        prefecture_id: Set(prefecture_id),
        indian_state_id: Set(indian_state_id),
        attendance: Set(p.attendance.as_db().to_owned()),
        note: Set(p.note.clone()),
    };
    Ok(((event_id, prefecture_id, indian_state_id), row))
}
