//! `Prefecture` and `GovernorMention`.

use super::*;

use entity::prefectures::Model;

/// One of the 47 prefectures of Japan. Reference fields were compiled from general knowledge (see `sources`).
#[derive(Clone, Debug)]
pub struct Prefecture(pub Model);

impl From<Model> for Prefecture {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// One of the 47 prefectures of Japan. Reference fields were compiled from general knowledge (see `sources`).
#[Object]
impl Prefecture {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Prefecture, self.0.id)
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name in English.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Name in Japanese, e.g. 福岡県.
    async fn name_ja(&self) -> &str {
        &self.0.name_ja
    }

    /// Administrative kind: to, do, fu or ken.
    async fn kind(&self) -> Result<PrefectureKind> {
        Ok(stored(&self.0.kind, domain::PrefectureKind::from_word)?.into())
    }

    /// JIS X 0401 code, "01" to "47".
    async fn jis_code(&self) -> &str {
        &self.0.jis_code
    }

    /// ISO 3166-2 code, e.g. "JP-40".
    async fn iso_code(&self) -> &str {
        &self.0.iso_code
    }

    /// Region, e.g. "Kyushu-Okinawa".
    async fn region(&self) -> &str {
        &self.0.region
    }

    /// Capital city.
    async fn capital(&self) -> &str {
        &self.0.capital
    }

    /// Caveats and context from the compilers.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Whether this prefecture took part in an event, by the event's slug. For the governors'
    /// meeting with the Indian Prime Minister on 30 Aug 2025 use
    /// `ev-2025-08-30-governors-meeting`: 16 governors attended, but only some are named by a
    /// source, so most prefectures are UNKNOWN, which never means "did not attend".
    async fn attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the event, e.g. `ev-2025-08-30-governors-meeting`.")]
        event: String,
    ) -> Result<Attendance> {
        attendance_of(ctx, "prefecture_id", self.0.id, event).await
    }

    /// Initiatives this prefecture takes part in.
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
            Rel::PrefectureInitiatives,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(InitiativeConnection(page))
    }

    /// Partnerships with Indian states that involve this prefecture.
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
            Rel::PrefecturePartnerships,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(PartnershipConnection(page))
    }

    /// Events this prefecture took part in (confirmed or probable).
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
            Rel::PrefectureEvents,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(EventConnection(page))
    }

    /// Governors of this prefecture as named by sources.
    #[allow(clippy::too_many_arguments)]
    async fn governor_mentions(
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
    ) -> Result<GovernorMentionConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        let page = page::<entity::governor_mentions::Entity, _, _>(
            ctx,
            Rel::PrefectureGovernorMentions,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(GovernorMentionConnection(page))
    }

    /// Reference sources for this prefecture.
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
            Rel::PrefectureSources,
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
    PrefectureConnection,
    PrefectureEdge,
    Prefecture,
    Model,
    "A page of prefectures (Relay cursor connection).",
    "A prefecture with its cursor."
);
