//! `Sector`: a sector initiatives touch, with its hierarchy.

use super::*;

use entity::sectors::Model;

/// A sector that initiatives touch (batteries, hydrogen, semiconductors, railways, …). Sectors may nest.
#[derive(Clone, Debug)]
pub struct Sector(pub Model);

impl From<Model> for Sector {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// A sector that initiatives touch (batteries, hydrogen, semiconductors, railways, …). Sectors may nest.
#[Object]
impl Sector {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Sector, self.0.id)
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the sector.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The broader sector this one belongs to; null at the top level.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::sectors::Entity>(ctx, id)
            .await?
            .map(Sector::from))
    }

    /// Narrower sectors under this one.
    #[allow(clippy::too_many_arguments)]
    async fn children(
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
            Rel::SectorChildren,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(SectorConnection(page))
    }

    /// Initiatives touching this sector.
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
            Rel::SectorInitiatives,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(InitiativeConnection(page))
    }
}

connection!(
    SectorConnection,
    SectorEdge,
    Sector,
    Model,
    "A page of sectors (Relay cursor connection).",
    "A sector with its cursor."
);
