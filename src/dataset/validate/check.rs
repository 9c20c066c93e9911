//! The checking context: the entry being checked, its id sets, and the checks that record
//! a problem naming that entry and field.

use super::Collection;
use crate::dataset::error::{Issue, Location, Problem};
use crate::dataset::model::Party;
use crate::domain::{
    Attendance, Confidence, CounterpartKind, DatePrecision, DirectionMapping, EventKind,
    EventStatus, IndianStateKind, InitiativeStatus, PartialDate, PartnershipStatus, PrefectureKind,
    SourceKind, TargetKind, TargetStatus,
};
use std::collections::HashMap;

/// Marks a check that failed; the failure itself is already recorded as an [`Issue`].
#[derive(Clone, Copy, Debug)]
pub(super) struct Rejected;

/// Checked result: the value, or a failure already reported.
pub(super) type Checked<T> = Result<T, Rejected>;

/// A domain enum whose words the file may use.
pub(super) trait Word: Sized {
    fn from_word(word: &str) -> Option<Self>;
    fn words() -> String;
}

macro_rules! word {
    ($($name:ident),+) => {$(
        impl Word for $name {
            fn from_word(word: &str) -> Option<Self> { $name::from_word(word) }
            fn words() -> String { $name::words() }
        }
    )+};
}

word!(
    Attendance,
    Confidence,
    CounterpartKind,
    DatePrecision,
    DirectionMapping,
    EventKind,
    EventStatus,
    IndianStateKind,
    InitiativeStatus,
    PartnershipStatus,
    PrefectureKind,
    SourceKind,
    TargetKind,
    TargetStatus
);

/// The ids of one collection, by slug, with the position of the entry that defines each.
pub(super) struct IdSet {
    pub collection: &'static str,
    pub ids: HashMap<String, usize>,
}

impl IdSet {
    /// Collects ids, reporting any that repeat.
    pub fn new<T>(
        collection: &'static str,
        entries: &Collection<T>,
        id: impl Fn(&T) -> &str,
        issues: &mut Vec<Issue>,
    ) -> Self {
        let mut all: Vec<(usize, &str)> = entries
            .entries
            .iter()
            .map(|e| (e.index, id(&e.raw)))
            .collect();
        all.extend(
            entries
                .rejected_ids
                .iter()
                .map(|(index, id)| (*index, id.as_str())),
        );
        // File order, so that the later of two repeated ids is the one reported.
        all.sort_unstable_by_key(|&(index, _)| index);
        let mut ids = HashMap::new();
        for (index, slug) in all {
            let mut at = At::new(issues, collection, index, Some(slug));
            // A repeated id is recorded as an issue; the first entry keeps it.
            let _ = at.unique(&mut ids, "id", slug, collection, index);
        }
        Self { collection, ids }
    }
}

/// The entry being checked, which every reported problem names.
pub(super) struct At<'a> {
    issues: &'a mut Vec<Issue>,
    collection: &'static str,
    index: Option<usize>,
    id: Option<String>,
}

impl<'a> At<'a> {
    /// Checks the entry at `index` of `collection`.
    pub fn new(
        issues: &'a mut Vec<Issue>,
        collection: &'static str,
        index: usize,
        id: Option<&str>,
    ) -> Self {
        Self {
            issues,
            collection,
            index: Some(index),
            id: id.map(str::to_owned),
        }
    }

    /// Checks a top-level object that is not a list of entries, such as `meta`.
    pub fn object(issues: &'a mut Vec<Issue>, collection: &'static str) -> Self {
        Self {
            issues,
            collection,
            index: None,
            id: None,
        }
    }

    /// Records a problem with a field and returns the marker for it.
    pub fn fail(&mut self, field: &str, problem: Problem) -> Rejected {
        let location = Location {
            collection: self.collection.to_owned(),
            index: self.index,
            id: self.id.clone(),
            field: Some(field.to_owned()),
        };
        self.issues.push(Issue { location, problem });
        Rejected
    }

