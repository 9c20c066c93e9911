//! `Event`: a real-world happening.

use super::*;

use entity::events::Model;

/// A real-world event: a summit, a meeting, a signing, a visit.
#[derive(Clone, Debug)]
pub struct Event(pub Model);

impl From<Model> for Event {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// A real-world event: a summit, a meeting, a signing, a visit.
#[Object]
impl Event {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Event, self.0.id)
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Title of the event.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What kind of event this is.
    async fn kind(&self) -> Result<EventKind> {
        Ok(stored(&self.0.kind, domain::EventKind::from_word)?.into())
    }

    /// When it happened, to the precision known.
    async fn date(&self) -> Result<Option<PartialDate>> {
        PartialDate::from_columns(self.0.occurred_on, self.0.date_precision.as_deref())
    }

    /// Local time, as the source gives it.
    async fn time_local(&self) -> Option<&str> {
        self.0.time_local.as_deref()
    }

    /// Where it happened.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }

    /// Who organised it, when known.
    async fn organiser(&self) -> Option<&str> {
        self.0.organiser.as_deref()
    }

    /// Planned, held or cancelled; null when the data does not say (most past events).
    async fn status(&self) -> Result<Option<EventStatus>> {
        Ok(stored_opt(self.0.status.as_deref(), domain::EventStatus::from_word)?.map(Into::into))
    }

    /// How many participants the sources report, which may be more than are known by name (see `participants`).
    async fn participant_count(&self) -> Option<i32> {
        self.0.participant_count
    }

    /// Outcomes the sources list.
    async fn outcomes(&self) -> Vec<String> {
        string_list(&self.0.outcomes)
    }

    /// Caveats and context from the compilers.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Initiatives announced at or tied to this event.
    async fn initiatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many items to return; the server's default page size when omitted, an error above its maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (from `pageInfo.endCursor` or an edge)."
        )]
        after: Option<String>,
    ) -> Result<InitiativeConnection> {
        let page = page::<entity::initiatives::Entity>(
            ctx,
            Rel::EventInitiatives,
            self.0.id,
            first,
            after,
        )
        .await?;
        Ok(InitiativeConnection(page))
    }

    /// Prefectures known to have taken part (confirmed or probable; see `participants`).
    async fn prefectures(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many items to return; the server's default page size when omitted, an error above its maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (from `pageInfo.endCursor` or an edge)."
        )]
        after: Option<String>,
    ) -> Result<PrefectureConnection> {
        let page = page::<entity::prefectures::Entity>(
            ctx,
            Rel::EventPrefectures,
            self.0.id,
            first,
            after,
        )
        .await?;
        Ok(PrefectureConnection(page))
    }

    /// Indian states known to have taken part.
    async fn indian_states(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many items to return; the server's default page size when omitted, an error above its maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (from `pageInfo.endCursor` or an edge)."
        )]
        after: Option<String>,
    ) -> Result<IndianStateConnection> {
        let page = page::<entity::indian_states::Entity>(
            ctx,
            Rel::EventIndianStates,
            self.0.id,
            first,
            after,
        )
        .await?;
        Ok(IndianStateConnection(page))
    }

    /// Known participants with how sure the data is about each. Parties not listed are unknown, not absent.
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many items to return; the server's default page size when omitted, an error above its maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (from `pageInfo.endCursor` or an edge)."
        )]
        after: Option<String>,
    ) -> Result<EventParticipantConnection> {
        let page = page::<entity::event_participants::Entity>(
            ctx,
            Rel::EventParticipants,
            self.0.id,
            first,
            after,
        )
        .await?;
        Ok(EventParticipantConnection(page))
    }

    /// Sources for this event.
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many items to return; the server's default page size when omitted, an error above its maximum."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (from `pageInfo.endCursor` or an edge)."
        )]
        after: Option<String>,
    ) -> Result<SourceConnection> {
        let page = page::<entity::sources::Entity>(ctx, Rel::EventSources, self.0.id, first, after)
            .await?;
        Ok(SourceConnection(page))
    }
}

connection!(
    EventConnection,
    EventEdge,
    Event,
    Model,
    "A page of events (Relay cursor connection).",
    "An event with its cursor."
);
