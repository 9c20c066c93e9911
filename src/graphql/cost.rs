//! Query cost limits: depth, aliases, root fields and a complexity score that multiplies by page
//! sizes. Checked once per request on the parsed document, before validation and execution, so a
//! refused request sends no SQL. A refusal is a single error with `extensions.code`
//! `QUERY_TOO_COMPLEX` and the numbers in `extensions.limit` and `extensions.actual`.
//!
//! How each measure counts (fragments and inline fragments are expanded where they are used):
//!
//! - **depth**: the deepest nesting of fields; `{ a { b } }` is 2. Fragments add no level.
//!   `ofType` does not count either: introspection's `TypeRef` nests it 7 or more times to unwrap
//!   list and non-null wrappers, it resolves one in-memory type per level and no fan-out, and
//!   counting it would refuse GraphiQL's own introspection query.
//! - **aliases**: fields written with an alias, counted once per use of the fragment they are in.
//! - **root fields**: distinct response keys at the top level of the operation.
//! - **complexity**: every field costs 1 plus its children; under a connection, `nodes` and `edges`
//!   cost their own selection once per item of the page: the field's `first` or `last` (variables
//!   resolved, clamped to the maximum page size, since larger pages are refused anyway), or the
//!   default page size. `nodes(ids:)` costs its selection once per id. A field counts as a
//!   connection when it selects `nodes` or `edges`: the schema has no other fields of those names
//!   below the root, and a connection selecting only `totalCount` or `pageInfo` fetches no items.
//!
//! `@skip`/`@include` are ignored: a request is measured as if everything it names runs.

use crate::config::Limits;
use crate::error::AppError;
use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Value as ConstValue, Variables};
use std::collections::{HashMap, HashSet};

/// What a request measures; each field is compared with its limit in [`check`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measure {
    pub depth: u64,
    pub aliases: u64,
    pub root_fields: u64,
    pub complexity: u64,
}

/// Refuses the operation `operation_name` selects when it exceeds a limit. A document whose
/// operation cannot be chosen passes: execution then reports that error itself.
pub fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    limits: &Limits,
) -> Result<(), AppError> {
    let Some(measure) = measure(document, operation_name, variables, limits) else {
        return Ok(());
    };
    let checks = [
        (
            "root field count",
            limits.max_root_fields.into(),
            measure.root_fields,
        ),
        ("alias count", limits.max_aliases.into(), measure.aliases),
        ("query depth", limits.max_depth.into(), measure.depth),
        (
            "query complexity",
            limits.max_complexity,
            measure.complexity,
        ),
    ];
    match checks.into_iter().find(|(_, limit, actual)| actual > limit) {
        Some((measure, limit, actual)) => Err(AppError::QueryTooComplex {
            measure,
            limit,
            actual,
        }),
        None => Ok(()),
    }
}

/// Measures the operation `operation_name` selects; `None` when there is no such operation.
pub fn measure(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    limits: &Limits,
) -> Option<Measure> {
    let (_, operation) = super::gateway::select(document, operation_name)?;
    let mut walk = Walk {
        document,
        variables,
        operation,
        limits,
        visiting: HashSet::new(),
        memo: HashMap::new(),
    };
    let tree = walk.set(&operation.selection_set.node, None);
    let mut keys = HashSet::new();
    let mut expanded = HashSet::new();
    walk.root_keys(&operation.selection_set.node, &mut keys, &mut expanded);
    Some(Measure {
        depth: tree.depth,
        aliases: tree.aliases,
        root_fields: keys.len() as u64,
        complexity: tree.cost,
    })
}

