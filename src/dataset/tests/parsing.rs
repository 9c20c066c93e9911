//! Parsing: the shipped file's contents, and the messages broken files get.

use super::{entry, rejection, shipped, shipped_json};
use crate::dataset::*;
use crate::domain::{Attendance, CounterpartKind, DatePrecision, DirectionMapping};
use serde_json::json;

#[test]
fn the_shipped_file_parses_into_typed_collections_of_the_documented_sizes() {
    let d = shipped();
    let sizes = [
        d.directions.len(),
        d.initiatives.len(),
        d.sectors.len(),
        d.prefectures.len(),
        d.indian_states.len(),
        d.partnerships.len(),
        d.investment_targets.len(),
        d.events.len(),
        d.sources.len(),
        d.initiative_participants.len(),
    ];
    assert_eq!(sizes, [8, 41, 30, 47, 36, 11, 3, 28, 96, 18]);
    let numbers: Vec<i32> = d.directions.iter().map(|x| x.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);

    let target = d
        .investment_targets
        .iter()
        .find(|t| t.id == "target-2025-jpy-10-trillion")
        .expect("target");
    assert_eq!(target.amount, 10_000_000_000_000);
    let mie = d
        .partnerships
        .iter()
        .find(|p| p.id == "karnataka-mie")
        .expect("partnership");
    assert_eq!(mie.status, None, "\"unknown\" is stored as NULL");
    let kerala = d
        .partnerships
        .iter()
        .find(|p| p.id == "kerala-nakaumi-shinjiko-daisen")
        .expect("kerala");
    assert_eq!(
        kerala.counterpart_kind,
        CounterpartKind::MunicipalAssociation
    );
    assert_eq!(
        kerala.counterpart_name.as_deref(),
        Some("Nakaumi-Shinjiko-Daisen area mayors' association")
    );
    assert!(
        d.partnerships
            .iter()
            .filter(|p| p.id != kerala.id)
            .all(|p| p.counterpart_name.is_none())
    );
    let renewals: Vec<String> = kerala.renewals.iter().map(|r| r.text()).collect();
    assert_eq!(renewals, ["2025-10"]);
    let unmapped = d
        .initiatives
        .iter()
        .filter(|i| i.direction_mapping.is_none())
        .count();
    let mapped = d
        .initiatives
        .iter()
        .filter(|i| i.direction_mapping == Some(DirectionMapping::Inferred))
        .count();
    assert!(
        unmapped > 0 && mapped > 0,
        "\"n/a\" becomes None, other words their variant"
    );
    let delhi = d
        .events
        .iter()
        .find(|e| e.id == "ev-2007-fukuoka-delhi")
        .expect("event");
    assert_eq!(
        (delhi.date.text(), delhi.date.precision),
        ("2007".to_owned(), DatePrecision::Year)
    );
}

#[test]
fn the_governors_meeting_lists_only_fukuoka_confirmed_and_iwate_probable() {
    let d = shipped();
    let meeting = d
        .events
        .iter()
        .find(|e| e.id == GOVERNORS_MEETING_2025)
        .expect("meeting");
    let listed: Vec<(Party, Attendance)> = meeting
        .participants
        .iter()
        .map(|p| (p.party.clone(), p.attendance))
        .collect();
    assert_eq!(
        listed,
        [
            (Party::Prefecture("fukuoka".into()), Attendance::Confirmed),
            (Party::Prefecture("iwate".into()), Attendance::Probable),
        ]
    );
}

#[test]
fn a_prefecture_attending_the_governors_meeting_joins_its_participants_with_its_sources() {
    let mut json = shipped_json();
    let (_, tokyo) = entry(&mut json, "prefectures", "tokyo");
    tokyo["met_governors_2025"] = json!("probable");
    tokyo["met_governors_2025_source_ids"] = json!(["s-toi-governors"]);
    let d = parse(&json.to_string()).expect("still valid");
    let meeting = d
        .events
        .iter()
        .find(|e| e.id == GOVERNORS_MEETING_2025)
        .expect("meeting");
    let tokyo = meeting
        .participants
        .iter()
        .find(|p| p.party == Party::Prefecture("tokyo".into()))
        .expect("tokyo is added");
    assert_eq!(
        (tokyo.attendance, tokyo.source_ids.clone()),
        (Attendance::Probable, vec!["s-toi-governors".to_owned()])
    );
}

#[test]
fn a_prefecture_contradicting_the_governors_meeting_is_rejected() {
    let mut json = shipped_json();
    let (index, fukuoka) = entry(&mut json, "prefectures", "fukuoka");
    fukuoka["met_governors_2025"] = json!("probable");
    let message = rejection(&json);
    assert!(
        message.starts_with(&format!(
            "prefectures[{index}] \"fukuoka\": field \"met_governors_2025\": says probable, but event \
             {GOVERNORS_MEETING_2025} lists the prefecture as confirmed"
        )),
        "{message}"
    );
}

