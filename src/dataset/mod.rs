//! The curated India–Japan dataset: parsing and validating the shipped JSON file, and importing
//! it into the database.
//!
//! [`parse`] checks the whole file without touching the database and reports every problem with
//! its collection, entry and field. [`import`] then writes the dataset in one transaction. The
//! import is idempotent (a second run changes nothing) and additive (it never deletes rows or
//! links the file does not mention, so editors' additions survive).
//!
//! [`generate`] writes synthetic datasets N times the shipped one, for load and N+1 testing.

mod error;
mod generate;
mod importer;
mod model;
mod report;
mod validate;

#[cfg(test)]
mod tests;

pub use error::{DatasetError, ImportError, Issue, Location, Problem};
pub use generate::{GenerateError, generate};
pub use model::*;
pub use report::{ImportReport, TableReport};

/// The dataset shipped with the server, loaded on first start.
pub const SHIPPED_DATASET: &str = include_str!("../../data/india-japan-partnership.json");

/// The event whose governor participants the prefectures' `met_governors_2025` describes: the
/// Indian Prime Minister's meeting with 16 governors in Tokyo on 30 Aug 2025.
pub const GOVERNORS_MEETING_2025: &str = "ev-2025-08-30-governors-meeting";

/// Parses and validates a whole dataset file. No database is involved; any problem rejects the
/// file, and the error lists every problem found.
pub fn parse(json: &str) -> Result<Dataset, DatasetError> {
    validate::parse(json)
}

/// Imports a parsed dataset in one transaction: inserts what is missing, updates what differs,
/// keeps everything else, and logs created and updated initiatives in `initiative_events`.
pub async fn import(
    db: &sea_orm::DatabaseConnection,
    dataset: &Dataset,
) -> Result<ImportReport, ImportError> {
    importer::run(db, dataset).await
}
