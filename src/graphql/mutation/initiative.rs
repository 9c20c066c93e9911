//! Mutations on initiatives: create, update, status, archive, sectors, milestones.

use super::write::{Write, check_optional_text, check_slug, check_text, write_error};
use crate::db::log::NewEntry;
use crate::domain::{self, InitiativeEventKind as Kind};
use crate::error::{AppError, Result};
use crate::graphql::types::{Confidence, Initiative, InitiativeEvent, InitiativeStatus};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use entity::{event_initiatives, initiative_sectors, initiative_sources, initiatives};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// Initiative mutations.
#[derive(Default)]
pub struct InitiativeMutation;

/// A new initiative. Slugs name the linked rows; each must exist.
#[derive(InputObject)]
pub struct CreateInitiativeInput {
    /// Stable key: lowercase letters, digits and single hyphens.
    pub slug: String,
    /// Name of the initiative.
    pub name: String,
    /// What the initiative is.
    pub description: String,
    /// Number (1–8) of the direction it sits under; omit for outcomes outside the directions.
    pub direction_number: Option<i32>,
    /// Where it stands (not ARCHIVED: archive with `archiveInitiative`).
    pub status: InitiativeStatus,
    /// How well its sources support it.
    pub confidence: Option<Confidence>,
    /// Slugs of the sectors it touches.
    #[graphql(default)]
    pub sectors: Vec<String>,
    /// Slugs of the prefectures taking part.
    #[graphql(default)]
    pub prefectures: Vec<String>,
    /// Slugs of the Indian states taking part.
    #[graphql(default)]
    pub indian_states: Vec<String>,
    /// Slugs of the sources that back it. An initiative without sources is allowed and shows
    /// as uncited (`sources.totalCount` is 0).
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// The result of a write to an initiative.
#[derive(SimpleObject)]
pub struct InitiativePayload {
    /// The initiative as it is after the write.
    pub initiative: Initiative,
    /// The log entry the write appended; null when the write changed nothing.
    pub event: Option<InitiativeEvent>,
}

/// Changes to an initiative's own fields; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateInitiativeInput {
    /// Slug of the initiative to change.
    pub slug: String,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// Number (1–8) of the direction to move it under.
    pub direction_number: Option<i32>,
    /// New confidence.
    pub confidence: Option<Confidence>,
    /// New notes; an empty string clears them.
    pub notes: Option<String>,
}

/// A status change.
#[derive(InputObject)]
pub struct SetInitiativeStatusInput {
    /// Slug of the initiative.
    pub slug: String,
    /// The new status (not ARCHIVED: use `archiveInitiative`).
    pub status: InitiativeStatus,
    /// Slug of a source reporting the change, cited on the initiative.
    pub source: Option<String>,
}

/// Archiving an initiative.
#[derive(InputObject)]
pub struct ArchiveInitiativeInput {
    /// Slug of the initiative.
    pub slug: String,
    /// Why it is archived.
    pub reason: Option<String>,
}

/// A link between an initiative and a sector.
#[derive(InputObject)]
pub struct InitiativeSectorInput {
    /// Slug of the initiative.
    pub initiative: String,
    /// Slug of the sector.
    pub sector: String,
}

/// A milestone in an initiative's life.
#[derive(InputObject)]
pub struct RecordInitiativeEventInput {
    /// Slug of the initiative.
    pub initiative: String,
    /// What happened.
    pub description: String,
    /// Slug of the real-world event it happened at, if any; the event is linked to the initiative.
    pub event: Option<String>,
    /// Slugs of sources reporting it, cited on the initiative.
    #[graphql(default)]
    pub sources: Vec<String>,
}

fn check_direction_number(number: Option<i32>) -> Result<()> {
    match number {
        Some(n) if !(1..=8).contains(&n) => Err(AppError::bad_input(
            "input.directionNumber",
            format!("`directionNumber` must be 1 to 8, got {n}"),
        )),
        _ => Ok(()),
    }
}

fn refuse_archived(field: &str, status: InitiativeStatus) -> Result<()> {
    if status == InitiativeStatus::Archived {
        return Err(AppError::bad_input(
            field,
            "use `archiveInitiative` to archive an initiative",
        ));
    }
    Ok(())
}

async fn direction_id(write: &Write, number: Option<i32>) -> Result<Option<i32>> {
    let Some(number) = number else {
        return Ok(None);
    };
    let found = entity::directions::Entity::find()
        .filter(entity::directions::Column::Number.eq(number))
        .one(&write.txn)
        .await?;
    Ok(Some(found.map(|d| d.id).ok_or_else(|| {
        AppError::NotFound(format!("`input.directionNumber`: no direction {number}"))
    })?))
}

