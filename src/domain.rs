//! Domain vocabulary shared by the dataset importer, the database layer and the GraphQL layer:
//! the enumerated values the database stores as text, and dates that keep their precision.
//!
//! Each enum has one canonical database word (`as_db`) and accepts, on import, the words the
//! curated dataset uses (`from_word`). Unknown words are rejected, never guessed.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Declares a text-backed enum with its database words.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word stored in the database.
            pub fn as_db(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Parses a stored or dataset word; `None` for an unknown word.
            pub fn from_word(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }

            /// The accepted words, for error messages.
            pub fn words() -> String {
                [$($word),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_db())
            }
        }
    };
}

text_enum!(
    /// Where an initiative stands.
    InitiativeStatus {
        Planned = "planned",
        Announced = "announced",
        Signed = "signed",
        Adopted = "adopted",
        Launched = "launched",
        InProgress = "in_progress",
        Ongoing = "ongoing",
        Achieved = "achieved",
        PreExisting = "pre_existing",
        Archived = "archived",
    }
);

text_enum!(
    /// How well the sources support an item.
    Confidence { High = "high", Medium = "medium", Low = "low" }
);

text_enum!(
    /// Who placed an initiative under its direction.
    DirectionMapping {
        StatedInJointVision = "stated_in_joint_vision",
        Inferred = "inferred",
    }
);

text_enum!(
    /// Precision of a partial date.
    DatePrecision { Year = "year", Month = "month", Day = "day" }
);

text_enum!(
    /// Administrative kind of a Japanese prefecture.
    PrefectureKind { To = "to", Do = "do", Fu = "fu", Ken = "ken" }
);

text_enum!(
    /// State or union territory.
    IndianStateKind { State = "state", UnionTerritory = "union_territory" }
);

text_enum!(
    /// What kind of body is on the Japanese side of a partnership.
    CounterpartKind { Prefecture = "prefecture", MunicipalAssociation = "municipal_association" }
);

text_enum!(
    /// Whether a partnership is in force. The dataset's "unknown" is stored as NULL.
    PartnershipStatus { Active = "active", Lapsed = "lapsed" }
);

text_enum!(
    /// Whether an investment target is running, met or replaced.
    TargetStatus { Active = "active", Achieved = "achieved", Superseded = "superseded" }
);

text_enum!(
    /// Who an investment target counts.
    TargetKind { PublicAndPrivate = "public_and_private", Private = "private", Public = "public" }
);

text_enum!(
    /// What kind of real-world event this is.
    EventKind {
        AnnualSummit = "annual_summit",
        MultilateralSummit = "multilateral_summit",
        MinisterialDialogue = "ministerial_dialogue",
        Dialogue = "dialogue",
        BusinessForum = "business_forum",
        PartnershipSigning = "partnership_signing",
        PartnershipRenewal = "partnership_renewal",
        SubnationalVisit = "subnational_visit",
        SubnationalMeeting = "subnational_meeting",
        SubnationalEvent = "subnational_event",
        SubnationalNetworkLaunch = "subnational_network_launch",
        SiteVisit = "site_visit",
        CommemorativeYear = "commemorative_year",
    }
);

text_enum!(
    /// Whether an event has happened. The dataset leaves past events without a status (NULL).
    EventStatus { Planned = "planned", Held = "held", Cancelled = "cancelled" }
);

text_enum!(
    /// How sure the data is that a party took part in an event. Absence of a row means unknown.
    Attendance { Confirmed = "confirmed", Probable = "probable" }
);

text_enum!(
    /// What kind of publication a source is.
    SourceKind {
        Primary = "primary",
        Secondary = "secondary",
        Aggregator = "aggregator",
        Reference = "reference",
    }
);

text_enum!(
    /// What happened to an initiative, as recorded in the initiative event log.
    InitiativeEventKind {
        Created = "created",
        Updated = "updated",
        StatusChanged = "status_changed",
        Archived = "archived",
        SectorLinked = "sector_linked",
        SectorUnlinked = "sector_unlinked",
        ParticipantAdded = "participant_added",
        ParticipantRemoved = "participant_removed",
        Milestone = "milestone",
        Cited = "cited",
        AttendanceRecorded = "attendance_recorded",
        PartnershipCreated = "partnership_created",
        SourceCreated = "source_created",
    }
);

text_enum!(
    /// Role carried by an API token.
    Role { Viewer = "viewer", Editor = "editor", Admin = "admin" }
);

/// A date known to a year, a month or a day. `start` is the first day of the period, so partial
/// dates sort and compare with full ones; the precision says how much of it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartialDate {
    pub start: NaiveDate,
    pub precision: DatePrecision,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the form gives the precision.
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, len: usize| -> Option<u32> {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let year = i32::try_from(number(parts.first()?, 4)?).ok()?;
        let (month, day, precision) = match parts.len() {
            1 => (1, 1, DatePrecision::Year),
            2 => (number(parts[1], 2)?, 1, DatePrecision::Month),
            3 => (
                number(parts[1], 2)?,
                number(parts[2], 2)?,
                DatePrecision::Day,
            ),
            _ => return None,
        };
        let start = NaiveDate::from_ymd_opt(year, month, day)?;
        Some(Self { start, precision })
    }

    /// Rebuilds a partial date from its stored columns.
    pub fn from_parts(start: NaiveDate, precision: DatePrecision) -> Self {
        Self { start, precision }
    }

    /// The date written to its precision: `2016`, `2016-11` or `2016-11-03`.
    pub fn text(&self) -> String {
        match self.precision {
            DatePrecision::Year => format!("{:04}", self.start.year()),
            DatePrecision::Month => format!("{:04}-{:02}", self.start.year(), self.start.month()),
            DatePrecision::Day => self.start.format("%Y-%m-%d").to_string(),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_keep_their_precision() {
        for text in ["2007", "2016-11", "2025-08-30"] {
            let date = PartialDate::parse(text).expect("valid partial date");
            assert_eq!(date.text(), text);
        }
        let month = PartialDate::parse("2016-11").expect("valid");
        assert_eq!(month.precision, DatePrecision::Month);
        assert_eq!(
            month.start,
            NaiveDate::from_ymd_opt(2016, 11, 1).expect("date")
        );
    }

    #[test]
    fn malformed_dates_are_rejected() {
        for text in [
            "",
            "16",
            "2016-13",
            "2016-02-30",
            "2016-1",
            "2016-11-03-01",
            "20x6",
        ] {
            assert!(
                PartialDate::parse(text).is_none(),
                "{text} should be rejected"
            );
        }
    }

    #[test]
    fn enum_words_round_trip_and_unknown_words_fail() {
        for status in InitiativeStatus::ALL {
            assert_eq!(InitiativeStatus::from_word(status.as_db()), Some(*status));
        }
        assert_eq!(InitiativeStatus::from_word("finished"), None);
    }
}
