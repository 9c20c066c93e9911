//! Writing a validated dataset into the database: one transaction, tables in foreign-key
//! order, each upserted by its natural key, then the links, then the initiative event log, then
//! the search documents.

mod citations;
mod links;
mod rows;
mod upsert;

use super::error::ImportError;
use super::model::Dataset;
use super::report::ImportReport;
use crate::db::log::{self, NewEntry};
use crate::domain::InitiativeEventKind;
use chrono::{DateTime, Utc};
use entity::*;
use rows::ParticipantKey;
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use serde_json::json;
use upsert::{Outcome, Upserted, upsert};

/// Who the event log says made the import's changes.
const ACTOR: &str = "import";

/// Row ids of everything the links and citations point at.
pub(super) struct Written {
    directions: Upserted<String>,
    sectors: Upserted<String>,
    sources: Upserted<String>,
    events: Upserted<String>,
    initiatives: Upserted<String>,
    prefectures: Upserted<String>,
    governor_mentions: Upserted<(i32, i32)>,
    indian_states: Upserted<String>,
    partnerships: Upserted<String>,
    investment_targets: Upserted<String>,
    event_participants: Upserted<ParticipantKey>,
}

/// Imports `dataset` in one transaction; on error nothing is written.
pub(super) async fn run(
    db: &DatabaseConnection,
    dataset: &Dataset,
) -> Result<ImportReport, ImportError> {
    // Hold the log lock from the start: the import appends to the initiative event log.
    let txn = log::begin_write(db).await?;
    // Dropping the transaction on an early return rolls it back.
    let report = write(&txn, dataset).await?;
    txn.commit().await?;
    Ok(report)
}

async fn write(db: &DatabaseTransaction, dataset: &Dataset) -> Result<ImportReport, ImportError> {
    let now = Utc::now();
    let mut report = ImportReport::new(dataset);
    let written = entities(db, dataset, now, &mut report).await?;
    links::write(db, dataset, &written, &mut report).await?;
    citations::write(db, dataset, &written, &mut report).await?;
    log(db, dataset, &written, now, &mut report).await?;
    // In the same transaction: a reader never sees imported rows without their documents.
    crate::db::search::sync(db).await?;
    Ok(report)
}

async fn entities<C: ConnectionTrait>(
    db: &C,
    dataset: &Dataset,
    now: DateTime<Utc>,
    report: &mut ImportReport,
) -> Result<Written, ImportError> {
    let directions = dataset.directions.iter().map(rows::direction).collect();
    let directions = upsert::<directions::Entity, _>(db, directions, |_| {}, report).await?;
    let sectors = dataset.sectors.iter().map(rows::sector).collect();
    let sectors = upsert::<sectors::Entity, _>(db, sectors, |_| {}, report).await?;
    let sources = dataset.sources.iter().map(rows::source).collect();
    let sources = upsert::<sources::Entity, _>(db, sources, |_| {}, report).await?;
    let events = dataset.events.iter().map(rows::event).collect();
    let events = upsert::<events::Entity, _>(db, events, |_| {}, report).await?;

    let initiatives = dataset
        .initiatives
        .iter()
        .map(|i| rows::initiative(i, &directions, &events, now))
        .collect::<Result<_, _>>()?;
    let touch = |row: &mut initiatives::ActiveModel| row.updated_at = Set(now);
    let initiatives = upsert::<initiatives::Entity, _>(db, initiatives, touch, report).await?;
    let mut figures = Vec::new();
    for i in &dataset.initiatives {
        let initiative_id = initiatives.id(i.id.as_str())?;
        figures.extend(
            (0..)
                .zip(&i.figures)
                .map(|(position, f)| rows::figure(initiative_id, position, f)),
        );
    }
    upsert::<initiative_figures::Entity, _>(db, figures, |_| {}, report).await?;

    let prefectures = dataset.prefectures.iter().map(rows::prefecture).collect();
    let prefectures = upsert::<prefectures::Entity, _>(db, prefectures, |_| {}, report).await?;
    let mut mentions = Vec::new();
    for p in &dataset.prefectures {
        let prefecture_id = prefectures.id(p.id.as_str())?;
        mentions.extend(
            (0..)
                .zip(&p.governor_mentions)
                .map(|(position, g)| rows::governor_mention(prefecture_id, position, g)),
        );
    }
    let governor_mentions =
        upsert::<governor_mentions::Entity, _>(db, mentions, |_| {}, report).await?;

    let indian_states = dataset
        .indian_states
        .iter()
        .map(rows::indian_state)
        .collect();
    let indian_states =
        upsert::<indian_states::Entity, _>(db, indian_states, |_| {}, report).await?;
    let partnerships = dataset
        .partnerships
        .iter()
        .map(|p| rows::partnership(p, &indian_states))
        .collect::<Result<_, _>>()?;
    let partnerships = upsert::<partnerships::Entity, _>(db, partnerships, |_| {}, report).await?;
    let mut renewals = Vec::new();
    for p in &dataset.partnerships {
        let partnership_id = partnerships.id(p.id.as_str())?;
        renewals.extend(
            p.renewals
                .iter()
                .map(|&date| rows::renewal(partnership_id, date)),
        );
    }
    upsert::<partnership_renewals::Entity, _>(db, renewals, |_| {}, report).await?;

    let targets = dataset
        .investment_targets
        .iter()
        .map(|t| rows::investment_target(t, &events, &initiatives))
        .collect::<Result<_, _>>()?;
    let investment_targets =
        upsert::<investment_targets::Entity, _>(db, targets, |_| {}, report).await?;

    let mut participants = Vec::new();
    for e in &dataset.events {
        let event_id = events.id(e.id.as_str())?;
        for p in &e.participants {
            participants.push(rows::event_participant(
                event_id,
                p,
                &prefectures,
                &indian_states,
            )?);
        }
    }
    let event_participants =
        upsert::<event_participants::Entity, _>(db, participants, |_| {}, report).await?;

    Ok(Written {
        directions,
        sectors,
        sources,
        events,
        initiatives,
        prefectures,
        governor_mentions,
        indian_states,
        partnerships,
        investment_targets,
        event_participants,
    })
}

/// Appends one log entry per initiative the import created or changed.
async fn log(
    txn: &DatabaseTransaction,
    dataset: &Dataset,
    written: &Written,
    now: DateTime<Utc>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let mut entries = Vec::new();
    for (slug, outcome) in &written.initiatives.outcomes {
        let (kind, payload, event_id) = match outcome {
            Outcome::Unchanged => continue,
            Outcome::Inserted => {
                let announced = dataset
                    .initiatives
                    .iter()
                    .find(|i| &i.id == slug)
                    .and_then(|i| i.announced_at_event_id.as_deref());
                let event_id = announced.map(|e| written.events.id(e)).transpose()?;
                (
                    InitiativeEventKind::Created,
                    json!({ "source": "import" }),
                    event_id,
                )
            }
            Outcome::Updated(fields) => (
                InitiativeEventKind::Updated,
                json!({ "fields": fields }),
                None,
            ),
        };
        entries.push(NewEntry {
            initiative_id: Some(written.initiatives.id(slug.as_str())?),
            kind,
            event_id,
            payload,
        });
    }
    report.logged = entries.len();
    log::append(txn, entries, ACTOR, now).await?;
    Ok(())
}
