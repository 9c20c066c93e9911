//! Checks for prefectures, Indian states and initiative participants, including how a prefecture's
//! `met_governors_2025` joins the governors' meeting.

use super::check::{At, Checked, Ids};
use super::raw::{RawIndianState, RawInitiativeParticipant, RawPrefecture};
use crate::dataset::GOVERNORS_MEETING_2025;
use crate::dataset::error::Problem;
use crate::dataset::model::*;
use crate::domain::{Attendance, IndianStateKind, PrefectureKind};
use std::collections::HashSet;

pub(super) fn prefecture(
    at: &mut At<'_>,
    r: RawPrefecture,
    ids: &Ids,
    events: &mut [Event],
) -> Checked<Prefecture> {
    let kind = at.word::<PrefectureKind>("type", &r.kind);
    let met =
        at.optional_word::<Attendance>("met_governors_2025", r.met_governors_2025.as_deref(), None);
    let met_sources = at.references(
        "met_governors_2025_source_ids",
        &ids.sources,
        &r.met_governors_2025_source_ids,
    );
    let references = at.references(
        "reference_source_ids",
        &ids.sources,
        &r.reference_source_ids,
    );
    let mut mentions = Vec::with_capacity(r.governor_mentions.len());
    let mut mentions_ok = Ok(());
    for (position, g) in r.governor_mentions.into_iter().enumerate() {
        let field = format!("governor_mentions[{position}]");
        let as_of = at.optional_date(&format!("{field}.as_of"), g.as_of.as_deref());
        let cited = at.references(&format!("{field}.source_ids"), &ids.sources, &g.source_ids);
        match (as_of, cited) {
            (Ok(as_of), Ok(())) => mentions.push(GovernorMention {
                name: g.name,
                role: g.role,
                as_of,
                note: g.note,
                source_ids: g.source_ids,
            }),
            (Err(rejected), _) | (_, Err(rejected)) => mentions_ok = Err(rejected),
        }
    }
    let met = met?;
    met_sources?;
    merge_met_governors(
        at,
        &r.id,
        met,
        &r.met_governors_2025_source_ids,
        ids,
        events,
    )?;
    references?;
    mentions_ok?;
    Ok(Prefecture {
        id: r.id,
        name: r.name,
        name_ja: r.name_ja,
        kind: kind?,
        jis_code: r.jis_code,
        iso_code: r.iso_3166_2,
        region: r.region,
        capital: r.capital,
        met_governors_2025: met,
        met_governors_2025_source_ids: r.met_governors_2025_source_ids,
        governor_mentions: mentions,
        notes: r.notes,
        reference_source_ids: r.reference_source_ids,
    })
}

/// Folds a prefecture's `met_governors_2025` into the governors' meeting, which must agree
/// with it: the prefecture's sources join the participant's, and a participation the event
/// does not list yet is added.
pub(super) fn merge_met_governors(
    at: &mut At<'_>,
    prefecture_id: &str,
    attendance: Option<Attendance>,
    source_ids: &[String],
    ids: &Ids,
    events: &mut [Event],
) -> Checked<()> {
    let Some(attendance) = attendance else {
        if source_ids.is_empty() {
            return Ok(());
        }
        let problem = Problem::Inconsistent("sources given, but met_governors_2025 is null".into());
        return Err(at.fail("met_governors_2025_source_ids", problem));
    };
    if !ids.events.ids.contains_key(GOVERNORS_MEETING_2025) {
        let problem = Problem::UnknownId {
            collection: "events",
            id: GOVERNORS_MEETING_2025.into(),
        };
        return Err(at.fail("met_governors_2025", problem));
    }
    let Some(meeting) = events.iter_mut().find(|e| e.id == GOVERNORS_MEETING_2025) else {
        // The event itself was rejected, and that is already reported.
        return Ok(());
    };
    let party = Party::Prefecture(prefecture_id.to_owned());
    match meeting.participants.iter_mut().find(|p| p.party == party) {
        Some(listed) if listed.attendance != attendance => {
            let problem = Problem::Inconsistent(format!(
                "says {attendance}, but event {GOVERNORS_MEETING_2025} lists the prefecture as {}",
                listed.attendance
            ));
            return Err(at.fail("met_governors_2025", problem));
        }
        Some(listed) => {
            for id in source_ids {
                if !listed.source_ids.contains(id) {
                    listed.source_ids.push(id.clone());
                }
            }
        }
        None => meeting.participants.push(EventParticipant {
            party,
            attendance,
            note: None,
            source_ids: source_ids.to_vec(),
        }),
    }
    Ok(())
}

pub(super) fn initiative_participant(
    at: &mut At<'_>,
    r: RawInitiativeParticipant,
    ids: &Ids,
    seen: &mut HashSet<(String, Party)>,
) -> Checked<InitiativeParticipant> {
    let initiative = at.reference("initiative_id", &ids.initiatives, &r.initiative_id);
    let sources = at.references("source_ids", &ids.sources, &r.source_ids);
    let party = match (r.prefecture_id, r.indian_state_id) {
        (Some(id), None) => at
            .reference("prefecture_id", &ids.prefectures, &id)
            .map(|()| Party::Prefecture(id)),
        (None, Some(id)) => at
            .reference("indian_state_id", &ids.indian_states, &id)
            .map(|()| Party::IndianState(id)),
        _ => Err(at.fail(
            "prefecture_id",
            Problem::Inconsistent("give exactly one of prefecture_id and indian_state_id".into()),
        )),
    }?;
    initiative?;
    sources?;
    if !seen.insert((r.initiative_id.clone(), party.clone())) {
        let problem = Problem::Inconsistent(
            "the same participant is listed twice for this initiative".into(),
        );
        return Err(at.fail("initiative_id", problem));
    }
    Ok(InitiativeParticipant {
        initiative_id: r.initiative_id,
        party,
        role: r.role,
        note: r.note,
        source_ids: r.source_ids,
    })
}

pub(super) fn indian_state(at: &mut At<'_>, r: RawIndianState, ids: &Ids) -> Checked<IndianState> {
    let kind = at.word::<IndianStateKind>("type", &r.kind);
    let references = at.references(
        "reference_source_ids",
        &ids.sources,
        &r.reference_source_ids,
    );
    references?;
    Ok(IndianState {
        id: r.id,
        name: r.name,
        kind: kind?,
        capital: r.capital,
        notes: r.notes,
        reference_source_ids: r.reference_source_ids,
    })
}