#[test]
fn an_unknown_status_word_is_rejected_naming_entry_and_field() {
    let mut json = shipped_json();
    let (index, ijicp) = entry(&mut json, "initiatives", "ijicp");
    ijicp["status"] = json!("finished");
    assert_eq!(
        rejection(&json),
        format!(
            "initiatives[{index}] \"ijicp\": field \"status\": unknown word \"finished\" (expected one of: \
             planned, announced, signed, adopted, launched, in_progress, ongoing, achieved, pre_existing, archived)"
        )
    );
}

#[test]
fn a_reference_to_an_unknown_sector_is_rejected() {
    let mut json = shipped_json();
    let (index, ijicp) = entry(&mut json, "initiatives", "ijicp");
    ijicp["sector_ids"][0] = json!("basket-weaving");
    assert_eq!(
        rejection(&json),
        format!(
            "initiatives[{index}] \"ijicp\": field \"sector_ids[0]\": no entry in sectors has id \"basket-weaving\""
        )
    );
}

#[test]
fn a_date_that_is_not_a_calendar_date_is_rejected() {
    let mut json = shipped_json();
    let (index, source) = entry(&mut json, "sources", "s-fukuoka-press-20250830");
    source["date"] = json!("2025-02-30");
    assert_eq!(
        rejection(&json),
        format!(
            "sources[{index}] \"s-fukuoka-press-20250830\": field \"date\": \"2025-02-30\" is not a date \
             (expected YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    );
}

#[test]
fn an_event_whose_precision_contradicts_its_date_is_rejected() {
    let mut json = shipped_json();
    let (index, event) = entry(&mut json, "events", "ev-2016-11-hyogo-gujarat-mou");
    event["date_precision"] = json!("day");
    assert_eq!(
        rejection(&json),
        format!(
            "events[{index}] \"ev-2016-11-hyogo-gujarat-mou\": field \"date_precision\": \"day\" does not \
             match date \"2016-11\", which is given to the month"
        )
    );
}

#[test]
fn an_unknown_field_is_rejected_instead_of_dropped() {
    let mut json = shipped_json();
    let (index, sector) = entry(&mut json, "sectors", "trade");
    sector["colour"] = json!("blue");
    let message = rejection(&json);
    assert!(
        message.starts_with(&format!(
            "sectors[{index}] \"trade\": field \"colour\": unknown field `colour`"
        )),
        "{message}"
    );
}

#[test]
fn amounts_that_are_not_exact_integers_are_rejected() {
    for amount in [json!(3.5e12), json!("3500000000000")] {
        let mut json = shipped_json();
        let (index, target) = entry(
            &mut json,
            "investment_targets",
            "target-2014-jpy-3-5-trillion",
        );
        target["amount"] = amount;
        let message = rejection(&json);
        assert!(
            message.starts_with(&format!(
                "investment_targets[{index}] \"target-2014-jpy-3-5-trillion\": field \"amount\": invalid type"
            )),
            "{message}"
        );
    }
}

#[test]
fn invalid_json_is_reported_with_its_line_and_column() {
    let text = SHIPPED_DATASET.replacen(
        "\"compiled\": \"2026-11-26\",",
        "\"compiled\": \"2026-11-26\"",
        1,
    );
    match parse(&text) {
        Err(DatasetError::Json {
            line,
            column,
            message,
        }) => {
            assert_eq!(line, 5, "the line after the missing comma");
            assert!(column > 0);
            assert!(
                !message.contains("line"),
                "the position is not repeated: {message}"
            );
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let mut json = shipped_json();
    entry(&mut json, "initiatives", "ijicp").1["confidence"] = json!("certain");
    entry(&mut json, "sources", "s-deepnewz").1["kind"] = json!("rumour");
    let duplicate = json["sectors"][0].clone();
    json["sectors"]
        .as_array_mut()
        .expect("sectors")
        .push(duplicate);
    let error = parse(&json.to_string()).expect_err("rejected");
    let fields: Vec<Option<&str>> = error
        .issues()
        .iter()
        .map(|i| i.location.field.as_deref())
        .collect();
    assert_eq!(fields, [Some("id"), Some("confidence"), Some("kind")]);
    assert!(error.to_string().starts_with("the dataset has 3 problems:"));
}

#[test]
fn an_initiative_participant_must_name_exactly_one_party() {
    let mut json = shipped_json();
    json["initiative_participants"][0]["indian_state_id"] = json!("gujarat");
    assert_eq!(
        rejection(&json),
        "initiative_participants[0]: field \"prefecture_id\": give exactly one of prefecture_id and indian_state_id"
    );
}

#[test]
fn prefectures_sharing_a_jis_code_are_rejected_before_the_database_sees_them() {
    let mut json = shipped_json();
    let (index, tokyo) = entry(&mut json, "prefectures", "tokyo");
    tokyo["jis_code"] = json!("01");
    assert_eq!(
        rejection(&json),
        format!(
            "prefectures[{index}] \"tokyo\": field \"jis_code\": \"01\" is already used by prefectures[0]"
        )
    );
}
