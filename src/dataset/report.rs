//! What an import did, in numbers.

use super::model::Dataset;
use std::fmt;

/// Rows written to one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableReport {
    /// Table name.
    pub table: &'static str,
    /// Rows added.
    pub inserted: usize,
    /// Rows whose values were overwritten.
    pub updated: usize,
    /// Rows that already held the file's values.
    pub unchanged: usize,
}

/// The outcome of [`import`](super::import): how many rows changed, and how big the imported
/// dataset is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows added, over every table except the initiative event log.
    pub inserted: usize,
    /// Rows overwritten because the file's values differ.
    pub updated: usize,
    /// Rows that already held the file's values.
    pub unchanged: usize,
    /// Entries appended to the initiative event log (`initiative_events`).
    pub logged: usize,
    /// Per-table numbers, in the order the tables were written.
    pub tables: Vec<TableReport>,
    /// Directions in the dataset.
    pub directions: usize,
    /// Initiatives in the dataset.
    pub initiatives: usize,
    /// Sectors in the dataset.
    pub sectors: usize,
    /// Prefectures in the dataset.
    pub prefectures: usize,
    /// Indian states and union territories in the dataset.
    pub indian_states: usize,
    /// Partnerships in the dataset.
    pub partnerships: usize,
    /// Investment targets in the dataset.
    pub investment_targets: usize,
    /// Events in the dataset.
    pub events: usize,
    /// Sources in the dataset.
    pub sources: usize,
}

impl ImportReport {
    /// An empty report sized to `dataset`.
    pub(super) fn new(dataset: &Dataset) -> Self {
        Self {
            directions: dataset.directions.len(),
            initiatives: dataset.initiatives.len(),
            sectors: dataset.sectors.len(),
            prefectures: dataset.prefectures.len(),
            indian_states: dataset.indian_states.len(),
            partnerships: dataset.partnerships.len(),
            investment_targets: dataset.investment_targets.len(),
            events: dataset.events.len(),
            sources: dataset.sources.len(),
            ..Self::default()
        }
    }

    /// Adds one table's numbers.
    pub(super) fn record(
        &mut self,
        table: &'static str,
        inserted: usize,
        updated: usize,
        unchanged: usize,
    ) {
        self.inserted += inserted;
        self.updated += updated;
        self.unchanged += unchanged;
        self.tables.push(TableReport {
            table,
            inserted,
            updated,
            unchanged,
        });
    }

    /// The numbers for one table, if the import wrote it.
    pub fn table(&self, table: &str) -> Option<&TableReport> {
        self.tables.iter().find(|report| report.table == table)
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} directions, {} initiatives, {} sectors, {} prefectures, {} Indian states and union \
             territories, {} partnerships, {} investment targets, {} events, {} sources \
             ({} rows inserted, {} updated",
            self.directions,
            self.initiatives,
            self.sectors,
            self.prefectures,
            self.indian_states,
            self.partnerships,
            self.investment_targets,
            self.events,
            self.sources,
            self.inserted,
            self.updated,
        )?;
        if self.logged > 0 {
            write!(f, ", {} initiative log entries", self.logged)?;
        }
        f.write_str(")")
    }
}