async fn load(write: &Write, slug: &str) -> Result<initiatives::Model> {
    let id = write.id_of("initiatives", "input.slug", slug).await?;
    initiatives::Entity::find_by_id(id)
        .one(&write.txn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("`input.slug`: nothing with slug {slug:?}")))
}

/// Cites sources on an initiative, skipping ones already cited; returns the new ones' slugs.
pub(super) async fn cite(
    write: &Write,
    initiative_id: i32,
    field: &str,
    slugs: &[String],
) -> Result<Vec<String>> {
    let mut added = Vec::new();
    for slug in slugs {
        let source_id = write.id_of("sources", field, slug).await?;
        let exists = initiative_sources::Entity::find_by_id((initiative_id, source_id))
            .one(&write.txn)
            .await?
            .is_some();
        if !exists {
            initiative_sources::ActiveModel {
                initiative_id: Set(initiative_id),
                source_id: Set(source_id),
            }
            .insert(&write.txn)
            .await
            .map_err(write_error)?;
            added.push(slug.clone());
        }
    }
    Ok(added)
}

fn entry(initiative_id: i32, kind: Kind, payload: serde_json::Value) -> NewEntry {
    NewEntry {
        initiative_id: Some(initiative_id),
        kind,
        event_id: None,
        payload,
    }
}

/// Commits and returns the payload for `initiative_id`.
pub(super) async fn finish(
    write: Write,
    ctx: &Context<'_>,
    initiative_id: i32,
    entries: Vec<NewEntry>,
) -> Result<InitiativePayload> {
    let initiative = initiatives::Entity::find_by_id(initiative_id)
        .one(&write.txn)
        .await?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("initiative {initiative_id} vanished"))
        })?;
    let stored = write.commit(ctx, entries).await?;
    Ok(InitiativePayload {
        initiative: initiative.into(),
        event: stored.into_iter().next().map(InitiativeEvent::from),
    })
}

