//! sea-orm entities for every table of the Kizuna schema.
//!
//! Entities carry no GraphQL and no logic: `graphql/types` maps them to the public API, so a
//! migration cannot change the API by accident. Enumerated values are stored as text and
//! validated by the domain layer (`kizuna::domain`).

pub mod api_tokens;
pub mod direction_sources;
pub mod directions;
pub mod event_initiatives;
pub mod event_log_head;
pub mod event_participant_sources;
pub mod event_participants;
pub mod event_sources;
pub mod events;
pub mod governor_mention_sources;
pub mod governor_mentions;
pub mod indian_state_sources;
pub mod indian_states;
pub mod initiative_events;
pub mod initiative_figures;
pub mod initiative_indian_states;
pub mod initiative_prefectures;
pub mod initiative_sectors;
pub mod initiative_sources;
pub mod initiatives;
pub mod investment_target_sources;
pub mod investment_targets;
pub mod partnership_events;
pub mod partnership_prefectures;
pub mod partnership_renewals;
pub mod partnership_sources;
pub mod partnerships;
pub mod prefecture_sources;
pub mod prefectures;
pub mod sectors;
pub mod sources;
