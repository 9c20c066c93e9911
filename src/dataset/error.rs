//! Errors of reading and importing the dataset. Validation errors say where the problem is
//! (collection, entry index and id, field) so a curator can fix the file without a debugger.

use crate::domain::DatePrecision;
use std::fmt;

/// Where in the file a problem sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Top-level key, e.g. `initiatives`.
    pub collection: String,
    /// Position of the entry in its collection; `None` for the collection itself.
    pub index: Option<usize>,
    /// The entry's `id`, when it has one.
    pub id: Option<String>,
    /// Field inside the entry, as a path (`numbers[0].value`); `None` for the whole entry.
    pub field: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.collection)?;
        if let Some(index) = self.index {
            write!(f, "[{index}]")?;
        }
        if let Some(id) = &self.id {
            write!(f, " {id:?}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field {field:?}")?;
        }
        Ok(())
    }
}

/// What is wrong at a [`Location`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The JSON does not have the expected shape: wrong type, missing or unknown field. Floats
    /// and strings where an exact integer is expected land here.
    #[error("{0}")]
    Malformed(String),
    /// A word outside the documented vocabulary.
    #[error("unknown word {word:?} (expected one of: {expected})")]
    UnknownWord {
        /// The word found.
        word: String,
        /// The accepted words.
        expected: String,
    },
    /// A reference to an id that the target collection does not have.
    #[error("no entry in {collection} has id {id:?}")]
    UnknownId {
        /// The collection searched.
        collection: &'static str,
        /// The missing id.
        id: String,
    },
    /// An id, number or code that must be unique is used twice.
    #[error("{value:?} is already used by {collection}[{first}]")]
    Duplicate {
        /// The repeated value.
        value: String,
        /// Where it is.
        collection: &'static str,
        /// Where it was first used.
        first: usize,
    },
    /// Text that is not a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date.
    #[error("{0:?} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")]
    BadDate(String),
    /// A stated precision that the date's own form contradicts.
    #[error("{stated:?} does not match date {date:?}, which is given to the {actual}")]
    PrecisionMismatch {
        /// The precision the file states.
        stated: String,
        /// The date as written.
        date: String,
        /// The precision the date's form gives.
        actual: DatePrecision,
    },
    /// Values that contradict each other or the schema's rules.
    #[error("{0}")]
    Inconsistent(String),
}

/// One validation failure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {problem}")]
pub struct Issue {
    /// Where.
    pub location: Location,
    /// What.
    pub problem: Problem,
}

/// Why a dataset file was rejected. Nothing is written when parsing fails.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The text is not JSON.
    #[error("the dataset is not valid JSON: {message} (line {line}, column {column})")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's complaint.
        message: String,
    },
    /// The JSON does not describe a valid dataset; every problem found is listed.
    #[error("{}", describe(.0))]
    Invalid(Vec<Issue>),
}

impl DatasetError {
    /// The individual problems; empty for a JSON syntax error.
    pub fn issues(&self) -> &[Issue] {
        match self {
            DatasetError::Invalid(issues) => issues,
            DatasetError::Json { .. } => &[],
        }
    }
}

fn describe(issues: &[Issue]) -> String {
    match issues {
        [one] => one.to_string(),
        _ => {
            let mut text = format!("the dataset has {} problems:", issues.len());
            for issue in issues {
                text.push_str("\n  ");
                text.push_str(&issue.to_string());
            }
            text
        }
    }
}

/// Why an import failed. The import runs in one transaction, so a failure writes nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The database refused a statement.
    #[error("database error while importing the dataset: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// A reference that parsing would have caught: the dataset was built by hand, not parsed.
    #[error("{table} has no row for {key}; import only datasets returned by `parse`")]
    Unresolved {
        /// The table searched.
        table: &'static str,
        /// The key not found (a quoted slug, or a tuple of ids).
        key: String,
    },
}
