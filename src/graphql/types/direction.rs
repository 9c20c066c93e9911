//! `Direction`: one of the eight directions of the Joint Vision.

use super::*;

use entity::directions::Model;

/// One of the eight directions of the India–Japan Joint Vision for the Next Decade (15th Annual Summit, Tokyo, August 2025).
#[derive(Clone, Debug)]
pub struct Direction(pub Model);

impl From<Model> for Direction {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// One of the eight directions of the India–Japan Joint Vision for the Next Decade (15th Annual Summit, Tokyo, August 2025).
#[Object]
impl Direction {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Direction, self.0.id)
    }

    /// Position in the Joint Vision, 1 to 8.
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The direction's name in the Joint Vision.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Other names the direction appears under in sources.
    async fn name_variants(&self) -> Vec<String> {
        string_list(&self.0.name_variants)
    }

    /// Short Japanese label used by the Japanese press.
    async fn ja_label(&self) -> Option<&str> {
        self.0.ja_label.as_deref()
    }

    /// What the direction covers; null when the section text was not found.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }

    /// Why the summary is missing, or how it was compiled.
    async fn summary_note(&self) -> Option<&str> {
        self.0.summary_note.as_deref()
    }

    /// The initiatives placed under this direction.
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
            Rel::DirectionInitiatives,
            self.0.id,
            args,
            filter,
            order_by,
        )
        .await?;
        Ok(InitiativeConnection(page))
    }

    /// Sources that describe this direction.
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
            Rel::DirectionSources,
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
    DirectionConnection,
    DirectionEdge,
    Direction,
    Model,
    "A page of directions (Relay cursor connection).",
    "A direction with its cursor."
);
