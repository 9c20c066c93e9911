//! The validated dataset: typed records whose words, dates and references have been checked.
//!
//! Ids stay the dataset's slugs; the importer resolves them to row ids. Optional values are
//! `None` where the file says `null` (not found / not confirmed), never where it says "no".

mod partnership;
mod vision;

pub use partnership::*;
pub use vision::*;

use crate::domain::PartialDate;

/// The whole curated dataset, validated. Collections keep file order, except directions, which
/// are ordered by number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// What the file says about itself.
    pub meta: Meta,
    /// The eight directions of the Joint Vision.
    pub directions: Vec<Direction>,
    /// Initiatives under the directions (or outside them).
    pub initiatives: Vec<Initiative>,
    /// Flat list of sectors.
    pub sectors: Vec<Sector>,
    /// The 47 prefectures of Japan.
    pub prefectures: Vec<Prefecture>,
    /// Indian states and union territories.
    pub indian_states: Vec<IndianState>,
    /// State–prefecture partnerships.
    pub partnerships: Vec<Partnership>,
    /// Investment and financing targets.
    pub investment_targets: Vec<InvestmentTarget>,
    /// Dated events, with their participants.
    pub events: Vec<Event>,
    /// Cited publications.
    pub sources: Vec<Source>,
    /// Prefectures and states taking part in initiatives, as derived by the curators.
    pub initiative_participants: Vec<InitiativeParticipant>,
}

/// The file's `meta` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    /// Title of the compilation.
    pub title: String,
    /// When the data was compiled.
    pub compiled: PartialDate,
    /// The curators' reading notes.
    pub notes: Vec<String>,
}

/// A prefecture or an Indian state, by slug.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Party {
    /// A Japanese prefecture.
    Prefecture(String),
    /// An Indian state or union territory.
    IndianState(String),
}