/// Depth, aliases and cost of a selection set.
#[derive(Clone, Copy, Debug, Default)]
struct Tree {
    depth: u64,
    aliases: u64,
    cost: u64,
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    operation: &'a OperationDefinition,
    limits: &'a Limits,
    /// Fragments being expanded: a cycle (which validation refuses later) must not recurse forever.
    visiting: HashSet<&'a str>,
    /// A fragment's measure depends only on it and the page size around it. Remembering it keeps
    /// a fragment that spreads another twice, nested n times, at n steps instead of 2ⁿ.
    memo: HashMap<(&'a str, Option<u64>), Tree>,
}

impl<'a> Walk<'a> {
    /// `page` is the page size when `set` is a connection's selection.
    fn set(&mut self, set: &'a SelectionSet, page: Option<u64>) -> Tree {
        let mut tree = Tree::default();
        for item in &set.items {
            let sub = match &item.node {
                Selection::Field(field) => self.field(&field.node, page),
                Selection::InlineFragment(inline) => {
                    self.set(&inline.node.selection_set.node, page)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str(), page)
                }
            };
            tree.depth = tree.depth.max(sub.depth);
            tree.aliases = tree.aliases.saturating_add(sub.aliases);
            tree.cost = tree.cost.saturating_add(sub.cost);
        }
        tree
    }

    fn fragment(&mut self, name: &'a str, page: Option<u64>) -> Tree {
        if let Some(tree) = self.memo.get(&(name, page)) {
            return *tree;
        }
        let Some(definition) = self.document.fragments.get(name) else {
            return Tree::default();
        };
        if !self.visiting.insert(name) {
            return Tree::default();
        }
        let tree = self.set(&definition.node.selection_set.node, page);
        self.visiting.remove(name);
        self.memo.insert((name, page), tree);
        tree
    }

    fn field(&mut self, field: &'a Field, page: Option<u64>) -> Tree {
        let name = field.name.node.as_str();
        let children = self.set(&field.selection_set.node, Some(self.page_size(field)));
        let times = match (name, page) {
            ("nodes" | "edges", Some(page)) => page,
            _ => self.id_count(field).unwrap_or(1),
        };
        Tree {
            depth: children.depth + u64::from(name != "ofType"),
            aliases: children
                .aliases
                .saturating_add(u64::from(field.alias.is_some())),
            cost: children.cost.saturating_mul(times).saturating_add(1),
        }
    }

    /// The page a field asks for: its `first` or `last` (the larger, should it give both, which
    /// the resolver refuses), else the default page size; never above the maximum page size.
    fn page_size(&self, field: &Field) -> u64 {
        let asked = ["first", "last"]
            .into_iter()
            .filter_map(|arg| match self.argument(field, arg)? {
                ConstValue::Number(n) => Some(n.as_i64().unwrap_or(i64::MAX).max(0)),
                _ => None,
            })
            .max();
        let size = match asked {
            Some(n) => u64::try_from(n).unwrap_or(0),
            None => self.limits.default_page_size.into(),
        };
        size.min(self.limits.max_page_size.into())
    }

    /// How many ids an `ids:` list argument names.
    fn id_count(&self, field: &Field) -> Option<u64> {
        match self.argument(field, "ids")? {
            ConstValue::List(ids) => Some(ids.len() as u64),
            _ => None,
        }
    }

