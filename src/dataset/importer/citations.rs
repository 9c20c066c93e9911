//! Citation tables: which sources back each record, each participation and each governor
//! mention. Only pairs the file states are written; stored pairs are kept.

use super::Written;
use super::links::{link, pairs};
use crate::dataset::error::ImportError;
use crate::dataset::model::{Dataset, Party};
use crate::dataset::report::ImportReport;
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;

/// Every `*_sources` table.
pub(super) async fn write<C: ConnectionTrait>(
    db: &C,
    dataset: &Dataset,
    w: &Written,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let cited = pairs(&dataset.directions, &w.directions, &w.sources, |d| {
        (&d.id, &d.source_ids)
    })?;
    link::<direction_sources::Entity, _>(
        db,
        cited,
        |direction_id, source_id| direction_sources::ActiveModel {
            direction_id: Set(direction_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await?;
    // Participants' own citations have no table yet; the schema keeps them per initiative only.
    let cited = pairs(&dataset.initiatives, &w.initiatives, &w.sources, |i| {
        (&i.id, &i.source_ids)
    })?;
    link::<initiative_sources::Entity, _>(
        db,
        cited,
        |initiative_id, source_id| initiative_sources::ActiveModel {
            initiative_id: Set(initiative_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await?;
    let cited = pairs(&dataset.prefectures, &w.prefectures, &w.sources, |p| {
        (&p.id, &p.reference_source_ids)
    })?;
    link::<prefecture_sources::Entity, _>(
        db,
        cited,
        |prefecture_id, source_id| prefecture_sources::ActiveModel {
            prefecture_id: Set(prefecture_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await?;
    let cited = pairs(&dataset.indian_states, &w.indian_states, &w.sources, |s| {
        (&s.id, &s.reference_source_ids)
    })?;
    link::<indian_state_sources::Entity, _>(
        db,
        cited,
        |indian_state_id, source_id| indian_state_sources::ActiveModel {
            indian_state_id: Set(indian_state_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await?;
    let cited = pairs(&dataset.partnerships, &w.partnerships, &w.sources, |p| {
        (&p.id, &p.source_ids)
    })?;
    link::<partnership_sources::Entity, _>(
        db,
        cited,
        |partnership_id, source_id| partnership_sources::ActiveModel {
            partnership_id: Set(partnership_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await?;
    let cited = pairs(
        &dataset.investment_targets,
        &w.investment_targets,
        &w.sources,
        |t| (&t.id, &t.source_ids),
    )?;
    link::<investment_target_sources::Entity, _>(
        db,
        cited,
        |investment_target_id, source_id| investment_target_sources::ActiveModel {
            investment_target_id: Set(investment_target_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await?;
    let cited = pairs(&dataset.events, &w.events, &w.sources, |e| {
        (&e.id, &e.source_ids)
    })?;
    link::<event_sources::Entity, _>(
        db,
        cited,
        |event_id, source_id| event_sources::ActiveModel {
            event_id: Set(event_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await?;

    // Participants and governor mentions have no slug: resolve them by their natural keys.
    let mut cited = Vec::new();
    for e in &dataset.events {
        let event_id = w.events.id(e.id.as_str())?;
        for p in &e.participants {
            let key = match &p.party {
                Party::Prefecture(slug) => (event_id, Some(w.prefectures.id(slug.as_str())?), None),
                Party::IndianState(slug) => {
                    (event_id, None, Some(w.indian_states.id(slug.as_str())?))
                }
            };
            let participant_id = w.event_participants.id(&key)?;
            for source in &p.source_ids {
                cited.push((participant_id, w.sources.id(source.as_str())?));
            }
        }
    }
    link::<event_participant_sources::Entity, _>(
        db,
        cited,
        |event_participant_id, source_id| event_participant_sources::ActiveModel {
            event_participant_id: Set(event_participant_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await?;
    let mut cited = Vec::new();
    for p in &dataset.prefectures {
        let prefecture_id = w.prefectures.id(p.id.as_str())?;
        for (position, g) in (0..).zip(&p.governor_mentions) {
            let mention_id = w.governor_mentions.id(&(prefecture_id, position))?;
            for source in &g.source_ids {
                cited.push((mention_id, w.sources.id(source.as_str())?));
            }
        }
    }
    link::<governor_mention_sources::Entity, _>(
        db,
        cited,
        |governor_mention_id, source_id| governor_mention_sources::ActiveModel {
            governor_mention_id: Set(governor_mention_id),
            source_id: Set(source_id),
        },
        report,
    )
    .await
}
