//! Reading the file: JSON syntax, then each entry's shape, then words, dates and references.
//!
//! Entries are deserialized one by one from `serde_json::Value` so that a shape error names its
//! entry, and checking carries on after a failure so that one run reports every problem.

mod build;
mod check;
mod events;
mod places;
mod raw;

use super::error::{DatasetError, Issue, Location, Problem};
use super::model::Dataset;
use raw::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// An entry of a collection, with its position in the file.
struct Entry<T> {
    index: usize,
    raw: T,
}

/// A collection after shape checks.
struct Collection<T> {
    /// Entries that deserialized.
    entries: Vec<Entry<T>>,
    /// Positions and ids of entries that did not (already reported). Their ids still count as
    /// defined, so that one bad entry does not also fail every reference to it.
    rejected_ids: Vec<(usize, String)>,
}

/// The file after shape checks.
struct RawFile {
    meta: Option<RawMeta>,
    directions: Collection<RawDirection>,
    initiatives: Collection<RawInitiative>,
    sectors: Collection<RawSector>,
    prefectures: Collection<RawPrefecture>,
    indian_states: Collection<RawIndianState>,
    partnerships: Collection<RawPartnership>,
    investment_targets: Collection<RawInvestmentTarget>,
    events: Collection<RawEvent>,
    sources: Collection<RawSource>,
    initiative_participants: Collection<RawInitiativeParticipant>,
}

/// Parses and validates a whole dataset file.
pub(super) fn parse(json: &str) -> Result<Dataset, DatasetError> {
    let root: Value = serde_json::from_str(json).map_err(|error| {
        // serde_json appends the position to its message; it is reported separately.
        let text = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        DatasetError::Json {
            line: error.line(),
            column: error.column(),
            message: text.strip_suffix(&suffix).unwrap_or(&text).to_owned(),
        }
    })?;
    let mut issues = Vec::new();
    let Value::Object(mut top) = root else {
        let location = collection_location("(top level)");
        let problem = Problem::Malformed("expected a JSON object".into());
        return Err(DatasetError::Invalid(vec![Issue { location, problem }]));
    };
    let raw = RawFile {
        meta: meta(&mut top, &mut issues),
        directions: entries(&mut top, "directions", true, &mut issues),
        initiatives: entries(&mut top, "initiatives", true, &mut issues),
        sectors: entries(&mut top, "sectors", true, &mut issues),
        prefectures: entries(&mut top, "prefectures", true, &mut issues),
        indian_states: entries(&mut top, "indian_states", true, &mut issues),
        partnerships: entries(&mut top, "partnerships", true, &mut issues),
        investment_targets: entries(&mut top, "investment_targets", true, &mut issues),
        events: entries(&mut top, "events", true, &mut issues),
        sources: entries(&mut top, "sources", true, &mut issues),
        // Absent from the shared upstream file, which predates the derived links.
        initiative_participants: entries(&mut top, "initiative_participants", false, &mut issues),
    };
    for key in top.keys() {
        issues.push(Issue {
            location: collection_location(key),
            problem: Problem::Malformed("unknown top-level key".into()),
        });
    }
    match build::build(raw, &mut issues) {
        Some(dataset) if issues.is_empty() => Ok(dataset),
        _ => Err(DatasetError::Invalid(issues)),
    }
}

fn collection_location(collection: &str) -> Location {
    Location {
        collection: collection.to_owned(),
        index: None,
        id: None,
        field: None,
    }
}

fn meta(top: &mut Map<String, Value>, issues: &mut Vec<Issue>) -> Option<RawMeta> {
    let Some(value) = top.remove("meta") else {
        let problem = Problem::Malformed("missing top-level key".into());
        issues.push(Issue {
            location: collection_location("meta"),
            problem,
        });
        return None;
    };
    deserialize(value, "meta", None, issues)
}

fn entries<T: DeserializeOwned>(
    top: &mut Map<String, Value>,
    collection: &'static str,
    required: bool,
    issues: &mut Vec<Issue>,
) -> Collection<T> {
    let mut result = Collection {
        entries: Vec::new(),
        rejected_ids: Vec::new(),
    };
    let problem = match top.remove(collection) {
        Some(Value::Array(values)) => {
            for (index, value) in values.into_iter().enumerate() {
                let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
                match deserialize(value, collection, Some(index), issues) {
                    Some(raw) => result.entries.push(Entry { index, raw }),
                    None => result.rejected_ids.extend(id.map(|id| (index, id))),
                }
            }
            return result;
        }
        Some(_) => "expected an array",
        None if required => "missing top-level key",
        None => return result,
    };
    let location = collection_location(collection);
    issues.push(Issue {
        location,
        problem: Problem::Malformed(problem.into()),
    });
    result
}

fn deserialize<T: DeserializeOwned>(
    value: Value,
    collection: &str,
    index: Option<usize>,
    issues: &mut Vec<Issue>,
) -> Option<T> {
    let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
    serde_path_to_error::deserialize(value)
        .map_err(|error| {
            let path = error.path().to_string();
            // A path of "." means the entry itself: a missing field or a non-object.
            let field = (path != ".").then_some(path);
            let location = Location {
                collection: collection.to_owned(),
                index,
                id,
                field,
            };
            let problem = Problem::Malformed(error.into_inner().to_string());
            issues.push(Issue { location, problem });
        })
        .ok()
}