    /// An argument's value with variables resolved (given, else the variable's default); `None`
    /// when absent or null.
    fn argument(&self, field: &Field, name: &str) -> Option<ConstValue> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
        // A variable the request leaves undefined reads as null, as execution would read it.
        let value = value
            .node
            .clone()
            .into_const_with(|var| {
                Ok::<_, std::convert::Infallible>(self.variable(&var).unwrap_or(ConstValue::Null))
            })
            .ok()?;
        (value != ConstValue::Null).then_some(value)
    }

    fn variable(&self, name: &Name) -> Option<ConstValue> {
        if let Some(value) = self.variables.get(name) {
            return Some(value.clone());
        }
        self.operation
            .variable_definitions
            .iter()
            .find(|def| def.node.name.node == *name)
            .and_then(|def| def.node.default_value.as_ref())
            .map(|value| value.node.clone())
    }

    /// Collects the response keys of the top level. A fragment is expanded once: expanding it
    /// again adds no key, and skipping it bounds the walk and ends cycles.
    fn root_keys(
        &self,
        set: &'a SelectionSet,
        keys: &mut HashSet<&'a str>,
        expanded: &mut HashSet<&'a str>,
    ) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    keys.insert(field.response_key().node.as_str());
                }
                Selection::InlineFragment(inline) => {
                    self.root_keys(&inline.node.selection_set.node, keys, expanded);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if expanded.insert(name)
                        && let Some(definition) = self.document.fragments.get(name)
                    {
                        self.root_keys(&definition.node.selection_set.node, keys, expanded);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn measured(query: &str, variables: serde_json::Value) -> Measure {
        let document = parse_query(query).expect("parses");
        measure(
            &document,
            None,
            &Variables::from_json(variables),
            &Limits::default(),
        )
        .expect("one operation")
    }

    #[test]
    fn depth_counts_through_fragments_but_not_of_type() {
        let m = measured(
            "query { a { ...F ... on T { b { c } } } } fragment F on T { d { e { f } } }",
            serde_json::json!({}),
        );
        assert_eq!(m.depth, 4, "a > d > e > f");
        let m = measured(
            "{ __type(name: \"X\") { ofType { ofType { ofType { kind } } } } }",
            serde_json::json!({}),
        );
        assert_eq!(m.depth, 2, "__type > kind");
    }

    #[test]
    fn connections_multiply_their_items_by_the_page_asked_for() {
        // inner: 1 + (1 + 3 × 1) = 5; nodes above it: 1 + 10 × 5 = 51; outer: 1 + 51 + 1 (pageInfo
        // counted once) + 1 (hasNextPage) = 54.
        let m = measured(
            "query($n: Int) { a(first: $n) { pageInfo { hasNextPage } nodes { b(last: 3) { edges { cursor } } } } }",
            serde_json::json!({ "n": 10 }),
        );
        assert_eq!(m.complexity, 54);
        // Omitted `first` is the default page size (50); over the maximum is clamped to 100.
        let m = measured("{ a { nodes { id } } }", serde_json::json!({}));
        assert_eq!(m.complexity, 1 + 1 + 50);
        let m = measured(
            "{ a(first: 100000) { nodes { id } } }",
            serde_json::json!({}),
        );
        assert_eq!(m.complexity, 1 + 1 + 100);
        // A variable's default applies when the request leaves it out.
        let m = measured(
            "query($n: Int = 7) { a(first: $n) { nodes { id } } }",
            serde_json::json!({}),
        );
        assert_eq!(m.complexity, 1 + 1 + 7);
    }

    #[test]
    fn aliases_count_per_use_and_root_fields_per_response_key() {
        let m = measured(
            "{ x: a { ...F } y: a { ...F } a a b { ...F } } fragment F on T { p: id q: id }",
            serde_json::json!({}),
        );
        assert_eq!(m.aliases, 2 + 3 * 2);
        assert_eq!(m.root_fields, 4, "x, y, a, b");
    }

    #[test]
    fn fragment_cycles_and_exponential_fragments_finish() {
        let m = measured(
            "{ ...A } fragment A on Q { a { ...B } } fragment B on T { b { ...A } }",
            serde_json::json!({}),
        );
        assert!(m.depth >= 2);
        // F0 spreads F1 twice, F1 spreads F2 twice, …: 2⁷⁰ uses of F70 if expanded naively.
        let mut query = String::from("{ ...F0 }");
        for i in 0..70 {
            query.push_str(&format!(
                " fragment F{i} on Q {{ a: x {{ ...F{next} }} b: x {{ ...F{next} }} }}",
                next = i + 1
            ));
        }
        query.push_str(" fragment F70 on Q { id }");
        let m = measured(&query, serde_json::json!({}));
        assert_eq!(m.aliases, u64::MAX, "saturates instead of overflowing");
        assert_eq!(m.depth, 71);
        assert_eq!(m.complexity, u64::MAX);
    }

    #[test]
    fn the_named_operation_is_the_one_measured() {
        let document = parse_query("query A { a } query B { a b c }").expect("parses");
        let limits = Limits::default();
        let vars = Variables::default();
        let root = |name| measure(&document, name, &vars, &limits).map(|m| m.root_fields);
        assert_eq!(root(Some("A")), Some(1));
        assert_eq!(root(Some("B")), Some(3));
        assert_eq!(root(None), None);
        // A lone named operation runs without a name, so it is measured without one too.
        let lone = parse_query("query B { a b c }").expect("parses");
        assert_eq!(
            measure(&lone, None, &vars, &limits).map(|m| m.root_fields),
            Some(3)
        );
    }
}
