//! `QueryRoot`: root connections, lookups by natural key, and Relay `node`/`nodes`.

use crate::db::lookup::find_one_by;
use crate::db::page::{ROOT_PARENT, Rel};
use crate::error::AppError;
use crate::error::Result;
use crate::graphql::filter::*;
use crate::graphql::loaders::load_by_id;
use crate::graphql::order::*;
use crate::graphql::relay::ConnArgs;
use crate::graphql::relay::{NodeKind, decode_global_id};
use crate::graphql::search::SearchQuery;
use crate::graphql::types::*;
use async_graphql::{Context, ID, MergedObject, Object};
use sea_orm::{DatabaseConnection, FromQueryResult};

/// Entry points of the graph: the parts below, merged.
#[derive(MergedObject, Default)]
pub struct QueryRoot(CoreQuery, crate::graphql::stats::StatsQuery, SearchQuery);

/// Root connections, lookups by natural key, and Relay `node`.
#[derive(Default)]
pub struct CoreQuery;

fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection> {
    Ok(ctx.data::<DatabaseConnection>()?)
}

/// Finds a row by slug, or NOT_FOUND.
async fn by_slug<M: FromQueryResult>(
    ctx: &Context<'_>,
    table: &'static str,
    what: &str,
    slug: String,
) -> Result<M> {
    let found = find_one_by::<M>(db(ctx)?, table, "slug", slug.clone().into())
        .await
        .map_err(AppError::from)?;
    found.ok_or_else(|| AppError::NotFound(format!("no {what} with slug {slug:?}")))
}

/// Loads a node by global id: null when it is well formed but names nothing.
async fn load_node(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let (kind, key) = decode_global_id(id).ok_or_else(|| {
        AppError::bad_input(
            "id",
            format!("{:?} is not an id issued by this server", id.as_str()),
        )
    })?;
    macro_rules! node {
        ($entity:path, $variant:ident) => {
            load_by_id::<$entity>(ctx, key)
                .await?
                .map(|m| Node::$variant(m.into()))
        };
    }
    Ok(match kind {
        NodeKind::Direction => node!(entity::directions::Entity, Direction),
        NodeKind::Initiative => node!(entity::initiatives::Entity, Initiative),
        NodeKind::InitiativeFigure => node!(entity::initiative_figures::Entity, InitiativeFigure),
        NodeKind::InitiativeEvent => node!(entity::initiative_events::Entity, InitiativeEvent),
        NodeKind::Sector => node!(entity::sectors::Entity, Sector),
        NodeKind::Prefecture => node!(entity::prefectures::Entity, Prefecture),
        NodeKind::GovernorMention => node!(entity::governor_mentions::Entity, GovernorMention),
        NodeKind::IndianState => node!(entity::indian_states::Entity, IndianState),
        NodeKind::Partnership => node!(entity::partnerships::Entity, Partnership),
        NodeKind::PartnershipRenewal => {
            node!(entity::partnership_renewals::Entity, PartnershipRenewal)
        }
        NodeKind::InvestmentTarget => node!(entity::investment_targets::Entity, InvestmentTarget),
        NodeKind::Event => node!(entity::events::Entity, Event),
        NodeKind::EventParticipant => node!(entity::event_participants::Entity, EventParticipant),
        NodeKind::Source => node!(entity::sources::Entity, Source),
    })
}

/// Entry points of the graph: root connections, lookups by natural key, and Relay `node`.
/// Loads a page of a whole table with the client's pagination, filter and ordering.
async fn root<E, F: ToCond, O: ToTerm>(
    ctx: &Context<'_>,
    table: &'static str,
    args: ConnArgs,
    filter: Option<F>,
    order_by: Option<Vec<O>>,
) -> Result<std::sync::Arc<crate::db::page::Page<E::Model>>>
where
    E: sea_orm::EntityTrait,
    E::Model: FromQueryResult + Clone + Send + Sync + 'static,
{
    crate::graphql::types::page::<E, F, O>(
        ctx,
        Rel::Root(table),
        ROOT_PARENT,
        args,
        filter,
        order_by,
    )
    .await
}

