//! The introspection switch. async-graphql's `disable_introspection` alone answers `__schema`
//! and `__type` with `null` and no error, which a client cannot tell from an empty schema; the
//! gateway turns them into an error that says why. `__typename` is untouched: clients (Apollo's
//! cache among them) add it to every selection.

/// The `extensions.code` of an introspection query refused by `--introspection disabled`.
pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";
