//! Aggregates over initiatives and investment targets: `GROUP BY` in the API, with the same
//! filters as the connections.

use crate::db::stats::{Dimension, GroupRow, grouped};
use crate::domain;
use crate::error::{AppError, Result};
use crate::graphql::filter::{InitiativeFilter, InvestmentTargetFilter, compile};
use crate::graphql::loaders::load_by_id;
use crate::graphql::types::common::{BigInt, stored};
use crate::graphql::types::*;
use async_graphql::{Context, Enum, Object, SimpleObject};
use sea_orm::DatabaseConnection;

/// Aggregate queries.
#[derive(Default)]
pub struct StatsQuery;

/// Dimensions initiatives can be counted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum InitiativeGroupBy {
    /// The direction (null: outside the eight directions).
    Direction,
    /// Each sector the initiative touches (an initiative counts once per sector; null: none).
    Sector,
    /// Each participating prefecture (null: none).
    Prefecture,
    /// The region of each participating prefecture (null: no prefecture).
    Region,
    /// Each participating Indian state (null: none).
    IndianState,
    /// The status.
    Status,
}

impl InitiativeGroupBy {
    fn dimension(self) -> Dimension {
        const SECTORS: &str = "initiative_sectors gs ON gs.initiative_id = c.id";
        const PREFECTURES: &str = "initiative_prefectures gp ON gp.initiative_id = c.id";
        const REGIONS: &str = "prefectures gpr ON gpr.id = gp.prefecture_id";
        const STATES: &str = "initiative_indian_states gis ON gis.initiative_id = c.id";
        match self {
            Self::Direction => Dimension {
                key: "c.direction_id",
                is_id: true,
                joins: &[],
            },
            Self::Sector => Dimension {
                key: "gs.sector_id",
                is_id: true,
                joins: &[SECTORS],
            },
            Self::Prefecture => Dimension {
                key: "gp.prefecture_id",
                is_id: true,
                joins: &[PREFECTURES],
            },
            Self::Region => Dimension {
                key: "gpr.region",
                is_id: false,
                joins: &[PREFECTURES, REGIONS],
            },
            Self::IndianState => Dimension {
                key: "gis.indian_state_id",
                is_id: true,
                joins: &[STATES],
            },
            Self::Status => Dimension {
                key: "c.status",
                is_id: false,
                joins: &[],
            },
        }
    }
}

/// Dimensions investment targets can be summed by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum InvestmentGroupBy {
    /// The direction of the target's initiative (null: no initiative or no direction).
    Direction,
    /// The initiative (null: none).
    Initiative,
    /// The currency. Required whenever amounts are summed: different currencies do not add up.
    Currency,
    /// The status.
    Status,
    /// Whose money it counts.
    Kind,
}

impl InvestmentGroupBy {
    fn dimension(self) -> Dimension {
        const INITIATIVES: &str = "initiatives gi ON gi.id = c.initiative_id";
        match self {
            Self::Direction => Dimension {
                key: "gi.direction_id",
                is_id: true,
                joins: &[INITIATIVES],
            },
            Self::Initiative => Dimension {
                key: "c.initiative_id",
                is_id: true,
                joins: &[],
            },
            Self::Currency => Dimension {
                key: "c.currency",
                is_id: false,
                joins: &[],
            },
            Self::Status => Dimension {
                key: "c.status",
                is_id: false,
                joins: &[],
            },
            Self::Kind => Dimension {
                key: "c.kind",
                is_id: false,
                joins: &[],
            },
        }
    }
}

/// One group of initiatives: the keys asked for (others are null) and how many initiatives.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct InitiativeGroup {
    /// Region of the participating prefecture, when grouped by REGION.
    pub region: Option<String>,
    /// Status, when grouped by STATUS.
    pub status: Option<InitiativeStatus>,
    /// How many distinct initiatives are in the group.
    pub count: i64,
    #[graphql(skip)]
    direction_id: Option<i32>,
    #[graphql(skip)]
    sector_id: Option<i32>,
    #[graphql(skip)]
    prefecture_id: Option<i32>,
    #[graphql(skip)]
    indian_state_id: Option<i32>,
}

#[async_graphql::ComplexObject]
impl InitiativeGroup {
    /// Direction, when grouped by DIRECTION.
    async fn direction(&self, ctx: &Context<'_>) -> Result<Option<Direction>> {
        let Some(id) = self.direction_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::directions::Entity>(ctx, id)
            .await?
            .map(Direction::from))
    }

    /// Sector, when grouped by SECTOR.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        let Some(id) = self.sector_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::sectors::Entity>(ctx, id)
            .await?
            .map(Sector::from))
    }

    /// Prefecture, when grouped by PREFECTURE.
    async fn prefecture(&self, ctx: &Context<'_>) -> Result<Option<Prefecture>> {
        let Some(id) = self.prefecture_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::prefectures::Entity>(ctx, id)
            .await?
            .map(Prefecture::from))
    }

    /// Indian state, when grouped by INDIAN_STATE.
    async fn indian_state(&self, ctx: &Context<'_>) -> Result<Option<IndianState>> {
        let Some(id) = self.indian_state_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::indian_states::Entity>(ctx, id)
            .await?
            .map(IndianState::from))
    }
}

