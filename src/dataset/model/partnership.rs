//! The subnational side of the dataset: prefectures, Indian states, their partnerships, and the
//! events and initiatives they take part in.

use super::Party;
use crate::domain::{
    Attendance, Confidence, CounterpartKind, EventKind, EventStatus, IndianStateKind, PartialDate,
    PartnershipStatus, PrefectureKind,
};

/// A Japanese prefecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefecture {
    /// Slug.
    pub id: String,
    /// English name.
    pub name: String,
    /// Japanese name.
    pub name_ja: String,
    /// To, do, fu or ken.
    pub kind: PrefectureKind,
    /// Two-digit JIS X 0401 code.
    pub jis_code: String,
    /// ISO 3166-2 code (`iso_3166_2` in the file).
    pub iso_code: String,
    /// Region.
    pub region: String,
    /// Capital city.
    pub capital: String,
    /// Whether its governor met the Indian Prime Minister on 30 Aug 2025. Already merged into
    /// the participants of [`GOVERNORS_MEETING_2025`](crate::dataset::GOVERNORS_MEETING_2025).
    pub met_governors_2025: Option<Attendance>,
    /// Citations for `met_governors_2025`.
    pub met_governors_2025_source_ids: Vec<String>,
    /// Governors named by sources, in file order.
    pub governor_mentions: Vec<GovernorMention>,
    /// Curators' notes.
    pub notes: Option<String>,
    /// Citations for the reference data.
    pub reference_source_ids: Vec<String>,
}

/// A governor as a source names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GovernorMention {
    /// The name as given.
    pub name: String,
    /// Office held.
    pub role: String,
    /// When the source places them in office.
    pub as_of: Option<PartialDate>,
    /// Qualifications.
    pub note: Option<String>,
    /// Citations.
    pub source_ids: Vec<String>,
}

/// An Indian state or union territory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndianState {
    /// Slug.
    pub id: String,
    /// Name.
    pub name: String,
    /// State or union territory.
    pub kind: IndianStateKind,
    /// Capital city.
    pub capital: String,
    /// Curators' notes.
    pub notes: Option<String>,
    /// Citations for the reference data.
    pub reference_source_ids: Vec<String>,
}

/// A partnership between an Indian state and a Japanese counterpart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partnership {
    /// Slug.
    pub id: String,
    /// The Indian side.
    pub indian_state_id: String,
    /// Prefectures on the Japanese side, or where the counterpart body sits.
    pub prefecture_ids: Vec<String>,
    /// What kind of body the counterpart is (`partner_type`).
    pub counterpart_kind: CounterpartKind,
    /// The counterpart's name, only where the file states it (in `nature`); never for a
    /// prefecture counterpart, which its prefecture link names.
    pub counterpart_name: Option<String>,
    /// What the agreement covers.
    pub nature: String,
    /// When it was first signed.
    pub established: Option<PartialDate>,
    /// When it was renewed, in file order.
    pub renewals: Vec<PartialDate>,
    /// When it expires.
    pub valid_until: Option<PartialDate>,
    /// Whether it is in force; `None` for the file's "unknown".
    pub status: Option<PartnershipStatus>,
    /// Whether the 2025 Joint Statement cites it.
    pub cited_in_2025_summit: bool,
    /// Events of the partnership.
    pub event_ids: Vec<String>,
    /// Citations.
    pub source_ids: Vec<String>,
    /// How well the sources support it.
    pub confidence: Option<Confidence>,
    /// Curators' notes.
    pub notes: Option<String>,
}

/// A dated event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Slug.
    pub id: String,
    /// When it happened, to the precision known.
    pub date: PartialDate,
    /// Title.
    pub title: String,
    /// Where.
    pub location: Option<String>,
    /// What kind of event (`type`).
    pub kind: EventKind,
    /// Local time, as the source gives it.
    pub time_local: Option<String>,
    /// Who organised it.
    pub organiser: Option<String>,
    /// Headcount the sources give, which may exceed the participants known by name.
    pub participant_count: Option<i32>,
    /// Whether it has happened; `None` for past events the file leaves without status.
    pub status: Option<EventStatus>,
    /// Its outcomes, as listed.
    pub outcomes: Vec<String>,
    /// Prefectures and states known to have taken part, from `participants` (confirmed),
    /// `prefecture_participants` and the prefectures' `met_governors_2025`.
    pub participants: Vec<EventParticipant>,
    /// Citations.
    pub source_ids: Vec<String>,
    /// Curators' notes.
    pub notes: Option<String>,
}

/// A party known to have taken part in an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventParticipant {
    /// Who.
    pub party: Party,
    /// How sure the data is.
    pub attendance: Attendance,
    /// Why.
    pub note: Option<String>,
    /// Citations for this participation.
    pub source_ids: Vec<String>,
}

/// A prefecture or state taking part in an initiative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitiativeParticipant {
    /// The initiative.
    pub initiative_id: String,
    /// Who takes part.
    pub party: Party,
    /// In what capacity.
    pub role: Option<String>,
    /// How the curators derived it.
    pub note: Option<String>,
    /// Citations. The schema has no table for them yet, so the importer does not store them.
    pub source_ids: Vec<String>,
}
