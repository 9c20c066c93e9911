//! Text arguments may not hold the NUL character. PostgreSQL cannot store it in text (a value
//! holding it fails the statement, which a client would see as an internal error) and SQLite
//! cuts text at it, so the two databases would answer the same request differently. It is
//! refused with BAD_USER_INPUT before anything runs, wherever it appears: a literal, a
//! variable, a variable's default. Only arguments that clean their own text are let through.

use crate::error::AppError;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, Value as ConstValue, Variables};
use std::collections::HashSet;

fn const_has_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(text) => text.contains('\0'),
        ConstValue::List(items) => items.iter().any(const_has_nul),
        ConstValue::Object(fields) => fields
            .iter()
            .any(|(name, value)| name.contains('\0') || const_has_nul(value)),
        _ => false,
    }
}

/// Arguments that clean their own text and so may receive NUL: `search(query:)` reads control
/// characters as spaces (see `graphql::search`).
fn cleans_its_own_text(field: &str, argument: &str) -> bool {
    field == "search" && argument == "query"
}

/// True when an argument literal in `set` holds NUL; collects the variables arguments use.
fn selections_have_nul(set: &SelectionSet, used: &mut HashSet<String>) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => {
            let field = &field.node;
            field.arguments.iter().any(|(name, value)| {
                if cleans_its_own_text(&field.name.node, &name.node) {
                    return false;
                }
                // Variables stand in as null here; their values are checked below.
                let literal = value.node.clone().into_const_with(|variable| {
                    used.insert(variable.to_string());
                    Ok::<_, std::convert::Infallible>(ConstValue::Null)
                });
                literal.is_ok_and(|literal| const_has_nul(&literal))
            }) || selections_have_nul(&field.selection_set.node, used)
        }
        Selection::InlineFragment(fragment) => {
            selections_have_nul(&fragment.node.selection_set.node, used)
        }
        Selection::FragmentSpread(_) => false,
    })
}

/// True when an argument of the document, or a variable (given or defaulted) an argument uses,
/// holds NUL.
pub fn has_nul(document: &ExecutableDocument, variables: &Variables) -> bool {
    let mut used = HashSet::new();
    let in_literals =
        document.operations.iter().any(|(_, operation)| {
            selections_have_nul(&operation.node.selection_set.node, &mut used)
        }) || document
            .fragments
            .values()
            .any(|fragment| selections_have_nul(&fragment.node.selection_set.node, &mut used));
    let in_defaults = document.operations.iter().any(|(_, operation)| {
        operation
            .node
            .variable_definitions
            .iter()
            .any(|definition| {
                used.contains(definition.node.name.node.as_str())
                    && definition
                        .node
                        .default_value
                        .as_ref()
                        .is_some_and(|value| const_has_nul(&value.node))
            })
    });
    in_literals
        || in_defaults
        || variables
            .iter()
            .any(|(name, value)| used.contains(name.as_str()) && const_has_nul(value))
}

/// The refusal of a request whose text arguments hold NUL.
pub fn nul_refused() -> ServerError {
    let error = async_graphql::Error::from(AppError::BadUserInput {
        message: "text arguments may not contain the NUL character (U+0000)".into(),
        field: None,
    });
    let mut server = ServerError::new(error.message, None);
    server.extensions = error.extensions;
    server
}
