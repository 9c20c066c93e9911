//! `InvestmentTarget`: an investment target with an exact amount.

use super::*;

use entity::investment_targets::Model;

/// An investment target, such as JPY 10 trillion of private investment from Japan to India over the next decade. Amounts are exact.
#[derive(Clone, Debug)]
pub struct InvestmentTarget(pub Model);

impl From<Model> for InvestmentTarget {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// An investment target, such as JPY 10 trillion of private investment from Japan to India over the next decade. Amounts are exact.
#[Object]
impl InvestmentTarget {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::InvestmentTarget, self.0.id)
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the target.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The exact amount in `currency` units, e.g. "10000000000000" for JPY 10 trillion.
    async fn amount(&self) -> BigInt {
        BigInt(self.0.amount)
    }

    /// ISO 4217 currency code.
    async fn currency(&self) -> &str {
        &self.0.currency
    }

    /// Whose money the target counts.
    async fn kind(&self) -> Result<TargetKind> {
        Ok(stored(&self.0.kind, domain::TargetKind::from_word)?.into())
    }

    /// First year of the target period.
    async fn period_start(&self) -> Option<i32> {
        self.0.period_start
    }

    /// Last year of the target period; null when open-ended or unknown.
    async fn period_end(&self) -> Option<i32> {
        self.0.period_end
    }

    /// The period as the sources word it.
    async fn period_label(&self) -> Option<&str> {
        self.0.period_label.as_deref()
    }

    /// Whether the target is running, met or replaced.
    async fn status(&self) -> Result<TargetStatus> {
        Ok(stored(&self.0.status, domain::TargetStatus::from_word)?.into())
    }

    /// Evidence for the status.
    async fn status_note(&self) -> Option<&str> {
        self.0.status_note.as_deref()
    }

    /// Approximate US dollar value as reported (text, not a conversion by this server).
    async fn approx_usd(&self) -> Option<&str> {
        self.0.approx_usd.as_deref()
    }

    /// Caveats and context from the compilers.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// The initiative this target belongs to, if any.
    async fn initiative(&self, ctx: &Context<'_>) -> Result<Option<Initiative>> {
        let Some(id) = self.0.initiative_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::initiatives::Entity>(ctx, id)
            .await?
            .map(Initiative::from))
    }

    /// The event at which the target was announced, when known.
    async fn announced_at(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        let Some(id) = self.0.announced_at_event_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::events::Entity>(ctx, id)
            .await?
            .map(Event::from))
    }

    /// Sources for this target.
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
            Rel::InvestmentTargetSources,
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
    InvestmentTargetConnection,
    InvestmentTargetEdge,
    InvestmentTarget,
    Model,
    "A page of investment targets (Relay cursor connection).",
    "An investment target with its cursor."
);
