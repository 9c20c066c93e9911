//! Checks for events and partnerships: the records with dates, participants and counterparts.

use super::check::{At, Checked, Ids, Rejected};
use super::raw::{RawEvent, RawPartnership};
use crate::dataset::error::Problem;
use crate::dataset::model::{Event, EventParticipant, Partnership, Party};
use crate::domain::{
    Attendance, Confidence, CounterpartKind, DatePrecision, EventKind, EventStatus,
    PartnershipStatus,
};
use std::collections::HashMap;

/// Counterpart names that the file states only inside a partnership's `nature` text, quoted
/// from it verbatim. The file has no field for them, so a name is used only while `nature`
/// still contains it; every other non-prefecture counterpart stays unnamed.
const COUNTERPART_NAMES: &[(&str, &str)] = &[(
    "kerala-nakaumi-shinjiko-daisen",
    "Nakaumi-Shinjiko-Daisen area mayors' association",
)];

pub(super) fn event(at: &mut At<'_>, r: RawEvent, ids: &Ids) -> Checked<Event> {
    let date = at.date("date", &r.date);
    let stated = at.word::<DatePrecision>("date_precision", &r.date_precision);
    let mut consistent = Ok(());
    if let (Ok(date), Ok(stated)) = (date, stated)
        && date.precision != stated
    {
        let problem = Problem::PrecisionMismatch {
            stated: r.date_precision.clone(),
            date: r.date.clone(),
            actual: date.precision,
        };
        consistent = Err(at.fail("date_precision", problem));
    }
    if r.participant_count.is_some_and(|count| count < 0) {
        let problem = Problem::Inconsistent("must not be negative".into());
        consistent = Err(at.fail("participant_count", problem));
    }
    let kind = at.word::<EventKind>("type", &r.kind);
    let status = at.optional_word::<EventStatus>("status", r.status.as_deref(), None);
    let sources = at.references("source_ids", &ids.sources, &r.source_ids);

    let mut participants = Vec::new();
    let mut listed = HashMap::new();
    let mut participants_ok = Ok(());
    for (position, id) in r.participants.iter().enumerate() {
        let field = format!("participants[{position}]");
        match at.party(&field, ids, id) {
            Ok(party) => participants.push((
                field,
                EventParticipant {
                    party,
                    // A bare listing is the file's way of saying the source names the party.
                    attendance: Attendance::Confirmed,
                    note: None,
                    source_ids: Vec::new(),
                },
            )),
            Err(rejected) => participants_ok = Err(rejected),
        }
    }
    for (position, p) in r.prefecture_participants.into_iter().enumerate() {
        let field = format!("prefecture_participants[{position}]");
        let known = at.reference(
            &format!("{field}.prefecture_id"),
            &ids.prefectures,
            &p.prefecture_id,
        );
        let attendance = at.word::<Attendance>(&format!("{field}.attendance"), &p.attendance);
        let cited = at.references(&format!("{field}.source_ids"), &ids.sources, &p.source_ids);
        match (known, attendance, cited) {
            (Ok(()), Ok(attendance), Ok(())) => participants.push((
                field,
                EventParticipant {
                    party: Party::Prefecture(p.prefecture_id),
                    attendance,
                    note: p.note,
                    source_ids: p.source_ids,
                },
            )),
            _ => participants_ok = Err(Rejected),
        }
    }
    for (position, (field, participant)) in participants.iter().enumerate() {
        // One row per party and event in the database: a second listing would be ambiguous.
        if let Some(&first) = listed.get(&participant.party) {
            let (first_field, _) = &participants[first];
            let problem =
                Problem::Inconsistent(format!("the same party is already listed as {first_field}"));
            participants_ok = Err(at.fail(field, problem));
        } else {
            listed.insert(participant.party.clone(), position);
        }
    }

    stated?;
    consistent?;
    sources?;
    participants_ok?;
    Ok(Event {
        id: r.id,
        date: date?,
        title: r.title,
        location: r.location,
        kind: kind?,
        time_local: r.time_local,
        organiser: r.organiser,
        participant_count: r.participant_count,
        status: status?,
        // `null` outcomes means none recorded; the column holds a list either way.
        outcomes: r.outcomes.unwrap_or_default(),
        participants: participants.into_iter().map(|(_, p)| p).collect(),
        source_ids: r.source_ids,
        notes: r.notes,
    })
}

pub(super) fn partnership(at: &mut At<'_>, r: RawPartnership, ids: &Ids) -> Checked<Partnership> {
    let state = at.reference("indian_state_id", &ids.indian_states, &r.indian_state_id);
    let prefectures = at.references("prefecture_ids", &ids.prefectures, &r.prefecture_ids);
    let kind = at.word::<CounterpartKind>("partner_type", &r.partner_type);
    let established = at.optional_date("established", r.established.as_deref());
    let valid_until = at.optional_date("valid_until", r.valid_until.as_deref());
    let status = at.optional_word::<PartnershipStatus>("status", Some(&r.status), Some("unknown"));
    let events = at.references("event_ids", &ids.events, &r.event_ids);
    let sources = at.references("source_ids", &ids.sources, &r.source_ids);
    let confidence = at.optional_word::<Confidence>("confidence", r.confidence.as_deref(), None);
    let mut renewals = Vec::with_capacity(r.renewals.len());
    let mut renewals_ok = Ok(());
    let mut starts = HashMap::new();
    for (position, text) in r.renewals.iter().enumerate() {
        let field = format!("renewals[{position}]");
        match at.date(&field, text) {
            // Renewals are keyed by their first day, so "2018" and "2018-01" would collide.
            Ok(date) => {
                let start = date.start.to_string();
                if let Err(rejected) = at.unique(&mut starts, &field, &start, "renewals", position)
                {
                    renewals_ok = Err(rejected);
                }
                renewals.push(date);
            }
            Err(rejected) => renewals_ok = Err(rejected),
        }
    }
    let kind = kind?;
    let counterpart_name = match kind {
        CounterpartKind::Prefecture => None,
        _ => COUNTERPART_NAMES
            .iter()
            .find(|(id, name)| *id == r.id && r.nature.contains(name))
            .map(|(_, name)| (*name).to_owned()),
    };
    state?;
    prefectures?;
    events?;
    sources?;
    renewals_ok?;
    Ok(Partnership {
        id: r.id,
        indian_state_id: r.indian_state_id,
        prefecture_ids: r.prefecture_ids,
        counterpart_kind: kind,
        counterpart_name,
        nature: r.nature,
        established: established?,
        renewals,
        valid_until: valid_until?,
        status: status?,
        cited_in_2025_summit: r.cited_in_2025_summit,
        event_ids: r.event_ids,
        source_ids: r.source_ids,
        confidence: confidence?,
        notes: r.notes,
    })
}
