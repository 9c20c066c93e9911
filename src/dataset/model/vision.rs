//! The Joint Vision side of the dataset: directions, initiatives and their figures, sectors,
//! investment targets, and the sources everything cites.

use crate::domain::{
    Confidence, DirectionMapping, InitiativeStatus, PartialDate, SourceKind, TargetKind,
    TargetStatus,
};

/// One of the Joint Vision's directions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Direction {
    /// Slug.
    pub id: String,
    /// Position 1..=8 in the Joint Vision.
    pub number: i32,
    /// English name.
    pub name: String,
    /// The short Japanese label used in the press (`ja_label_press`).
    pub ja_label: Option<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Why the summary is missing or qualified.
    pub summary_note: Option<String>,
    /// Other names the direction goes by.
    pub name_variants: Vec<String>,
    /// Citations.
    pub source_ids: Vec<String>,
}

/// An initiative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Initiative {
    /// Slug.
    pub id: String,
    /// Name.
    pub name: String,
    /// The direction it is placed under; `None` for the file's empty string.
    pub direction_id: Option<String>,
    /// Who placed it there; `None` for the file's "n/a".
    pub direction_mapping: Option<DirectionMapping>,
    /// What it is.
    pub description: String,
    /// Sectors it touches.
    pub sector_ids: Vec<String>,
    /// Its quantified figures (`numbers` in the file), in file order.
    pub figures: Vec<Figure>,
    /// Where it stands.
    pub status: InitiativeStatus,
    /// The event where it was announced.
    pub announced_at_event_id: Option<String>,
    /// Citations.
    pub source_ids: Vec<String>,
    /// How well the sources support it.
    pub confidence: Option<Confidence>,
    /// Curators' notes.
    pub notes: Option<String>,
}

/// A figure attached to an initiative. Values are exact integers in their unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// What is counted.
    pub label: String,
    /// The amount, when the sources give one.
    pub value: Option<i64>,
    /// Unit of `value` (a currency code, "people", "plants", …).
    pub unit: Option<String>,
    /// Currency code, for money.
    pub currency: Option<String>,
    /// First year of the period.
    pub period_start: Option<i32>,
    /// Last year of the period.
    pub period_end: Option<i32>,
    /// Qualifications.
    pub note: Option<String>,
}

/// A sector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sector {
    /// Slug.
    pub id: String,
    /// Name.
    pub name: String,
}

/// An investment or financing target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvestmentTarget {
    /// Slug.
    pub id: String,
    /// Name.
    pub name: String,
    /// Exact amount in `currency`.
    pub amount: i64,
    /// Currency code.
    pub currency: String,
    /// Who the target counts.
    pub kind: TargetKind,
    /// First year of the period.
    pub period_start: Option<i32>,
    /// Last year of the period.
    pub period_end: Option<i32>,
    /// The period in the sources' words.
    pub period_label: Option<String>,
    /// Running, met or replaced.
    pub status: TargetStatus,
    /// Why it has that status.
    pub status_note: Option<String>,
    /// Rough US dollar conversion, as text because it is approximate.
    pub approx_usd: Option<String>,
    /// The event where it was announced.
    pub announced_at_event_id: Option<String>,
    /// The initiative that carries it.
    pub initiative_id: Option<String>,
    /// Citations.
    pub source_ids: Vec<String>,
    /// Curators' notes.
    pub notes: Option<String>,
}

/// A cited publication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Slug.
    pub id: String,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Publication date.
    pub date: Option<PartialDate>,
    /// Where to read it.
    pub url: Option<String>,
    /// Primary, secondary, aggregator or reference.
    pub kind: SourceKind,
    /// Curators' notes.
    pub note: Option<String>,
}