/// One group of investment targets: the keys asked for (others are null), how many targets and
/// their exact total.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct InvestmentGroup {
    /// Currency, when grouped by CURRENCY.
    pub currency: Option<String>,
    /// Status, when grouped by STATUS.
    pub status: Option<TargetStatus>,
    /// Kind, when grouped by KIND.
    pub kind: Option<TargetKind>,
    /// How many targets are in the group.
    pub count: i64,
    /// Exact sum of the amounts, in the group's currency.
    pub sum: BigInt,
    #[graphql(skip)]
    direction_id: Option<i32>,
    #[graphql(skip)]
    initiative_id: Option<i32>,
}

#[async_graphql::ComplexObject]
impl InvestmentGroup {
    /// Direction, when grouped by DIRECTION.
    async fn direction(&self, ctx: &Context<'_>) -> Result<Option<Direction>> {
        let Some(id) = self.direction_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::directions::Entity>(ctx, id)
            .await?
            .map(Direction::from))
    }

    /// Initiative, when grouped by INITIATIVE.
    async fn initiative(&self, ctx: &Context<'_>) -> Result<Option<Initiative>> {
        let Some(id) = self.initiative_id else {
            return Ok(None);
        };
        Ok(load_by_id::<entity::initiatives::Entity>(ctx, id)
            .await?
            .map(Initiative::from))
    }
}

fn position<T: PartialEq>(dims: &[T], dim: T) -> Option<usize> {
    dims.iter().position(|d| *d == dim)
}

fn id_at(row: &GroupRow, index: Option<usize>) -> Option<i32> {
    index.and_then(|i| row.ids.get(i).copied().flatten())
}

fn text_at(row: &GroupRow, index: Option<usize>) -> Option<String> {
    index.and_then(|i| row.texts.get(i).cloned().flatten())
}

fn dedup<T: PartialEq + Copy>(dims: Vec<T>) -> Vec<T> {
    let mut out = Vec::new();
    for d in dims {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Counts and sums.
#[Object]
impl StatsQuery {
    /// Counts initiatives matching `filter`, grouped by the dimensions in `groupBy` (none: one
    /// group with the total). A list dimension (sector, prefecture, region, Indian state) puts an
    /// initiative in one group per linked row, so group counts can add up to more than the total.
    async fn initiative_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the counted initiatives must meet.")] filter: Option<
            InitiativeFilter,
        >,
        #[graphql(desc = "Dimensions to group by, in order.", default)] group_by: Vec<
            InitiativeGroupBy,
        >,
    ) -> Result<Vec<InitiativeGroup>> {
        let dims = dedup(group_by);
        let dimensions: Vec<Dimension> = dims.iter().map(|d| d.dimension()).collect();
        let filter = filter.map(|f| compile(&f)).transpose()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let rows = grouped(db, "initiatives", &dimensions, filter.as_ref(), None).await?;
        rows.iter()
            .map(|row| {
                let status = text_at(row, position(&dims, InitiativeGroupBy::Status))
                    .map(|w| stored(&w, domain::InitiativeStatus::from_word).map(Into::into))
                    .transpose()?;
                Ok(InitiativeGroup {
                    region: text_at(row, position(&dims, InitiativeGroupBy::Region)),
                    status,
                    count: row.count,
                    direction_id: id_at(row, position(&dims, InitiativeGroupBy::Direction)),
                    sector_id: id_at(row, position(&dims, InitiativeGroupBy::Sector)),
                    prefecture_id: id_at(row, position(&dims, InitiativeGroupBy::Prefecture)),
                    indian_state_id: id_at(row, position(&dims, InitiativeGroupBy::IndianState)),
                })
            })
            .collect()
    }

    /// Sums investment targets matching `filter` exactly, grouped by the dimensions in
    /// `groupBy`, which must include CURRENCY: amounts in different currencies do not add up.
    async fn investment_totals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the summed targets must meet.")] filter: Option<
            InvestmentTargetFilter,
        >,
        #[graphql(desc = "Dimensions to group by, in order; must include CURRENCY.")] group_by: Vec<
            InvestmentGroupBy,
        >,
    ) -> Result<Vec<InvestmentGroup>> {
        let dims = dedup(group_by);
        if !dims.contains(&InvestmentGroupBy::Currency) {
            return Err(AppError::bad_input(
                "groupBy",
                "group by CURRENCY: amounts in different currencies cannot be added",
            ));
        }
        let dimensions: Vec<Dimension> = dims.iter().map(|d| d.dimension()).collect();
        let filter = filter.map(|f| compile(&f)).transpose()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let rows = grouped(
            db,
            "investment_targets",
            &dimensions,
            filter.as_ref(),
            Some("amount"),
        )
        .await?;
        rows.iter()
            .map(|row| {
                let status = text_at(row, position(&dims, InvestmentGroupBy::Status))
                    .map(|w| stored(&w, domain::TargetStatus::from_word).map(Into::into))
                    .transpose()?;
                let kind = text_at(row, position(&dims, InvestmentGroupBy::Kind))
                    .map(|w| stored(&w, domain::TargetKind::from_word).map(Into::into))
                    .transpose()?;
                Ok(InvestmentGroup {
                    currency: text_at(row, position(&dims, InvestmentGroupBy::Currency)),
                    status,
                    kind,
                    count: row.count,
                    sum: BigInt(row.sum.unwrap_or_default()),
                    direction_id: id_at(row, position(&dims, InvestmentGroupBy::Direction)),
                    initiative_id: id_at(row, position(&dims, InvestmentGroupBy::Initiative)),
                })
            })
            .collect()
    }
}
