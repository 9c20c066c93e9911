//! Mutations that add records other than initiatives: sources, partnerships, citations.

use super::initiative::cite;
use super::write::{Write, check_optional_text, check_slug, check_text, write_error};
use crate::db::log::NewEntry;
use crate::domain::{self, InitiativeEventKind as Kind, PartialDate};
use crate::error::{AppError, Result};
use crate::graphql::relay::{NodeKind, decode_global_id};
use crate::graphql::types::{
    CounterpartKind, InitiativeEvent, Partnership, PartnershipStatus, Source, SourceKind,
};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{partnership_prefectures, partnership_sources, partnerships, sources};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Statement};
use serde_json::json;

/// Record mutations.
#[derive(Default)]
pub struct RecordMutation;

/// A new source.
#[derive(InputObject)]
pub struct CreateSourceInput {
    /// Stable key: lowercase letters, digits and single hyphens.
    pub slug: String,
    /// Title of the publication.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// Publication date as known: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Where to read it (http or https).
    pub url: Option<String>,
    /// What kind of publication it is.
    pub kind: SourceKind,
    /// Caveats about the source.
    pub note: Option<String>,
}

/// The result of adding a source.
#[derive(SimpleObject)]
pub struct CreateSourcePayload {
    /// The new source.
    pub source: Source,
    /// The log entry appended.
    pub log_entry: InitiativeEvent,
}

