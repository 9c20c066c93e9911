//! `PartnershipRenewal`: a renewal of a partnership agreement.

use super::*;

use entity::partnership_renewals::Model;

/// A renewal of a partnership agreement.
#[derive(Clone, Debug)]
pub struct PartnershipRenewal(pub Model);

impl From<Model> for PartnershipRenewal {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// A renewal of a partnership agreement.
#[Object]
impl PartnershipRenewal {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::PartnershipRenewal, self.0.id)
    }

    /// When it was renewed, to the precision known.
    async fn renewed(&self) -> Result<PartialDate> {
        PartialDate::from_columns(Some(self.0.renewed_on), Some(&self.0.renewed_precision))?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("renewal without date")))
    }

    /// The partnership renewed.
    async fn partnership(&self, ctx: &Context<'_>) -> Result<Option<Partnership>> {
        Ok(
            load_by_id::<entity::partnerships::Entity>(ctx, self.0.partnership_id)
                .await?
                .map(Partnership::from),
        )
    }
}

connection!(
    PartnershipRenewalConnection,
    PartnershipRenewalEdge,
    PartnershipRenewal,
    Model,
    "A page of partnership renewals (Relay cursor connection).",
    "A renewal with its cursor."
);
