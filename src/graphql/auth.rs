//! Who is calling: the transport attaches a [`Caller`] to each request, resolvers check roles.

use crate::auth::Principal;
use crate::domain::Role;
use crate::error::{AppError, Result};
use async_graphql::Context;

/// The authenticated caller of a request, attached by the transport (HTTP handler, WebSocket
/// `connection_init`, SSE handler). Anonymous when no token was sent.
#[derive(Clone, Debug, Default)]
pub struct Caller(pub Option<Principal>);

/// The caller, if it may write: UNAUTHENTICATED without a token, FORBIDDEN for a viewer.
pub fn require_editor(ctx: &Context<'_>) -> Result<Principal> {
    let caller = ctx.data_opt::<Caller>().and_then(|c| c.0.clone());
    let Some(principal) = caller else {
        return Err(AppError::Unauthenticated);
    };
    match principal.role {
        Role::Editor | Role::Admin => Ok(principal),
        Role::Viewer => Err(AppError::Forbidden(format!(
            "token {:?} has the viewer role; writes need editor or admin",
            principal.name
        ))),
    }
}
