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
    #[allow(clippy::too_many_arguments)]
    async fn initiatives(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<InitiativeFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<InitiativeOrder>>,
    ) -> Result<InitiativeConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::initiatives::Entity, _, _>(
            ctx,
            Rel::EventInitiatives,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(InitiativeConnection(page))
    }

    /// Prefectures known to have taken part (confirmed or probable; see `participants`).
    #[allow(clippy::too_many_arguments)]
    async fn prefectures(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<PrefectureFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<PrefectureOrder>>,
    ) -> Result<PrefectureConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::prefectures::Entity, _, _>(
            ctx,
            Rel::EventPrefectures,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(PrefectureConnection(page))
    }

    /// Indian states known to have taken part.
    #[allow(clippy::too_many_arguments)]
    async fn indian_states(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<IndianStateFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<IndianStateOrder>>,
    ) -> Result<IndianStateConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::indian_states::Entity, _, _>(
            ctx,
            Rel::EventIndianStates,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(IndianStateConnection(page))
    }

    /// Known participants with how sure the data is about each. Parties not listed are unknown, not absent.
    #[allow(clippy::too_many_arguments)]
    async fn participants(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<DetailFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<DetailOrder>>,
    ) -> Result<EventParticipantConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::event_participants::Entity, _, _>(
            ctx,
            Rel::EventParticipants,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(EventParticipantConnection(page))
    }

    /// Sources for this event.
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
            Rel::EventSources,
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
    EventConnection,
    EventEdge,
    Event,
    Model,
    "A page of events (Relay cursor connection).",
    "An event with its cursor."
);
