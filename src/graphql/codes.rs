//! Codes for the errors async-graphql raises itself: a document that does not parse, one that
//! does not validate, an argument or variable value it cannot coerce, and a request it cannot
//! run as asked. It leaves them without `extensions.code`, so a client could not tell them from
//! one another or from ours; the gateway gives each the code of its kind and leaves errors
//! that have one untouched.

use async_graphql::{ErrorExtensionValues, Response, ServerError};

/// The document is not GraphQL.
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The document asks for something the schema does not have, or breaks a validation rule.
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// An argument or variable value of the wrong type or range.
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// A request that cannot run as asked: a subscription sent where one answer is expected, an
/// operation name that names nothing.
pub const BAD_REQUEST: &str = "BAD_REQUEST";

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

/// Gives every error of `response` that has no code the code of its kind: an input error
/// `BAD_USER_INPUT`, a request refused before any field ran (no path) `BAD_REQUEST` when it
/// could not run as asked and `GRAPHQL_VALIDATION_FAILED` otherwise (validation is the only
/// other step that fails without a path). Parse errors are coded where they are found.
pub fn classify(response: &mut Response) {
    for error in &mut response.errors {
        if is_input_error(&error.message) {
            ensure_code(error, BAD_USER_INPUT);
        } else if error.path.is_empty() {
            let code = if is_request_error(&error.message) {
                BAD_REQUEST
            } else {
                GRAPHQL_VALIDATION_FAILED
            };
            ensure_code(error, code);
        }
    }
}

/// The messages async-graphql gives a request it cannot run as asked.
fn is_request_error(message: &str) -> bool {
    message.starts_with("Subscriptions are not supported")
        || message.starts_with("Unknown operation named")
        || message.starts_with("Operation name required")
}

/// A parse error, coded.
pub fn parse_failed(mut error: ServerError) -> ServerError {
    ensure_code(&mut error, GRAPHQL_PARSE_FAILED);
    error
}
