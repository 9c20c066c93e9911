//! Mutations on who takes part: initiative participants and event attendance.

use super::initiative::{InitiativePayload, finish};
use super::write::{Write, check_optional_text, write_error};
use crate::db::log::NewEntry;
use crate::domain::{self, InitiativeEventKind as Kind};
use crate::error::{AppError, Result};
use crate::graphql::types::{Event, EventParticipant, InitiativeEvent};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use entity::{
    event_participant_sources, event_participants, initiative_indian_states, initiative_prefectures,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// Participant mutations.
#[derive(Default)]
pub struct ParticipantMutation;

/// A prefecture or an Indian state taking part in an initiative; give exactly one of the two.
#[derive(InputObject)]
pub struct InitiativeParticipantInput {
    /// Slug of the initiative.
    pub initiative: String,
    /// Slug of the prefecture.
    pub prefecture: Option<String>,
    /// Slug of the Indian state or union territory.
    pub indian_state: Option<String>,
    /// Its role, e.g. "host state" (ignored on removal).
    pub role: Option<String>,
}

/// How sure a recorded attendance is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::Attendance")]
pub enum RecordedAttendance {
    /// A source confirms it.
    Confirmed,
    /// A source suggests it.
    Probable,
}

/// A prefecture's or state's attendance at an event, e.g. a governor newly confirmed at the
/// 30 Aug 2025 meeting; give exactly one of `prefecture` and `indianState`.
#[derive(InputObject)]
pub struct RecordEventParticipantInput {
    /// Slug of the event, e.g. `ev-2025-08-30-governors-meeting`.
    pub event: String,
    /// Slug of the prefecture.
    pub prefecture: Option<String>,
    /// Slug of the Indian state or union territory.
    pub indian_state: Option<String>,
    /// How sure the record is.
    pub attendance: RecordedAttendance,
    /// What the source says.
    pub note: Option<String>,
    /// Slugs of sources for the attendance. Without a source the record is allowed but uncited.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// The result of recording attendance.
#[derive(SimpleObject)]
pub struct RecordEventParticipantPayload {
    /// The participant as recorded.
    pub participant: EventParticipant,
    /// The event.
    pub event: Event,
    /// The log entry appended.
    pub log_entry: InitiativeEvent,
}

enum Party {
    Prefecture(i32, String),
    State(i32, String),
}

async fn party(write: &Write, prefecture: Option<&str>, state: Option<&str>) -> Result<Party> {
    match (prefecture, state) {
        (Some(slug), None) => Ok(Party::Prefecture(
            write.id_of("prefectures", "input.prefecture", slug).await?,
            slug.to_owned(),
        )),
        (None, Some(slug)) => Ok(Party::State(
            write
                .id_of("indian_states", "input.indianState", slug)
                .await?,
            slug.to_owned(),
        )),
        _ => Err(AppError::bad_input(
            "input.prefecture",
            "give exactly one of `prefecture` and `indianState`",
        )),
    }
}

pub(super) async fn insert_prefecture(
    write: &Write,
    initiative_id: i32,
    prefecture_id: i32,
    role: Option<String>,
) -> Result<()> {
    initiative_prefectures::ActiveModel {
        initiative_id: Set(initiative_id),
        prefecture_id: Set(prefecture_id),
        role: Set(role),
        note: Set(None),
    }
    .insert(&write.txn)
    .await
    .map_err(write_error)?;
    Ok(())
}

pub(super) async fn insert_state(
    write: &Write,
    initiative_id: i32,
    indian_state_id: i32,
    role: Option<String>,
) -> Result<()> {
    initiative_indian_states::ActiveModel {
        initiative_id: Set(initiative_id),
        indian_state_id: Set(indian_state_id),
        role: Set(role),
        note: Set(None),
    }
    .insert(&write.txn)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Writes to participation. Each needs an editor or admin token and runs in one transaction.
#[Object]
impl ParticipantMutation {
    /// Adds a prefecture or state to an initiative (log entry: PARTICIPANT_ADDED). Adding one
    /// that already takes part is CONFLICT.
    async fn add_initiative_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The initiative and the participant.")] input: InitiativeParticipantInput,
    ) -> Result<InitiativePayload> {
        let role = check_optional_text("input.role", input.role.as_deref(), 200)?;
        let write = Write::begin(ctx).await?;
        let initiative_id = write
            .id_of("initiatives", "input.initiative", &input.initiative)
            .await?;
        let (exists, payload) = match party(
            &write,
            input.prefecture.as_deref(),
            input.indian_state.as_deref(),
        )
        .await?
        {
            Party::Prefecture(id, slug) => (
                initiative_prefectures::Entity::find_by_id((initiative_id, id))
                    .one(&write.txn)
                    .await?
                    .is_some(),
                json!({ "prefecture": slug, "role": role }),
            ),
            Party::State(id, slug) => (
                initiative_indian_states::Entity::find_by_id((initiative_id, id))
                    .one(&write.txn)
                    .await?
                    .is_some(),
                json!({ "indianState": slug, "role": role }),
            ),
        };
        if exists {
            return Err(AppError::Conflict(format!(
                "that participant already takes part in {:?}",
                input.initiative
            )));
        }
        match party(
            &write,
            input.prefecture.as_deref(),
            input.indian_state.as_deref(),
        )
        .await?
        {
            Party::Prefecture(id, _) => insert_prefecture(&write, initiative_id, id, role).await?,
            Party::State(id, _) => insert_state(&write, initiative_id, id, role).await?,
        }
        let entry = NewEntry {
            initiative_id: Some(initiative_id),
            kind: Kind::ParticipantAdded,
            event_id: None,
            payload,
        };
        finish(write, ctx, initiative_id, vec![entry]).await
    }

    /// Removes a prefecture or state from an initiative (log entry: PARTICIPANT_REMOVED).
    /// NOT_FOUND when it does not take part.
    async fn remove_initiative_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The initiative and the participant.")] input: InitiativeParticipantInput,
    ) -> Result<InitiativePayload> {
        let write = Write::begin(ctx).await?;
        let initiative_id = write
            .id_of("initiatives", "input.initiative", &input.initiative)
            .await?;
        let (deleted, payload) = match party(
            &write,
            input.prefecture.as_deref(),
            input.indian_state.as_deref(),
        )
        .await?
        {
            Party::Prefecture(id, slug) => (
                initiative_prefectures::Entity::delete_by_id((initiative_id, id))
                    .exec(&write.txn)
                    .await,
                json!({ "prefecture": slug }),
            ),
            Party::State(id, slug) => (
                initiative_indian_states::Entity::delete_by_id((initiative_id, id))
                    .exec(&write.txn)
                    .await,
                json!({ "indianState": slug }),
            ),
        };
        if deleted.map_err(write_error)?.rows_affected == 0 {
            return Err(AppError::NotFound(format!(
                "that participant does not take part in {:?}",
                input.initiative
            )));
        }
        let entry = NewEntry {
            initiative_id: Some(initiative_id),
            kind: Kind::ParticipantRemoved,
            event_id: None,
            payload,
        };
        finish(write, ctx, initiative_id, vec![entry]).await
    }

    /// Records that a prefecture or state took part in an event, or raises how sure the record
    /// is, with its sources (log entry: ATTENDANCE_RECORDED).
    async fn record_event_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event, the participant and the evidence.")]
        input: RecordEventParticipantInput,
    ) -> Result<RecordEventParticipantPayload> {
        let note = check_optional_text("input.note", input.note.as_deref(), 2000)?;
        let write = Write::begin(ctx).await?;
        let event_id = write.id_of("events", "input.event", &input.event).await?;
        let who = party(
            &write,
            input.prefecture.as_deref(),
            input.indian_state.as_deref(),
        )
        .await?;
        let sources = write
            .ids_of("sources", "input.sources", &input.sources)
            .await?;
        let attendance = domain::Attendance::from(input.attendance)
            .as_db()
            .to_owned();
        let existing = {
            let query = event_participants::Entity::find()
                .filter(event_participants::Column::EventId.eq(event_id));
            let query = match &who {
                Party::Prefecture(id, _) => {
                    query.filter(event_participants::Column::PrefectureId.eq(*id))
                }
                Party::State(id, _) => {
                    query.filter(event_participants::Column::IndianStateId.eq(*id))
                }
            };
            query.one(&write.txn).await?
        };
        let previous = existing.as_ref().map(|p| p.attendance.clone());
        let participant = match existing {
            Some(found) => {
                let mut model: event_participants::ActiveModel = found.into();
                model.attendance = Set(attendance.clone());
                if note.is_some() {
                    model.note = Set(note.clone());
                }
                model.update(&write.txn).await.map_err(write_error)?
            }
            None => {
                let (prefecture_id, indian_state_id) = match &who {
                    Party::Prefecture(id, _) => (Some(*id), None),
                    Party::State(id, _) => (None, Some(*id)),
                };
                event_participants::ActiveModel {
                    event_id: Set(event_id),
                    prefecture_id: Set(prefecture_id),
                    indian_state_id: Set(indian_state_id),
                    attendance: Set(attendance.clone()),
                    note: Set(note.clone()),
                    ..Default::default()
                }
                .insert(&write.txn)
                .await
                .map_err(write_error)?
            }
        };
        for source_id in sources {
            let cited = event_participant_sources::Entity::find_by_id((participant.id, source_id))
                .one(&write.txn)
                .await?
                .is_some();
            if !cited {
                event_participant_sources::ActiveModel {
                    event_participant_id: Set(participant.id),
                    source_id: Set(source_id),
                }
                .insert(&write.txn)
                .await
                .map_err(write_error)?;
            }
        }
        let event = entity::events::Entity::find_by_id(event_id)
            .one(&write.txn)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("event {event_id} vanished")))?;
        let (party_key, party_slug) = match &who {
            Party::Prefecture(_, slug) => ("prefecture", slug.clone()),
            Party::State(_, slug) => ("indianState", slug.clone()),
        };
        let payload = json!({
            "event": input.event,
            party_key: party_slug,
            "attendance": attendance,
            "previous": previous,
            "sources": input.sources,
        });
        let entry = NewEntry {
            initiative_id: None,
            kind: Kind::AttendanceRecorded,
            event_id: Some(event_id),
            payload,
        };
        let mut stored = write.commit(ctx, vec![entry]).await?;
        let log_entry = stored
            .pop()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no log entry was stored")))?;
        Ok(RecordEventParticipantPayload {
            participant: participant.into(),
            event: event.into(),
            log_entry: log_entry.into(),
        })
    }
}
