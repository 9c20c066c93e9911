//! Link and citation tables. Only pairs the file states are written; pairs already stored,
//! including ones an editor added, are kept.

use super::Written;
use super::upsert::{Upserted, upsert};
use crate::dataset::error::ImportError;
use crate::dataset::model::{Dataset, Party};
use crate::dataset::report::ImportReport;
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;

/// The relation recorded for an initiative's `announced_at_event_id`.
const ANNOUNCED: &str = "announced";

/// Resolves `(owner slug, target slugs)` lists into id pairs.
pub(super) fn pairs<'a, T: 'a>(
    items: impl IntoIterator<Item = &'a T>,
    owners: &Upserted<String>,
    targets: &Upserted<String>,
    each: impl Fn(&'a T) -> (&'a str, &'a [String]),
) -> Result<Vec<(i32, i32)>, ImportError> {
    let mut pairs = Vec::new();
    for item in items {
        let (owner, linked) = each(item);
        let owner = owners.id(owner)?;
        for target in linked {
            pairs.push((owner, targets.id(target.as_str())?));
        }
    }
    Ok(pairs)
}

/// Writes a two-column link table from id pairs.
pub(super) async fn link<E, C>(
    db: &C,
    pairs: Vec<(i32, i32)>,
    row: impl Fn(i32, i32) -> E::ActiveModel,
    report: &mut ImportReport,
) -> Result<(), ImportError>
where
    C: ConnectionTrait,
    E: super::upsert::Keyed<Key = (i32, i32)>,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: sea_orm::ActiveModelBehavior + Send,
{
    let rows = pairs
        .into_iter()
        .map(|(a, b)| ((a, b), row(a, b)))
        .collect();
    upsert::<E, C>(db, rows, |_| {}, report).await?;
    Ok(())
}

pub(super) async fn write<C: ConnectionTrait>(
    db: &C,
    dataset: &Dataset,
    w: &Written,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let initiatives = &dataset.initiatives;
    let sectors = pairs(initiatives, &w.initiatives, &w.sectors, |i| {
        (&i.id, &i.sector_ids)
    })?;
    link::<initiative_sectors::Entity, _>(
        db,
        sectors,
        |initiative_id, sector_id| initiative_sectors::ActiveModel {
            initiative_id: Set(initiative_id),
            sector_id: Set(sector_id),
        },
        report,
    )
    .await?;
    participants(db, dataset, w, report).await?;

    let mut announced = Vec::new();
    for i in initiatives {
        if let Some(event) = &i.announced_at_event_id {
            let key = (
                w.events.id(event.as_str())?,
                w.initiatives.id(i.id.as_str())?,
            );
            let row = event_initiatives::ActiveModel {
                event_id: Set(key.0),
                initiative_id: Set(key.1),
                relation: Set(ANNOUNCED.to_owned()),
            };
            announced.push((key, row));
        }
    }
    upsert::<event_initiatives::Entity, _>(db, announced, |_| {}, report).await?;

    let partnerships = &dataset.partnerships;
    let prefectures = pairs(partnerships, &w.partnerships, &w.prefectures, |p| {
        (&p.id, &p.prefecture_ids)
    })?;
    link::<partnership_prefectures::Entity, _>(
        db,
        prefectures,
        |partnership_id, prefecture_id| partnership_prefectures::ActiveModel {
            partnership_id: Set(partnership_id),
            prefecture_id: Set(prefecture_id),
        },
        report,
    )
    .await?;
    let events = pairs(partnerships, &w.partnerships, &w.events, |p| {
        (&p.id, &p.event_ids)
    })?;
    link::<partnership_events::Entity, _>(
        db,
        events,
        |partnership_id, event_id| partnership_events::ActiveModel {
            partnership_id: Set(partnership_id),
            event_id: Set(event_id),
        },
        report,
    )
    .await?;

    Ok(())
}

/// Initiative participants, split by kind of party into their two tables.
async fn participants<C: ConnectionTrait>(
    db: &C,
    dataset: &Dataset,
    w: &Written,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let mut prefectures = Vec::new();
    let mut states = Vec::new();
    for p in &dataset.initiative_participants {
        let initiative_id = w.initiatives.id(p.initiative_id.as_str())?;
        match &p.party {
            Party::Prefecture(slug) => {
                let prefecture_id = w.prefectures.id(slug.as_str())?;
                let row = initiative_prefectures::ActiveModel {
                    initiative_id: Set(initiative_id),
                    prefecture_id: Set(prefecture_id),
                    role: Set(p.role.clone()),
                    note: Set(p.note.clone()),
                };
                prefectures.push(((initiative_id, prefecture_id), row));
            }
            Party::IndianState(slug) => {
                let indian_state_id = w.indian_states.id(slug.as_str())?;
                let row = initiative_indian_states::ActiveModel {
                    initiative_id: Set(initiative_id),
                    indian_state_id: Set(indian_state_id),
                    role: Set(p.role.clone()),
                    note: Set(p.note.clone()),
                };
                states.push(((initiative_id, indian_state_id), row));
            }
        }
    }
    upsert::<initiative_prefectures::Entity, _>(db, prefectures, |_| {}, report).await?;
    upsert::<initiative_indian_states::Entity, _>(db, states, |_| {}, report).await?;
    Ok(())
}
