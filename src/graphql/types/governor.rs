//! `GovernorMention`: a governor as named by a source.

use super::*;

use entity::governor_mentions::Model;

/// A governor of a prefecture as a source names them, with the date the source speaks of.
#[derive(Clone, Debug)]
pub struct GovernorMention(pub Model);

impl From<Model> for GovernorMention {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// A governor of a prefecture as a source names them, with the date the source speaks of.
#[Object]
impl GovernorMention {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::GovernorMention, self.0.id)
    }

    /// Name as given (sources sometimes give the surname only).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Office, e.g. "Governor".
    async fn role(&self) -> &str {
        &self.0.role
    }

    /// When the source says the person held the office.
    async fn as_of(&self) -> Result<Option<PartialDate>> {
        PartialDate::from_columns(self.0.as_of, self.0.as_of_precision.as_deref())
    }

    /// Caveats about the mention.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The prefecture.
    async fn prefecture(&self, ctx: &Context<'_>) -> Result<Option<Prefecture>> {
        Ok(
            load_by_id::<entity::prefectures::Entity>(ctx, self.0.prefecture_id)
                .await?
                .map(Prefecture::from),
        )
    }

    /// Sources that name this governor.
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
            Rel::GovernorMentionSources,
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
    GovernorMentionConnection,
    GovernorMentionEdge,
    GovernorMention,
    Model,
    "A page of governor mentions (Relay cursor connection).",
    "A governor mention with its cursor."
);
