//! `InitiativeFigure`: a figure an initiative states.

use super::*;

use entity::initiative_figures::Model;

/// A figure an initiative states: a target amount, a count of people or plants, a deadline. Amounts are exact.
#[derive(Clone, Debug)]
pub struct InitiativeFigure(pub Model);

impl From<Model> for InitiativeFigure {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// A figure an initiative states: a target amount, a count of people or plants, a deadline. Amounts are exact.
#[Object]
impl InitiativeFigure {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::InitiativeFigure, self.0.id)
    }

    /// What the figure measures.
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// The exact value; null when the figure is only a date or a period.
    async fn value(&self) -> Option<BigInt> {
        self.0.value.map(BigInt)
    }

    /// Unit of the value (a currency code, "people", "plants", …).
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// ISO currency code when the value is money.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }

    /// First year of the period the figure covers.
    async fn period_start(&self) -> Option<i32> {
        self.0.period_start
    }

    /// Last year of the period, or the deadline year.
    async fn period_end(&self) -> Option<i32> {
        self.0.period_end
    }

    /// Wording and caveats from the sources.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The initiative that states this figure.
    async fn initiative(&self, ctx: &Context<'_>) -> Result<Option<Initiative>> {
        Ok(
            load_by_id::<entity::initiatives::Entity>(ctx, self.0.initiative_id)
                .await?
                .map(Initiative::from),
        )
    }
}

connection!(
    InitiativeFigureConnection,
    InitiativeFigureEdge,
    InitiativeFigure,
    Model,
    "A page of initiative figures (Relay cursor connection).",
    "An initiative figure with its cursor."
);
