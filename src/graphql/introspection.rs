//! The introspection switch. async-graphql's `disable_introspection` alone answers `__schema`
//! and `__type` with `null` and no error, which a client cannot tell from an empty schema; this
//! extension turns them into an error that says why. `__typename` is untouched: clients (Apollo's
//! cache among them) add it to every selection.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, Value};
use std::sync::Arc;

/// The `extensions.code` of an introspection query refused by `--introspection disabled`.
pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";

/// Refuses the introspection root fields; installed only when introspection is disabled.
pub(crate) struct RefuseIntrospection;

impl ExtensionFactory for RefuseIntrospection {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RefuseIntrospection)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for RefuseIntrospection {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // `__schema` and `__type` exist only on the query root, so top-level fields suffice
        // (fragments spread at the root are still top-level here).
        if info.path_node.parent.is_none() && matches!(info.name, "__schema" | "__type") {
            let mut error = ServerError::new(
                "introspection is disabled on this server",
                Some(info.field.name.pos),
            );
            let mut extensions = ErrorExtensionValues::default();
            extensions.set("code", INTROSPECTION_DISABLED);
            error.extensions = Some(extensions);
            error.path = vec![async_graphql::PathSegment::Field(info.name.to_owned())];
            return Err(error);
        }
        next.run(ctx, info).await
    }
}
