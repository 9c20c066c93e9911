//! `QueryRoot`: root connections, lookups by natural key, and Relay `node`/`nodes`.

use crate::db::lookup::{find_one_by, id_by_slug};
use crate::db::page::{InitiativeFilter, ROOT_PARENT, Rel};
use crate::error::AppError;
use crate::error::Result;
use crate::graphql::loaders::{load_by_id, load_page};
use crate::graphql::relay::{NodeKind, decode_global_id};
use crate::graphql::types::*;
use async_graphql::{Context, ID, InputObject, MergedObject, Object};
use sea_orm::{DatabaseConnection, FromQueryResult};

/// Entry points of the graph: the parts below, merged.
#[derive(MergedObject, Default)]
pub struct QueryRoot(CoreQuery);

/// Root connections, lookups by natural key, and Relay `node`.
#[derive(Default)]
pub struct CoreQuery;

/// Simple filters on initiatives; every condition given must hold. Slugs that name nothing are
/// an error (NOT_FOUND), so a typo never reads as "no results".
#[derive(Clone, Debug, Default, InputObject)]
pub struct InitiativeFilterInput {
    /// Only initiatives under the direction with this slug.
    pub direction: Option<String>,
    /// Only initiatives touching the sector with this slug.
    pub sector: Option<String>,
    /// Only initiatives the prefecture with this slug takes part in.
    pub prefecture: Option<String>,
    /// Only initiatives the Indian state with this slug takes part in.
    pub indian_state: Option<String>,
    /// Only initiatives with this status.
    pub status: Option<InitiativeStatus>,
}

fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection> {
    Ok(ctx.data::<DatabaseConnection>()?)
}

/// Resolves an optional slug to an id, or NOT_FOUND naming the field.
async fn resolve_slug(
    ctx: &Context<'_>,
    table: &'static str,
    what: &str,
    slug: Option<&str>,
) -> Result<Option<i32>> {
    let Some(slug) = slug else { return Ok(None) };
    match id_by_slug(db(ctx)?, table, slug)
        .await
        .map_err(AppError::from)?
    {
        Some(id) => Ok(Some(id)),
        None => Err(AppError::NotFound(format!("no {what} with slug {slug:?}"))),
    }
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

/// Declares a root connection field over a whole table.
macro_rules! root_page {
    ($ctx:expr, $entity:path, $table:literal, $first:expr, $after:expr) => {
        load_page::<$entity>(
            $ctx,
            Rel::Root($table),
            ROOT_PARENT,
            $first,
            $after,
            InitiativeFilter::default(),
        )
    };
}

/// Entry points of the graph: root connections, lookups by natural key, and Relay `node`.
#[Object]
impl CoreQuery {
    /// The eight directions of the Joint Vision, in order.
    async fn directions(
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
    ) -> Result<DirectionConnection> {
        Ok(DirectionConnection(
            root_page!(ctx, entity::directions::Entity, "directions", first, after).await?,
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

    /// Initiatives, optionally filtered by direction, sector, participant and status.
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
        #[graphql(desc = "Conditions the initiatives must all meet.")] filter: Option<
            InitiativeFilterInput,
        >,
    ) -> Result<InitiativeConnection> {
        let input = filter.unwrap_or_default();
        let filter = InitiativeFilter {
            direction_id: resolve_slug(ctx, "directions", "direction", input.direction.as_deref())
                .await?,
            sector_id: resolve_slug(ctx, "sectors", "sector", input.sector.as_deref()).await?,
            prefecture_id: resolve_slug(
                ctx,
                "prefectures",
                "prefecture",
                input.prefecture.as_deref(),
            )
            .await?,
            indian_state_id: resolve_slug(
                ctx,
                "indian_states",
                "Indian state",
                input.indian_state.as_deref(),
            )
            .await?,
            status: input.status.map(Into::into),
        };
        let page = load_page::<entity::initiatives::Entity>(
            ctx,
            Rel::Root("initiatives"),
            ROOT_PARENT,
            first,
            after,
            filter,
        )
        .await?;
        Ok(InitiativeConnection(page))
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
    async fn sectors(
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
    ) -> Result<SectorConnection> {
        Ok(SectorConnection(
            root_page!(ctx, entity::sectors::Entity, "sectors", first, after).await?,
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
        Ok(PrefectureConnection(
            root_page!(
                ctx,
                entity::prefectures::Entity,
                "prefectures",
                first,
                after
            )
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
        Ok(IndianStateConnection(
            root_page!(
                ctx,
                entity::indian_states::Entity,
                "indian_states",
                first,
                after
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
    async fn partnerships(
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
    ) -> Result<PartnershipConnection> {
        Ok(PartnershipConnection(
            root_page!(
                ctx,
                entity::partnerships::Entity,
                "partnerships",
                first,
                after
            )
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
    async fn investment_targets(
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
    ) -> Result<InvestmentTargetConnection> {
        Ok(InvestmentTargetConnection(
            root_page!(
                ctx,
                entity::investment_targets::Entity,
                "investment_targets",
                first,
                after
            )
            .await?,
        ))
    }

    /// Real-world events.
    async fn events(
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
    ) -> Result<EventConnection> {
        Ok(EventConnection(
            root_page!(ctx, entity::events::Entity, "events", first, after).await?,
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
        Ok(SourceConnection(
            root_page!(ctx, entity::sources::Entity, "sources", first, after).await?,
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

    /// The initiative event log across all initiatives, oldest first.
    async fn initiative_events(
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
    ) -> Result<InitiativeEventConnection> {
        Ok(InitiativeEventConnection(
            root_page!(
                ctx,
                entity::initiative_events::Entity,
                "initiative_events",
                first,
                after
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
