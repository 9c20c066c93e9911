//! `InitiativeEvent`: one entry of the append-only initiative event log.

use super::*;

use entity::initiative_events::Model;

/// Something that happened to an initiative, in the append-only event log. `sequence` grows in commit order.
#[derive(Clone, Debug)]
pub struct InitiativeEvent(pub Model);

impl From<Model> for InitiativeEvent {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// Something that happened to an initiative, in the append-only event log. `sequence` grows in commit order.
#[Object]
impl InitiativeEvent {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::InitiativeEvent, self.0.id)
    }

    /// Position in the whole log; later events have larger numbers.
    async fn sequence(&self) -> BigInt {
        BigInt(i64::from(self.0.id))
    }

    /// What happened.
    async fn kind(&self) -> Result<InitiativeEventKind> {
        Ok(stored(&self.0.kind, domain::InitiativeEventKind::from_word)?.into())
    }

    /// Details of the change as JSON (changed fields, old and new values).
    async fn payload(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.payload.clone())
    }

    /// Who made the change: a token name, or "import" for the dataset loader.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// When the change was committed.
    async fn occurred_at(&self) -> Timestamp {
        Timestamp(self.0.occurred_at)
    }

    /// The initiative this happened to; null for writes that concern no initiative (a new
    /// source or partnership).
    async fn initiative(&self, ctx: &Context<'_>) -> Result<Option<Initiative>> {
        let Some(id) = self.0.initiative_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::initiatives::Entity>(ctx, id)
            .await?
            .map(Initiative::from))
    }

    /// The real-world event this entry is tied to, if any.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        let Some(id) = self.0.event_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::events::Entity>(ctx, id)
            .await?
            .map(Event::from))
    }
}

connection!(
    InitiativeEventConnection,
    InitiativeEventEdge,
    InitiativeEvent,
    Model,
    "A page of initiative log entries (Relay cursor connection).",
    "An initiative log entry with its cursor."
);
