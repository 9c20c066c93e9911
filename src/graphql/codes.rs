//! Codes for the errors async-graphql raises itself: a document that does not parse, one that
//! does not validate, an argument or variable value it cannot coerce, and a request it cannot
//! run as asked. It leaves them without `extensions.code`, so a client could not tell them from
//! one another or from ours; this extension gives each the code of its kind and leaves errors
//! that have one untouched.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    ErrorExtensionValues, Response, ServerError, ServerResult, ValidationResult, Variables,
};
use std::sync::Arc;

/// The document is not GraphQL.
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The document asks for something the schema does not have, or breaks a validation rule.
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// An argument or variable value of the wrong type or range.
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// A request that cannot run as asked: a subscription sent where one answer is expected, an
/// operation name that names nothing.
pub const BAD_REQUEST: &str = "BAD_REQUEST";

/// Registered first, so it sees the errors of every other extension.
pub(crate) struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

/// Sets `code` on `error` unless it already has one.
fn ensure_code(error: &mut ServerError, code: &str) {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
}

/// True for the messages async-graphql gives a value it cannot coerce to an argument's type, or
/// a variable the request does not define: the client's input, not our fault.
fn is_input_error(message: &str) -> bool {
    message.starts_with("Failed to parse")
        || message.starts_with("Expected input type")
        || message.starts_with("Invalid value")
        || (message.starts_with("Variable ") && message.ends_with(" is not defined."))
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut error| {
            ensure_code(&mut error, GRAPHQL_PARSE_FAILED);
            error
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            for error in &mut errors {
                let code = if is_input_error(&error.message) {
                    BAD_USER_INPUT
                } else {
                    GRAPHQL_VALIDATION_FAILED
                };
                ensure_code(error, code);
            }
            errors
        })
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in &mut response.errors {
            if is_input_error(&error.message) {
                ensure_code(error, BAD_USER_INPUT);
            } else if error.path.is_empty() {
                // Refused before any field ran: a subscription over a transport that answers
                // once, an unknown or missing operation name.
                ensure_code(error, BAD_REQUEST);
            }
        }
        response
    }
}