/// A new partnership between an Indian state and a Japanese counterpart.
#[derive(InputObject)]
pub struct CreatePartnershipInput {
    /// Stable key, e.g. `gujarat-shizuoka`.
    pub slug: String,
    /// Slug of the Indian state or union territory.
    pub indian_state: String,
    /// Slugs of the prefectures on the Japanese side (for an association of cities, the
    /// prefectures the cities are in).
    #[graphql(default)]
    pub prefectures: Vec<String>,
    /// What is on the Japanese side; PREFECTURE unless given.
    pub counterpart_kind: Option<CounterpartKind>,
    /// Name of a counterpart that is not a prefecture.
    pub counterpart_name: Option<String>,
    /// What the agreement covers.
    pub nature: String,
    /// When it was established, as known: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub established: Option<String>,
    /// Whether it is in force; omit when not known.
    pub status: Option<PartnershipStatus>,
    /// Slugs of the sources that back it.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// The result of adding a partnership.
#[derive(SimpleObject)]
pub struct CreatePartnershipPayload {
    /// The new partnership.
    pub partnership: Partnership,
    /// The log entry appended.
    pub log_entry: InitiativeEvent,
}

/// A citation: a source backing a fact.
#[derive(InputObject)]
pub struct CiteSourceInput {
    /// Global id of what the source backs: an initiative, partnership, event, investment target,
    /// direction, prefecture, Indian state, event participant or governor mention.
    pub subject: ID,
    /// Slug of the source.
    pub source: String,
}

/// The result of a citation.
#[derive(SimpleObject)]
pub struct CiteSourcePayload {
    /// The log entry appended (kind CITED).
    pub log_entry: InitiativeEvent,
}

fn partial_date(field: &str, text: Option<&str>) -> Result<Option<PartialDate>> {
    text.map(|t| {
        PartialDate::parse(t.trim()).ok_or_else(|| {
            AppError::bad_input(
                field,
                format!("`{field}` must be YYYY, YYYY-MM or YYYY-MM-DD, got {t:?}"),
            )
        })
    })
    .transpose()
}

async fn single_entry(write: Write, ctx: &Context<'_>, entry: NewEntry) -> Result<InitiativeEvent> {
    let mut stored = write.commit(ctx, vec![entry]).await?;
    stored
        .pop()
        .map(InitiativeEvent::from)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no log entry was stored")))
}

/// Writes of sources, partnerships and citations. Each needs an editor or admin token, runs in
/// one transaction and appends to the event log.
#[Object]
impl RecordMutation {
    /// Adds a source (log entry: SOURCE_CREATED).
    async fn create_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new source.")] input: CreateSourceInput,
    ) -> Result<CreateSourcePayload> {
        check_slug("input.slug", &input.slug)?;
        let title = check_text("input.title", &input.title, 500)?;
        let publisher = check_optional_text("input.publisher", input.publisher.as_deref(), 300)?;
        let note = check_optional_text("input.note", input.note.as_deref(), 2000)?;
        let published = partial_date("input.published", input.published.as_deref())?;
        let url = check_optional_text("input.url", input.url.as_deref(), 2000)?;
        let is_web_address = |u: &str| {
            (u.starts_with("https://") || u.starts_with("http://"))
                && !u.contains(char::is_whitespace)
        };
        if url.as_deref().is_some_and(|u| !is_web_address(u)) {
            return Err(AppError::bad_input(
                "input.url",
                "`url` must be an http or https address",
            ));
        }
        let write = Write::begin(ctx).await?;
        if crate::db::lookup::id_by_slug(&write.txn, "sources", &input.slug)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict(format!(
                "a source with slug {:?} exists",
                input.slug
            )));
        }
        let source = sources::ActiveModel {
            slug: Set(input.slug.clone()),
            title: Set(title),
            publisher: Set(publisher),
            published_on: Set(published.map(|d| d.start)),
            published_precision: Set(published.map(|d| d.precision.as_db().to_owned())),
            url: Set(url),
            kind: Set(domain::SourceKind::from(input.kind).as_db().to_owned()),
            note: Set(note),
            ..Default::default()
        }
        .insert(&write.txn)
        .await
        .map_err(write_error)?;
        let payload = json!({ "source": input.slug });
        let entry = NewEntry {
            initiative_id: None,
            kind: Kind::SourceCreated,
            event_id: None,
            payload,
        };
        let log_entry = single_entry(write, ctx, entry).await?;
        Ok(CreateSourcePayload {
            source: source.into(),
            log_entry,
        })
    }

    /// Adds a partnership (log entry: PARTNERSHIP_CREATED).
    async fn create_partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new partnership.")] input: CreatePartnershipInput,
    ) -> Result<CreatePartnershipPayload> {
        check_slug("input.slug", &input.slug)?;
        let nature = check_text("input.nature", &input.nature, 2000)?;
        let counterpart_name = check_optional_text(
            "input.counterpartName",
            input.counterpart_name.as_deref(),
            300,
        )?;
        let established = partial_date("input.established", input.established.as_deref())?;
        let kind: domain::CounterpartKind = input
            .counterpart_kind
            .unwrap_or(CounterpartKind::Prefecture)
            .into();
        if kind == domain::CounterpartKind::Prefecture && input.prefectures.is_empty() {
            return Err(AppError::bad_input(
                "input.prefectures",
                "a prefecture counterpart needs `prefectures`",
            ));
        }
        if kind != domain::CounterpartKind::Prefecture && counterpart_name.is_none() {
            return Err(AppError::bad_input(
                "input.counterpartName",
                "name the counterpart that is not a prefecture",
            ));
        }
        let write = Write::begin(ctx).await?;
        if crate::db::lookup::id_by_slug(&write.txn, "partnerships", &input.slug)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict(format!(
                "a partnership with slug {:?} exists",
                input.slug
            )));
        }
        let state_id = write
            .id_of("indian_states", "input.indianState", &input.indian_state)
            .await?;
        let prefectures = write
            .ids_of("prefectures", "input.prefectures", &input.prefectures)
            .await?;
        let sources = write
            .ids_of("sources", "input.sources", &input.sources)
            .await?;
        let partnership = partnerships::ActiveModel {
            slug: Set(input.slug.clone()),
            indian_state_id: Set(state_id),
            counterpart_kind: Set(kind.as_db().to_owned()),
            counterpart_name: Set(counterpart_name),
            nature: Set(nature),
            established_on: Set(established.map(|d| d.start)),
            established_precision: Set(established.map(|d| d.precision.as_db().to_owned())),
            valid_until: Set(None),
            valid_until_precision: Set(None),
            status: Set(input
                .status
                .map(|s| domain::PartnershipStatus::from(s).as_db().to_owned())),
            cited_in_2025_summit: Set(false),
            confidence: Set(None),
            notes: Set(None),
            ..Default::default()
        }
        .insert(&write.txn)
        .await
        .map_err(write_error)?;
        for prefecture_id in prefectures {
            partnership_prefectures::ActiveModel {
                partnership_id: Set(partnership.id),
                prefecture_id: Set(prefecture_id),
            }
            .insert(&write.txn)
            .await
            .map_err(write_error)?;
        }
        for source_id in sources {
            partnership_sources::ActiveModel {
                partnership_id: Set(partnership.id),
                source_id: Set(source_id),
            }
            .insert(&write.txn)
            .await
            .map_err(write_error)?;
        }
        let payload = json!({
            "partnership": input.slug,
            "indianState": input.indian_state,
            "prefectures": input.prefectures,
            "sources": input.sources,
        });
        let entry = NewEntry {
            initiative_id: None,
            kind: Kind::PartnershipCreated,
            event_id: None,
            payload,
        };
        let log_entry = single_entry(write, ctx, entry).await?;
        Ok(CreatePartnershipPayload {
            partnership: partnership.into(),
            log_entry,
        })
    }

    /// Cites a source on any fact that carries sources (log entry: CITED). Citing the same
    /// source twice is CONFLICT.
    async fn cite_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fact and the source.")] input: CiteSourceInput,
    ) -> Result<CiteSourcePayload> {
        let (kind, subject_id) = decode_global_id(&input.subject).ok_or_else(|| {
            AppError::bad_input(
                "input.subject",
                "`subject` is not an id issued by this server",
            )
        })?;
        let (table, column) = match kind {
            NodeKind::Initiative => ("initiative_sources", "initiative_id"),
            NodeKind::Direction => ("direction_sources", "direction_id"),
            NodeKind::Prefecture => ("prefecture_sources", "prefecture_id"),
            NodeKind::IndianState => ("indian_state_sources", "indian_state_id"),
            NodeKind::Partnership => ("partnership_sources", "partnership_id"),
            NodeKind::InvestmentTarget => ("investment_target_sources", "investment_target_id"),
            NodeKind::Event => ("event_sources", "event_id"),
            NodeKind::EventParticipant => ("event_participant_sources", "event_participant_id"),
            NodeKind::GovernorMention => ("governor_mention_sources", "governor_mention_id"),
            _ => {
                return Err(AppError::bad_input(
                    "input.subject",
                    "this kind of object does not carry sources",
                ));
            }
        };
        let write = Write::begin(ctx).await?;
        let exists =
            crate::db::page::load_by_ids::<IdOnly>(&write.txn, kind.table(), &[subject_id]).await?;
        if exists.is_empty() {
            return Err(AppError::NotFound("`input.subject`: no such object".into()));
        }
        let initiative_id = (kind == NodeKind::Initiative).then_some(subject_id);
        if let Some(id) = initiative_id {
            let added = cite(
                &write,
                id,
                "input.source",
                std::slice::from_ref(&input.source),
            )
            .await?;
            if added.is_empty() {
                return Err(AppError::Conflict(
                    "that source is already cited there".into(),
                ));
            }
        } else {
            let source_id = write
                .id_of("sources", "input.source", &input.source)
                .await?;
            let backend = write.txn.get_database_backend();
            // Table and column come from the match above; the ids are integers.
            let check = format!(
                "SELECT 1 AS one FROM {table} WHERE {column} = {subject_id} AND source_id = {source_id}"
            );
            if write
                .txn
                .query_one_raw(Statement::from_string(backend, check))
                .await?
                .is_some()
            {
                return Err(AppError::Conflict(
                    "that source is already cited there".into(),
                ));
            }
            let insert = format!(
                "INSERT INTO {table} ({column}, source_id) VALUES ({subject_id}, {source_id})"
            );
            write
                .txn
                .execute_raw(Statement::from_string(backend, insert))
                .await
                .map_err(write_error)?;
        }
        let payload = json!({ "subject": input.subject.as_str(), "source": input.source });
        let entry = NewEntry {
            initiative_id,
            kind: Kind::Cited,
            event_id: None,
            payload,
        };
        Ok(CiteSourcePayload {
            log_entry: single_entry(write, ctx, entry).await?,
        })
    }
}

/// Just a row's id, to check that it exists.
#[derive(Debug, sea_orm::FromQueryResult)]
struct IdOnly {
    #[allow(dead_code)]
    id: i32,
}
