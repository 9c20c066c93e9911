//! The file's records exactly as written, before words, dates and references are checked.
//!
//! Every struct denies unknown fields, so a misspelt key is an error rather than silently lost
//! data. Keys that every entry of the shipped file carries are required; keys that only some
//! entries carry are optional.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeta {
    pub title: String,
    pub compiled: String,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDirection {
    pub id: String,
    pub number: i32,
    pub name: String,
    pub ja_label_press: Option<String>,
    pub summary: Option<String>,
    pub source_ids: Vec<String>,
    #[serde(default)]
    pub name_variants: Vec<String>,
    pub summary_note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInitiative {
    pub id: String,
    pub name: String,
    pub direction_id: String,
    pub direction_mapping: String,
    pub description: String,
    pub sector_ids: Vec<String>,
    pub numbers: Vec<RawFigure>,
    pub status: String,
    pub announced_at_event_id: Option<String>,
    pub source_ids: Vec<String>,
    pub confidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFigure {
    pub label: String,
    pub value: Option<i64>,
    pub unit: Option<String>,
    pub currency: Option<String>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSector {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrefecture {
    pub id: String,
    pub name: String,
    pub name_ja: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub jis_code: String,
    pub iso_3166_2: String,
    pub region: String,
    pub capital: String,
    pub met_governors_2025: Option<String>,
    #[serde(default)]
    pub met_governors_2025_source_ids: Vec<String>,
    #[serde(default)]
    pub governor_mentions: Vec<RawGovernorMention>,
    pub notes: Option<String>,
    #[serde(default)]
    pub reference_source_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGovernorMention {
    pub name: String,
    pub role: String,
    pub as_of: Option<String>,
    #[serde(default)]
    pub source_ids: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndianState {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub capital: String,
    pub notes: Option<String>,
    #[serde(default)]
    pub reference_source_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPartnership {
    pub id: String,
    pub indian_state_id: String,
    pub prefecture_ids: Vec<String>,
    pub partner_type: String,
    pub nature: String,
    pub established: Option<String>,
    #[serde(default)]
    pub renewals: Vec<String>,
    pub valid_until: Option<String>,
    pub status: String,
    pub cited_in_2025_summit: bool,
    #[serde(default)]
    pub event_ids: Vec<String>,
    pub source_ids: Vec<String>,
    pub confidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInvestmentTarget {
    pub id: String,
    pub name: String,
    pub amount: i64,
    pub currency: String,
    pub kind: String,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub period_label: Option<String>,
    pub status: String,
    pub status_note: Option<String>,
    pub approx_usd: Option<String>,
    pub announced_at_event_id: Option<String>,
    pub initiative_id: Option<String>,
    pub source_ids: Vec<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub id: String,
    pub date: String,
    pub date_precision: String,
    pub title: String,
    pub location: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub time_local: Option<String>,
    pub organiser: Option<String>,
    pub participant_count: Option<i32>,
    pub status: Option<String>,
    pub outcomes: Option<Vec<String>>,
    #[serde(default)]
    pub participants: Vec<String>,
    #[serde(default)]
    pub prefecture_participants: Vec<RawPrefectureParticipant>,
    pub source_ids: Vec<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrefectureParticipant {
    pub prefecture_id: String,
    pub attendance: String,
    #[serde(default)]
    pub source_ids: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub kind: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInitiativeParticipant {
    pub initiative_id: String,
    pub prefecture_id: Option<String>,
    pub indian_state_id: Option<String>,
    pub role: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub source_ids: Vec<String>,
}
