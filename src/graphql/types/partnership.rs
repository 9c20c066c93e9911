//! `Partnership` and `PartnershipRenewal`.

use super::*;

use entity::partnerships::Model;

/// A partnership between an Indian state and a Japanese prefecture or another Japanese counterpart (such as an association of cities).
#[derive(Clone, Debug)]
pub struct Partnership(pub Model);

impl From<Model> for Partnership {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// A partnership between an Indian state and a Japanese prefecture or another Japanese counterpart (such as an association of cities).
#[Object]
impl Partnership {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Partnership, self.0.id)
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// What is on the Japanese side: a prefecture, or an association of municipalities.
    async fn counterpart_kind(&self) -> Result<CounterpartKind> {
        Ok(stored(&self.0.counterpart_kind, domain::CounterpartKind::from_word)?.into())
    }

    /// Name of a counterpart that is not a prefecture; null for prefectures.
    async fn counterpart_name(&self) -> Option<&str> {
        self.0.counterpart_name.as_deref()
    }

    /// What the agreement covers.
    async fn nature(&self) -> &str {
        &self.0.nature
    }

    /// When the partnership was established, to the precision known; null when not found.
    async fn established(&self) -> Result<Option<PartialDate>> {
        PartialDate::from_columns(
            self.0.established_on,
            self.0.established_precision.as_deref(),
        )
    }

    /// When the current agreement expires, when known.
    async fn valid_until(&self) -> Result<Option<PartialDate>> {
        PartialDate::from_columns(self.0.valid_until, self.0.valid_until_precision.as_deref())
    }

    /// Whether it is in force; null when not known.
    async fn status(&self) -> Result<Option<PartnershipStatus>> {
        Ok(stored_opt(
            self.0.status.as_deref(),
            domain::PartnershipStatus::from_word,
        )?
        .map(Into::into))
    }

    /// Whether the 2025 summit documents cite this partnership.
    async fn cited_in_2025_summit(&self) -> bool {
        self.0.cited_in_2025_summit
    }

    /// How well the sources support this entry; null when not assessed.
    async fn confidence(&self) -> Result<Option<Confidence>> {
        Ok(
            stored_opt(self.0.confidence.as_deref(), domain::Confidence::from_word)?
                .map(Into::into),
        )
    }

    /// Caveats and context from the compilers.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// The Japanese prefecture, when the counterpart is exactly one prefecture; null for an
    /// association of cities or several prefectures (see `prefectures`).
    async fn prefecture(&self, ctx: &Context<'_>) -> Result<Option<Prefecture>> {
        if self.0.counterpart_kind != domain::CounterpartKind::Prefecture.as_db() {
            return Ok(None);
        }
        let page = page::<entity::prefectures::Entity, PrefectureFilter, PrefectureOrder>(
            ctx,
            Rel::PartnershipPrefectures,
            self.0.id,
            ConnArgs::default(),
            None,
            None,
        )
        .await?;
        Ok(match page.rows.as_slice() {
            [only] => Some(Prefecture::from(only.clone())),
            _ => None,
        })
    }

    /// The Indian state or union territory.
    async fn indian_state(&self, ctx: &Context<'_>) -> Result<Option<IndianState>> {
        Ok(
            load_by_id::<entity::indian_states::Entity>(ctx, self.0.indian_state_id)
                .await?
                .map(IndianState::from),
        )
    }

    /// Prefectures on the Japanese side (for an association of cities: the prefectures the cities are in).
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
            Rel::PartnershipPrefectures,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(PrefectureConnection(page))
    }

    /// Renewals of the agreement, oldest first.
    #[allow(clippy::too_many_arguments)]
    async fn renewals(
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
    ) -> Result<PartnershipRenewalConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::partnership_renewals::Entity, _, _>(
            ctx,
            Rel::PartnershipRenewals,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(PartnershipRenewalConnection(page))
    }

    /// Events in the life of the partnership: signings, renewals, visits.
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
            Rel::PartnershipEvents,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(EventConnection(page))
    }

    /// Sources for this partnership.
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
            Rel::PartnershipSources,
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
    PartnershipConnection,
    PartnershipEdge,
    Partnership,
    Model,
    "A page of partnerships (Relay cursor connection).",
    "A partnership with its cursor."
);
