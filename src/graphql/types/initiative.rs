//! `Initiative`: an initiative under a direction, with its links.

use super::*;

use entity::initiatives::Model;

/// An initiative of the partnership: an agreement, a target, a framework or a project.
#[derive(Clone, Debug)]
pub struct Initiative(pub Model);

impl From<Model> for Initiative {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// An initiative of the partnership: an agreement, a target, a framework or a project.
#[Object]
impl Initiative {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Initiative, self.0.id)
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the initiative.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the initiative is.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where the initiative stands.
    async fn status(&self) -> Result<InitiativeStatus> {
        Ok(stored(&self.0.status, domain::InitiativeStatus::from_word)?.into())
    }

    /// How well the sources support this entry; null when not assessed.
    async fn confidence(&self) -> Result<Option<Confidence>> {
        Ok(
            stored_opt(self.0.confidence.as_deref(), domain::Confidence::from_word)?
                .map(Into::into),
        )
    }

    /// Whether the Joint Vision itself places the initiative under its direction, or the compilers did; null when it has no direction.
    async fn direction_mapping(&self) -> Result<Option<DirectionMapping>> {
        Ok(stored_opt(
            self.0.direction_mapping.as_deref(),
            domain::DirectionMapping::from_word,
        )?
        .map(Into::into))
    }

    /// Caveats and context from the compilers.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// When the initiative was added to this database.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }

    /// When the initiative was last changed in this database.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }

    /// The direction the initiative sits under; null for outcomes outside the eight directions.
    async fn direction(&self, ctx: &Context<'_>) -> Result<Option<Direction>> {
        let Some(id) = self.0.direction_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::directions::Entity>(ctx, id)
            .await?
            .map(Direction::from))
    }

    /// The event at which the initiative was announced, when known.
    async fn announced_at(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        let Some(id) = self.0.announced_at_event_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::events::Entity>(ctx, id)
            .await?
            .map(Event::from))
    }

    /// Sectors the initiative touches.
    #[allow(clippy::too_many_arguments)]
    async fn sectors(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<SectorFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<SectorOrder>>,
    ) -> Result<SectorConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::sectors::Entity, _, _>(
            ctx,
            Rel::InitiativeSectors,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(SectorConnection(page))
    }

    /// Japanese prefectures taking part.
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
            Rel::InitiativePrefectures,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(PrefectureConnection(page))
    }

    /// Indian states and union territories taking part.
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
            Rel::InitiativeIndianStates,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(IndianStateConnection(page))
    }

    /// Investment targets that belong to this initiative.
    #[allow(clippy::too_many_arguments)]
    async fn investment_targets(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<InvestmentTargetFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<InvestmentTargetOrder>>,
    ) -> Result<InvestmentTargetConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::investment_targets::Entity, _, _>(
            ctx,
            Rel::InitiativeInvestmentTargets,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(InvestmentTargetConnection(page))
    }

    /// Real-world events linked to the initiative (such as the summit that announced it).
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
            Rel::InitiativeEvents,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(EventConnection(page))
    }

    /// Sources for this initiative. An empty list means the initiative is uncited.
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
            Rel::InitiativeSources,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(SourceConnection(page))
    }

    /// Figures the initiative states: targets, counts, deadlines.
    #[allow(clippy::too_many_arguments)]
    async fn figures(
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
    ) -> Result<InitiativeFigureConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::initiative_figures::Entity, _, _>(
            ctx,
            Rel::InitiativeFigures,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(InitiativeFigureConnection(page))
    }

    /// What happened to the initiative, oldest first (the initiative event log).
    #[allow(clippy::too_many_arguments)]
    async fn history(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<InitiativeEventFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<InitiativeEventOrder>>,
    ) -> Result<InitiativeEventConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::initiative_events::Entity, _, _>(
            ctx,
            Rel::InitiativeHistory,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(InitiativeEventConnection(page))
    }
}

connection!(
    InitiativeConnection,
    InitiativeEdge,
    Initiative,
    Model,
    "A page of initiatives (Relay cursor connection).",
    "An initiative with its cursor."
);