/// Writes to initiatives. Each needs an editor or admin token, runs in one transaction, and
/// appends to the initiative event log; on any error nothing is written.
#[Object]
impl InitiativeMutation {
    /// Adds an initiative with its sectors, participants and sources (log entry: CREATED).
    async fn create_initiative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new initiative.")] input: CreateInitiativeInput,
    ) -> Result<InitiativePayload> {
        check_slug("input.slug", &input.slug)?;
        let name = check_text("input.name", &input.name, 300)?;
        let description = check_text("input.description", &input.description, 5000)?;
        check_direction_number(input.direction_number)?;
        refuse_archived("input.status", input.status)?;

        let write = Write::begin(ctx).await?;
        if crate::db::lookup::id_by_slug(&write.txn, "initiatives", &input.slug)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict(format!(
                "an initiative with slug {:?} exists",
                input.slug
            )));
        }
        let direction_id = direction_id(&write, input.direction_number).await?;
        let sectors = write
            .ids_of("sectors", "input.sectors", &input.sectors)
            .await?;
        let prefectures = write
            .ids_of("prefectures", "input.prefectures", &input.prefectures)
            .await?;
        let states = write
            .ids_of("indian_states", "input.indianStates", &input.indian_states)
            .await?;
        let now = chrono::Utc::now();
        let status: domain::InitiativeStatus = input.status.into();
        let created = initiatives::ActiveModel {
            slug: Set(input.slug.clone()),
            direction_id: Set(direction_id),
            name: Set(name.clone()),
            description: Set(description),
            status: Set(status.as_db().to_owned()),
            confidence: Set(input
                .confidence
                .map(|c| domain::Confidence::from(c).as_db().to_owned())),
            direction_mapping: Set(
                direction_id.map(|_| domain::DirectionMapping::Inferred.as_db().to_owned())
            ),
            announced_at_event_id: Set(None),
            notes: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&write.txn)
        .await
        .map_err(write_error)?;
        for sector_id in sectors {
            initiative_sectors::ActiveModel {
                initiative_id: Set(created.id),
                sector_id: Set(sector_id),
            }
            .insert(&write.txn)
            .await
            .map_err(write_error)?;
        }
        for prefecture_id in prefectures {
            super::participant::insert_prefecture(&write, created.id, prefecture_id, None).await?;
        }
        for state_id in states {
            super::participant::insert_state(&write, created.id, state_id, None).await?;
        }
        cite(&write, created.id, "input.sources", &input.sources).await?;
        let payload = json!({
            "slug": input.slug,
            "name": name,
            "status": status.as_db(),
            "directionNumber": input.direction_number,
            "sectors": input.sectors,
            "prefectures": input.prefectures,
            "indianStates": input.indian_states,
            "sources": input.sources,
        });
        finish(
            write,
            ctx,
            created.id,
            vec![entry(created.id, Kind::Created, payload)],
        )
        .await
    }

    /// Changes an initiative's own fields (log entry: UPDATED with the changed fields).
    async fn update_initiative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateInitiativeInput,
    ) -> Result<InitiativePayload> {
        let name = input
            .name
            .as_deref()
            .map(|n| check_text("input.name", n, 300))
            .transpose()?;
        let description = input
            .description
            .as_deref()
            .map(|d| check_text("input.description", d, 5000))
            .transpose()?;
        check_direction_number(input.direction_number)?;
        let notes = match input.notes.as_deref() {
            None => None,
            Some(text) => Some(check_optional_text("input.notes", Some(text), 5000)?),
        };
        let write = Write::begin(ctx).await?;
        let current = load(&write, &input.slug).await?;
        let direction_id = direction_id(&write, input.direction_number).await?;
        let mut model: initiatives::ActiveModel = current.clone().into();
        let mut changed = serde_json::Map::new();
        if let Some(name) = name.filter(|n| *n != current.name) {
            changed.insert("name".into(), json!({ "from": current.name, "to": name }));
            model.name = Set(name);
        }
        if let Some(description) = description.filter(|d| *d != current.description) {
            changed.insert(
                "description".into(),
                json!({ "from": current.description, "to": description }),
            );
            model.description = Set(description);
        }
        if let Some(id) = direction_id.filter(|id| Some(*id) != current.direction_id) {
            changed.insert(
                "directionNumber".into(),
                json!({ "to": input.direction_number }),
            );
            model.direction_id = Set(Some(id));
        }
        if let Some(confidence) = input.confidence {
            let word = domain::Confidence::from(confidence).as_db().to_owned();
            if current.confidence.as_deref() != Some(word.as_str()) {
                changed.insert(
                    "confidence".into(),
                    json!({ "from": current.confidence, "to": word }),
                );
                model.confidence = Set(Some(word));
            }
        }
        if let Some(notes) = notes.filter(|n| *n != current.notes) {
            changed.insert(
                "notes".into(),
                json!({ "from": current.notes, "to": notes }),
            );
            model.notes = Set(notes);
        }
        if changed.is_empty() {
            return finish(write, ctx, current.id, Vec::new()).await;
        }
        model.updated_at = Set(chrono::Utc::now());
        model.update(&write.txn).await.map_err(write_error)?;
        let fields: Vec<String> = changed.keys().cloned().collect();
        let payload = json!({ "fields": fields, "changes": changed });
        finish(
            write,
            ctx,
            current.id,
            vec![entry(current.id, Kind::Updated, payload)],
        )
        .await
    }

    /// Sets an initiative's status (log entry: STATUS_CHANGED with the old and new status).
    async fn set_initiative_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The initiative and its new status.")] input: SetInitiativeStatusInput,
    ) -> Result<InitiativePayload> {
        refuse_archived("input.status", input.status)?;
        let write = Write::begin(ctx).await?;
        let current = load(&write, &input.slug).await?;
        let to: domain::InitiativeStatus = input.status.into();
        if current.status == domain::InitiativeStatus::Archived.as_db() {
            return Err(AppError::Conflict(format!(
                "initiative {:?} is archived",
                input.slug
            )));
        }
        if current.status == to.as_db() {
            return finish(write, ctx, current.id, Vec::new()).await;
        }
        let sources: Vec<String> = input.source.into_iter().collect();
        cite(&write, current.id, "input.source", &sources).await?;
        let mut model: initiatives::ActiveModel = current.clone().into();
        model.status = Set(to.as_db().to_owned());
        model.updated_at = Set(chrono::Utc::now());
        model.update(&write.txn).await.map_err(write_error)?;
        let payload = json!({ "from": current.status, "to": to.as_db(), "sources": sources });
        finish(
            write,
            ctx,
            current.id,
            vec![entry(current.id, Kind::StatusChanged, payload)],
        )
        .await
    }

    /// Archives an initiative: it stays readable, with status ARCHIVED (log entry: ARCHIVED).
    async fn archive_initiative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The initiative and the reason.")] input: ArchiveInitiativeInput,
    ) -> Result<InitiativePayload> {
        let reason = check_optional_text("input.reason", input.reason.as_deref(), 2000)?;
        let write = Write::begin(ctx).await?;
        let current = load(&write, &input.slug).await?;
        let archived = domain::InitiativeStatus::Archived.as_db();
        if current.status == archived {
            return Err(AppError::Conflict(format!(
                "initiative {:?} is already archived",
                input.slug
            )));
        }
        let mut model: initiatives::ActiveModel = current.clone().into();
        model.status = Set(archived.to_owned());
        model.updated_at = Set(chrono::Utc::now());
        model.update(&write.txn).await.map_err(write_error)?;
        let payload = json!({ "from": current.status, "reason": reason });
        finish(
            write,
            ctx,
            current.id,
            vec![entry(current.id, Kind::Archived, payload)],
        )
        .await
    }

    /// Links a sector to an initiative (log entry: SECTOR_LINKED). Linking twice is CONFLICT.
    async fn link_initiative_sector(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The initiative and the sector.")] input: InitiativeSectorInput,
    ) -> Result<InitiativePayload> {
        let write = Write::begin(ctx).await?;
        let initiative_id = write
            .id_of("initiatives", "input.initiative", &input.initiative)
            .await?;
        let sector_id = write
            .id_of("sectors", "input.sector", &input.sector)
            .await?;
        if initiative_sectors::Entity::find_by_id((initiative_id, sector_id))
            .one(&write.txn)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict(format!(
                "{:?} is already linked to sector {:?}",
                input.initiative, input.sector
            )));
        }
        initiative_sectors::ActiveModel {
            initiative_id: Set(initiative_id),
            sector_id: Set(sector_id),
        }
        .insert(&write.txn)
        .await
        .map_err(write_error)?;
        let payload = json!({ "sector": input.sector });
        finish(
            write,
            ctx,
            initiative_id,
            vec![entry(initiative_id, Kind::SectorLinked, payload)],
        )
        .await
    }

    /// Unlinks a sector from an initiative (log entry: SECTOR_UNLINKED). NOT_FOUND when not linked.
    async fn unlink_initiative_sector(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The initiative and the sector.")] input: InitiativeSectorInput,
    ) -> Result<InitiativePayload> {
        let write = Write::begin(ctx).await?;
        let initiative_id = write
            .id_of("initiatives", "input.initiative", &input.initiative)
            .await?;
        let sector_id = write
            .id_of("sectors", "input.sector", &input.sector)
            .await?;
        let deleted = initiative_sectors::Entity::delete_by_id((initiative_id, sector_id))
            .exec(&write.txn)
            .await
            .map_err(write_error)?;
        if deleted.rows_affected == 0 {
            return Err(AppError::NotFound(format!(
                "{:?} is not linked to sector {:?}",
                input.initiative, input.sector
            )));
        }
        let payload = json!({ "sector": input.sector });
        finish(
            write,
            ctx,
            initiative_id,
            vec![entry(initiative_id, Kind::SectorUnlinked, payload)],
        )
        .await
    }

    /// Records a milestone, optionally tied to a real-world event (log entry: MILESTONE).
    async fn record_initiative_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The milestone.")] input: RecordInitiativeEventInput,
    ) -> Result<InitiativePayload> {
        let description = check_text("input.description", &input.description, 2000)?;
        let write = Write::begin(ctx).await?;
        let initiative_id = write
            .id_of("initiatives", "input.initiative", &input.initiative)
            .await?;
        let event_id = match input.event.as_deref() {
            Some(slug) => Some(write.id_of("events", "input.event", slug).await?),
            None => None,
        };
        if let Some(event_id) = event_id {
            let linked = event_initiatives::Entity::find_by_id((event_id, initiative_id))
                .one(&write.txn)
                .await?;
            if linked.is_none() {
                event_initiatives::ActiveModel {
                    event_id: Set(event_id),
                    initiative_id: Set(initiative_id),
                    relation: Set("milestone".into()),
                }
                .insert(&write.txn)
                .await
                .map_err(write_error)?;
            }
        }
        cite(&write, initiative_id, "input.sources", &input.sources).await?;
        let payload =
            json!({ "description": description, "event": input.event, "sources": input.sources });
        let entry = NewEntry {
            initiative_id: Some(initiative_id),
            kind: Kind::Milestone,
            event_id,
            payload,
        };
        finish(write, ctx, initiative_id, vec![entry]).await
    }
}
