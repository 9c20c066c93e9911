//! The one error type of the request path and its mapping to GraphQL `extensions.code` and
//! HTTP status, in one exhaustive match.
//!
//! Rule: `db/` returns `sea_orm::DbErr`; resolvers turn those into [`AppError::Internal`] (logged,
//! masked) and their own checks into the client-facing variants. Nothing below the GraphQL layer
//! decides what a client sees.

use async_graphql::ErrorExtensions;

/// Errors a request can end in.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The client sent something invalid; `field` names the argument or input field.
    #[error("{message}")]
    BadUserInput {
        message: String,
        field: Option<String>,
    },
    /// A slug or id names nothing.
    #[error("{0}")]
    NotFound(String),
    /// The write would duplicate something that must be unique.
    #[error("{0}")]
    Conflict(String),
    /// No token, or a token that is unknown or revoked.
    #[error("a valid bearer token is required")]
    Unauthenticated,
    /// The token's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The request exceeds a query limit (depth, aliases, root fields or complexity); refused
    /// before anything runs. `measure` names the limit, as the message says it.
    #[error("{measure} {actual} exceeds the limit of {limit}")]
    QueryTooComplex {
        measure: &'static str,
        limit: u64,
        actual: u64,
    },
    /// Anything else: logged in full, shown to clients as "internal error".
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// Result alias for the request path.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    /// An invalid argument or input field.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// The machine-readable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Conflict(_) => "CONFLICT",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::QueryTooComplex { .. } => "QUERY_TOO_COMPLEX",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The HTTP status for a transport that answers with one error (not GraphQL responses,
    /// which carry errors in the body).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::BadUserInput { .. } => 400,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::Unauthenticated => 401,
            Self::Forbidden(_) => 403,
            Self::QueryTooComplex { .. } => 400,
            Self::Internal(_) => 500,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Internal(anyhow::Error::new(error))
    }
}

impl From<std::sync::Arc<sea_orm::DbErr>> for AppError {
    fn from(error: std::sync::Arc<sea_orm::DbErr>) -> Self {
        Self::Internal(anyhow::anyhow!("{error}"))
    }
}

impl From<async_graphql::Error> for AppError {
    /// Errors async-graphql hands us (such as missing context data) are server faults.
    fn from(error: async_graphql::Error) -> Self {
        Self::Internal(anyhow::anyhow!(error.message))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        if let AppError::Internal(inner) = &error {
            // The driver's text may name tables or values: it goes to the log only. `{:#}` is the
            // message with its causes; `{:?}` would add the backtrace anyhow captures when
            // RUST_BACKTRACE is set, and symbolising one parses the binary's debug information,
            // which the standard library then keeps: ~100 MB of resident memory from the first
            // internal error on (and milliseconds per error).
            tracing::error!(error = %format_args!("{inner:#}"), "internal error while resolving a request");
        }
        let code = error.code();
        let field = match &error {
            AppError::BadUserInput { field, .. } => field.clone(),
            _ => None,
        };
        // Clients that back off (smaller pages, fewer aliases) need the numbers, not only the text.
        let exceeded = match &error {
            AppError::QueryTooComplex { limit, actual, .. } => Some((*limit, *actual)),
            _ => None,
        };
        async_graphql::Error::new(error.to_string()).extend_with(|_, extensions| {
            extensions.set("code", code);
            if let Some(field) = &field {
                extensions.set("field", field.as_str());
            }
            if let Some((limit, actual)) = exceeded {
                extensions.set("limit", limit);
                extensions.set("actual", actual);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(error: AppError) -> (String, Option<String>, String) {
        let message = error.to_string();
        let gql: async_graphql::Error = error.into();
        let ext = gql.extensions.expect("extensions are set");
        let code = ext.get("code").map(|v| v.to_string()).unwrap_or_default();
        let field = ext.get("field").map(|v| v.to_string());
        (code.trim_matches('"').to_string(), field, message)
    }

    #[test]
    fn every_variant_maps_to_its_code_and_status() {
        let cases = [
            (
                AppError::bad_input("first", "too big"),
                "BAD_USER_INPUT",
                400,
            ),
            (AppError::NotFound("no sector".into()), "NOT_FOUND", 404),
            (AppError::Conflict("dup".into()), "CONFLICT", 409),
            (AppError::Unauthenticated, "UNAUTHENTICATED", 401),
            (AppError::Forbidden("viewer".into()), "FORBIDDEN", 403),
            (
                AppError::QueryTooComplex {
                    measure: "query depth",
                    limit: 12,
                    actual: 14,
                },
                "QUERY_TOO_COMPLEX",
                400,
            ),
            (AppError::Internal(anyhow::anyhow!("x")), "INTERNAL", 500),
        ];
        for (error, code, status) in cases {
            assert_eq!(error.http_status(), status);
            assert_eq!(code_of(error).0, code);
        }
    }

    #[test]
    fn bad_input_names_the_field() {
        let (_, field, _) = code_of(AppError::bad_input("first", "too big"));
        assert_eq!(field.as_deref(), Some("\"first\""));
    }

    #[test]
    fn query_too_complex_carries_limit_and_actual() {
        let gql: async_graphql::Error = AppError::QueryTooComplex {
            measure: "query depth",
            limit: 12,
            actual: 14,
        }
        .into();
        assert_eq!(gql.message, "query depth 14 exceeds the limit of 12");
        let ext = gql.extensions.expect("extensions are set");
        assert_eq!(
            ext.get("limit").map(ToString::to_string).as_deref(),
            Some("12")
        );
        assert_eq!(
            ext.get("actual").map(ToString::to_string).as_deref(),
            Some("14")
        );
    }

    #[test]
    fn internal_errors_hide_the_driver_text() {
        let error = AppError::from(sea_orm::DbErr::Custom("relation \"secret\" missing".into()));
        let (code, _, message) = code_of(error);
        assert_eq!(code, "INTERNAL");
        assert_eq!(message, "internal error");
    }
}
