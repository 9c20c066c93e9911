//! GraphQL object types. Each wraps an entity model privately and maps it field by field, so a
//! migration cannot change the public API by accident. Every to-many field is a cursor
//! connection resolved through the batching loaders.

pub mod common;
pub mod enums;

mod direction;
mod event;
mod figure;
mod governor;
mod history;
mod indian_state;
mod initiative;
mod participant;
mod partnership;
mod prefecture;
mod renewal;
mod sector;
mod source;
mod target;

pub use direction::*;
pub use enums::*;
pub use event::*;
pub use figure::*;
pub use governor::*;
pub use history::*;
pub use indian_state::*;
pub use initiative::*;
pub use participant::*;
pub use partnership::*;
pub use prefecture::*;
pub use renewal::*;
pub use sector::*;
pub use source::*;
pub use target::*;

// What every object file needs, so each starts with one `use super::*`.
use crate::db::page::{InitiativeFilter, Page, Rel};
use crate::domain;
use crate::error::AppError;
use crate::error::Result;
use crate::graphql::loaders::{AttendanceKey, load_by_id, load_page};
use crate::graphql::relay::{NodeKind, connection, global_id};
use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Interface, Object};
use common::{BigInt, PartialDate, Timestamp, stored, stored_opt, string_list};
use std::sync::Arc;

/// Loads an unfiltered page of a relation (the shape almost every nested field has).
async fn page<E>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i32,
    first: Option<i32>,
    after: Option<String>,
) -> crate::error::Result<Arc<Page<E::Model>>>
where
    E: sea_orm::EntityTrait,
    E::Model: sea_orm::FromQueryResult + Clone + Send + Sync + 'static,
{
    load_page::<E>(ctx, rel, parent, first, after, InitiativeFilter::default()).await
}

/// Attendance of a prefecture or state at an event, through the batching loader.
async fn attendance_of(
    ctx: &Context<'_>,
    party_column: &'static str,
    party: i32,
    event_slug: String,
) -> Result<Attendance> {
    let loader = ctx.data::<DataLoader<crate::graphql::loaders::AttendanceLoader>>()?;
    let word = loader
        .load_one(AttendanceKey {
            party_column,
            party,
            event_slug,
        })
        .await
        .map_err(AppError::from)?;
    Ok(stored_opt(word.as_deref(), domain::Attendance::from_word)?.into())
}

/// An object with a global id, fetchable with `node(id:)` (Relay Global Object Identification).
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    Direction(Direction),
    Initiative(Initiative),
    InitiativeFigure(InitiativeFigure),
    InitiativeEvent(InitiativeEvent),
    Sector(Sector),
    Prefecture(Prefecture),
    GovernorMention(GovernorMention),
    IndianState(IndianState),
    Partnership(Partnership),
    PartnershipRenewal(PartnershipRenewal),
    InvestmentTarget(InvestmentTarget),
    Event(Event),
    EventParticipant(EventParticipant),
    Source(Source),
}
