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
    async fn children(
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
        let page =
            page::<entity::sectors::Entity>(ctx, Rel::SectorChildren, self.0.id, first, after)
                .await?;
        Ok(SectorConnection(page))
    }

    /// Initiatives touching this sector.
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
            Rel::SectorInitiatives,
            self.0.id,
            first,
            after,
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
