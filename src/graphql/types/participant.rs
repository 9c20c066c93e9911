//! `EventParticipant`: a known participant of an event.

use super::*;

use entity::event_participants::Model;

/// A prefecture or Indian state known to have taken part in an event, with how sure the data is.
#[derive(Clone, Debug)]
pub struct EventParticipant(pub Model);

impl From<Model> for EventParticipant {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// A prefecture or Indian state known to have taken part in an event, with how sure the data is.
#[Object]
impl EventParticipant {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::EventParticipant, self.0.id)
    }

    /// CONFIRMED when a source confirms it, PROBABLE when a source suggests it.
    async fn attendance(&self) -> Result<Attendance> {
        Ok(Some(stored(&self.0.attendance, domain::Attendance::from_word)?).into())
    }

    /// What the source says.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The event.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        Ok(load_by_id::<entity::events::Entity>(ctx, self.0.event_id)
            .await?
            .map(Event::from))
    }

    /// The prefecture, when the participant is one.
    async fn prefecture(&self, ctx: &Context<'_>) -> Result<Option<Prefecture>> {
        let Some(id) = self.0.prefecture_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::prefectures::Entity>(ctx, id)
            .await?
            .map(Prefecture::from))
    }

    /// The Indian state, when the participant is one.
    async fn indian_state(&self, ctx: &Context<'_>) -> Result<Option<IndianState>> {
        let Some(id) = self.0.indian_state_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::indian_states::Entity>(ctx, id)
            .await?
            .map(IndianState::from))
    }

    /// Sources for this participation.
    #[allow(clippy::too_many_arguments)]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many items to return, from the start (or after `after`); the server's default page size when neither `first` nor `last` is given, an error above its maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (from `pageInfo.endCursor` or an edge)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "How many items to return from the end (or before `before`), to page backwards."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (from `pageInfo.startCursor` or an edge)."
        )]
        before: Option<String>,
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<SourceFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<SourceOrder>>,
    ) -> Result<SourceConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::sources::Entity, _, _>(
            ctx,
            Rel::EventParticipantSources,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(SourceConnection(page))
    }
}

connection!(
    EventParticipantConnection,
    EventParticipantEdge,
    EventParticipant,
    Model,
    "A page of event participants (Relay cursor connection).",
    "An event participant with its cursor."
);