    /// A required word of a domain enum.
    pub fn word<T: Word>(&mut self, field: &str, word: &str) -> Checked<T> {
        T::from_word(word).ok_or_else(|| {
            let problem = Problem::UnknownWord {
                word: word.to_owned(),
                expected: T::words(),
            };
            self.fail(field, problem)
        })
    }

    /// A word that may be absent, or spelt `null_word`, to mean "not known".
    pub fn optional_word<T: Word>(
        &mut self,
        field: &str,
        word: Option<&str>,
        null_word: Option<&str>,
    ) -> Checked<Option<T>> {
        match word {
            None => Ok(None),
            Some(word) if Some(word) == null_word => Ok(None),
            Some(word) => T::from_word(word).map(Some).ok_or_else(|| {
                let mut expected = T::words();
                if let Some(null_word) = null_word {
                    expected = format!("{expected}, {null_word}");
                }
                self.fail(
                    field,
                    Problem::UnknownWord {
                        word: word.to_owned(),
                        expected,
                    },
                )
            }),
        }
    }

    /// A partial date.
    pub fn date(&mut self, field: &str, text: &str) -> Checked<PartialDate> {
        PartialDate::parse(text).ok_or_else(|| self.fail(field, Problem::BadDate(text.to_owned())))
    }

    /// A partial date that may be absent.
    pub fn optional_date(
        &mut self,
        field: &str,
        text: Option<&str>,
    ) -> Checked<Option<PartialDate>> {
        text.map(|text| self.date(field, text)).transpose()
    }

    /// One reference into `target`.
    pub fn reference(&mut self, field: &str, target: &IdSet, id: &str) -> Checked<()> {
        if target.ids.contains_key(id) {
            Ok(())
        } else {
            let problem = Problem::UnknownId {
                collection: target.collection,
                id: id.to_owned(),
            };
            Err(self.fail(field, problem))
        }
    }

    /// A reference that may be absent.
    pub fn optional_reference(
        &mut self,
        field: &str,
        target: &IdSet,
        id: Option<&str>,
    ) -> Checked<()> {
        id.map_or(Ok(()), |id| self.reference(field, target, id))
    }

    /// A list of references into `target`; every bad one is reported.
    pub fn references(&mut self, field: &str, target: &IdSet, ids: &[String]) -> Checked<()> {
        let mut result = Ok(());
        for (position, id) in ids.iter().enumerate() {
            if let Err(rejected) = self.reference(&format!("{field}[{position}]"), target, id) {
                result = Err(rejected);
            }
        }
        result
    }

    /// A prefecture or state id. Slugs shared by both collections would be ambiguous.
    pub fn party(&mut self, field: &str, ids: &Ids, id: &str) -> Checked<Party> {
        let prefecture = ids.prefectures.ids.contains_key(id);
        let state = ids.indian_states.ids.contains_key(id);
        match (prefecture, state) {
            (true, false) => Ok(Party::Prefecture(id.to_owned())),
            (false, true) => Ok(Party::IndianState(id.to_owned())),
            (true, true) => Err(self.fail(
                field,
                Problem::Inconsistent(format!("{id:?} is both a prefecture and an Indian state")),
            )),
            (false, false) => Err(self.fail(
                field,
                Problem::UnknownId {
                    collection: "prefectures or indian_states",
                    id: id.to_owned(),
                },
            )),
        }
    }

    /// Records `value` in `seen`, failing if an earlier entry of `collection` already used it.
    pub fn unique(
        &mut self,
        seen: &mut HashMap<String, usize>,
        field: &str,
        value: &str,
        collection: &'static str,
        index: usize,
    ) -> Checked<()> {
        if let Some(&first) = seen.get(value) {
            Err(self.fail(
                field,
                Problem::Duplicate {
                    value: value.to_owned(),
                    collection,
                    first,
                },
            ))
        } else {
            seen.insert(value.to_owned(), index);
            Ok(())
        }
    }
}

/// The ids of every collection that entries refer to.
pub(super) struct Ids {
    pub directions: IdSet,
    pub initiatives: IdSet,
    pub sectors: IdSet,
    pub prefectures: IdSet,
    pub indian_states: IdSet,
    pub events: IdSet,
    pub sources: IdSet,
}