#[Object]
impl CoreQuery {
    /// The eight directions of the Joint Vision, in order.
    #[allow(clippy::too_many_arguments)]
    async fn directions(
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
        #[graphql(desc = "Conditions the items must meet.")] filter: Option<DirectionFilter>,
        #[graphql(
            desc = "Sort keys, most significant first; ties are broken by id. Default: insertion order."
        )]
        order_by: Option<Vec<DirectionOrder>>,
    ) -> Result<DirectionConnection> {
        let args = ConnArgs {
            first,
            after,
            last,
            before,
        };
        Ok(DirectionConnection(
            root::<entity::directions::Entity, _, _>(ctx, "directions", args, filter, order_by)
                .await?,
        ))
    }

    /// One direction, by its number (1–8) or its slug; give exactly one.
    async fn direction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Position in the Joint Vision, 1 to 8.")] number: Option<i32>,
        #[graphql(desc = "The direction's slug, e.g. `next-gen-mobility`.")] slug: Option<String>,
    ) -> Result<Direction> {
        match (number, slug) {
            (Some(number), None) => {
                let found = find_one_by::<entity::directions::Model>(
                    db(ctx)?,
                    "directions",
                    "number",
                    number.into(),
                )
                .await
                .map_err(AppError::from)?;
                found.map(Direction::from).ok_or_else(|| {
                    AppError::NotFound(format!(
                        "no direction number {number}; directions are numbered 1 to 8"
                    ))
                })
            }
            (None, Some(slug)) => {
                Ok(
                    by_slug::<entity::directions::Model>(ctx, "directions", "direction", slug)
                        .await?
                        .into(),
                )
            }
            _ => Err(AppError::bad_input(
                "number",
                "give exactly one of `number` and `slug`",
            )),
        }
    }

    /// Initiatives: filter by any field or related row, sort, and page both ways.
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
        Ok(InitiativeConnection(
            root::<entity::initiatives::Entity, _, _>(ctx, "initiatives", args, filter, order_by)
                .await?,
        ))
    }

    /// One initiative by slug, e.g. `battery-supply-chain`.
    async fn initiative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The initiative's slug.")] slug: String,
    ) -> Result<Initiative> {
        Ok(
            by_slug::<entity::initiatives::Model>(ctx, "initiatives", "initiative", slug)
                .await?
                .into(),
        )
    }

    /// All sectors.
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
        Ok(SectorConnection(
            root::<entity::sectors::Entity, _, _>(ctx, "sectors", args, filter, order_by).await?,
        ))
    }

    /// One sector by slug, e.g. `batteries`.
    async fn sector(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The sector's slug.")] slug: String,
    ) -> Result<Sector> {
        Ok(
            by_slug::<entity::sectors::Model>(ctx, "sectors", "sector", slug)
                .await?
                .into(),
        )
    }

    /// The 47 prefectures of Japan, in JIS code order.
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
        Ok(PrefectureConnection(
            root::<entity::prefectures::Entity, _, _>(ctx, "prefectures", args, filter, order_by)
                .await?,
        ))
    }

    /// One prefecture by slug, e.g. `fukuoka`.
    async fn prefecture(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The prefecture's slug.")] slug: String,
    ) -> Result<Prefecture> {
        Ok(
            by_slug::<entity::prefectures::Model>(ctx, "prefectures", "prefecture", slug)
                .await?
                .into(),
        )
    }

    /// The 28 states and 8 union territories of India.
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
        Ok(IndianStateConnection(
            root::<entity::indian_states::Entity, _, _>(
                ctx,
                "indian_states",
                args,
                filter,
                order_by,
            )
            .await?,
        ))
    }

    /// One Indian state or union territory by slug, e.g. `gujarat`.
    async fn indian_state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The state's slug.")] slug: String,
    ) -> Result<IndianState> {
        Ok(
            by_slug::<entity::indian_states::Model>(ctx, "indian_states", "Indian state", slug)
                .await?
                .into(),
        )
    }

    /// State–prefecture partnerships.
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
        Ok(PartnershipConnection(
            root::<entity::partnerships::Entity, _, _>(ctx, "partnerships", args, filter, order_by)
                .await?,
        ))
    }

    /// One partnership by slug, e.g. `gujarat-shizuoka`.
    async fn partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partnership's slug.")] slug: String,
    ) -> Result<Partnership> {
        Ok(
            by_slug::<entity::partnerships::Model>(ctx, "partnerships", "partnership", slug)
                .await?
                .into(),
        )
    }

    /// Investment targets.
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
        Ok(InvestmentTargetConnection(
            root::<entity::investment_targets::Entity, _, _>(
                ctx,
                "investment_targets",
                args,
                filter,
                order_by,
            )
            .await?,
        ))
    }

    /// Real-world events.
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
        Ok(EventConnection(
            root::<entity::events::Entity, _, _>(ctx, "events", args, filter, order_by).await?,
        ))
    }

    /// One event by slug, e.g. `ev-2025-08-30-governors-meeting`.
    async fn event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's slug.")] slug: String,
    ) -> Result<Event> {
        Ok(
            by_slug::<entity::events::Model>(ctx, "events", "event", slug)
                .await?
                .into(),
        )
    }

    /// Sources behind the facts.
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
        Ok(SourceConnection(
            root::<entity::sources::Entity, _, _>(ctx, "sources", args, filter, order_by).await?,
        ))
    }

    /// One source by slug.
    async fn source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The source's slug.")] slug: String,
    ) -> Result<Source> {
        Ok(
            by_slug::<entity::sources::Model>(ctx, "sources", "source", slug)
                .await?
                .into(),
        )
    }

    /// The initiative event log across all initiatives, in sequence (commit) order.
    #[allow(clippy::too_many_arguments)]
    async fn initiative_events(
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
        Ok(InitiativeEventConnection(
            root::<entity::initiative_events::Entity, _, _>(
                ctx,
                "initiative_events",
                args,
                filter,
                order_by,
            )
            .await?,
        ))
    }

    /// Any object by its global id (Relay). Null when the id is well formed but names nothing;
    /// an error when it is not an id this server issued.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id from an object's `id` field.")] id: ID,
    ) -> Result<Option<Node>> {
        load_node(ctx, &id).await
    }

    /// Several objects by global id, in the order asked; null where an id names nothing.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids from objects' `id` fields.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        let limits = ctx.data::<crate::config::Limits>()?;
        if ids.len() > limits.max_page_size as usize {
            return Err(AppError::bad_input(
                "ids",
                format!(
                    "{} ids asked, over the maximum of {}",
                    ids.len(),
                    limits.max_page_size
                ),
            ));
        }
        futures::future::try_join_all(ids.iter().map(|id| load_node(ctx, id))).await
    }
}
