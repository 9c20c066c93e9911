//! `IndianState`: a state or union territory of India.

use super::*;

use entity::indian_states::Model;

/// One of the 28 states and 8 union territories of India. Reference fields were compiled from general knowledge (see `sources`).
#[derive(Clone, Debug)]
pub struct IndianState(pub Model);

impl From<Model> for IndianState {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// One of the 28 states and 8 union territories of India. Reference fields were compiled from general knowledge (see `sources`).
#[Object]
impl IndianState {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::IndianState, self.0.id)
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name in English.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// State or union territory.
    async fn kind(&self) -> Result<IndianStateKind> {
        Ok(stored(&self.0.kind, domain::IndianStateKind::from_word)?.into())
    }

    /// Capital city.
    async fn capital(&self) -> &str {
        &self.0.capital
    }

    /// Caveats and context from the compilers.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Whether this state took part in an event, by the event's slug. UNKNOWN never means "did
    /// not attend".
    async fn attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the event.")] event: String,
    ) -> Result<Attendance> {
        attendance_of(ctx, "indian_state_id", self.0.id, event).await
    }

    /// Initiatives this state takes part in.
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
            Rel::IndianStateInitiatives,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(InitiativeConnection(page))
    }

    /// Partnerships of this state with Japanese prefectures or other counterparts.
    #[allow(clippy::too_many_arguments)]
    async fn partnerships(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<PartnershipFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<PartnershipOrder>>,
    ) -> Result<PartnershipConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::partnerships::Entity, _, _>(
            ctx,
            Rel::IndianStatePartnerships,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(PartnershipConnection(page))
    }

    /// Events this state took part in.
    #[allow(clippy::too_many_arguments)]
    async fn events(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<EventFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<EventOrder>>,
    ) -> Result<EventConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::events::Entity, _, _>(
            ctx,
            Rel::IndianStateEvents,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(EventConnection(page))
    }

    /// Reference sources for this state.
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
            Rel::IndianStateSources,
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
    IndianStateConnection,
    IndianStateEdge,
    IndianState,
    Model,
    "A page of Indian states and union territories (Relay cursor connection).",
    "An Indian state with its cursor."
);
