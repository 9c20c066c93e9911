//! `MutationRoot`: every write. Each mutation needs an editor or admin token, validates its
//! input (BAD_USER_INPUT naming the field), runs in one transaction that also appends to the
//! initiative event log, and wakes subscribers after it commits.

mod initiative;
mod participant;
mod records;
mod write;

pub use initiative::*;
pub use participant::*;
pub use records::*;

use async_graphql::MergedObject;

/// Writes to the partnership graph.
#[derive(MergedObject, Default)]
pub struct MutationRoot(InitiativeMutation, ParticipantMutation, RecordMutation);
