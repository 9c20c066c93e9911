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
use crate::db::page::{Page, Rel};
use crate::domain;
use crate::error::AppError;
use crate::error::Result;
use crate::graphql::filter::*;
use crate::graphql::loaders::{AttendanceKey, load_by_id, load_page};
use crate::graphql::order::*;
use crate::graphql::relay::{ConnArgs, page_spec};
use crate::graphql::relay::{NodeKind, connection, global_id};
use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Interface, Object};
use common::{BigInt, PartialDate, Timestamp, stored, stored_opt, string_list};
use std::sync::Arc;

/// Loads a page of a relation (or, with `Rel::Root`, of a whole table) with the client's
/// pagination, filter and ordering.
pub(crate) async fn page<E, F: ToCond, O: ToTerm>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i32,
    args: ConnArgs,
    filter: Option<F>,
    order_by: Option<Vec<O>>,
) -> crate::error::Result<Arc<Page<E::Model>>>
where
    E: sea_orm::EntityTrait,
    E::Model: sea_orm::FromQueryResult + Clone + Send + Sync + 'static,
{
    let order = order_by.unwrap_or_default();
    if order.len() > MAX_SORT_KEYS {
        return Err(AppError::bad_input(
            "orderBy",
            format!("at most {MAX_SORT_KEYS} sort keys"),
        ));
    }
    let order = order.iter().map(ToTerm::to_term).collect();
    let spec = page_spec(
        ctx,
        rel.spec().0,
        args,
        filter.map(|f| compile(&f)).transpose()?,
        order,
    )?;
    load_page::<E>(ctx, rel, parent, spec).await
}

/// More sort keys than this is a client error: each one costs an index-unfriendly comparison.
const MAX_SORT_KEYS: usize = 4;

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
