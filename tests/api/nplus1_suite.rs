//! The N+1 suite: every relation of the schema, walked two levels deep from every root
//! connection, must cost the same number of SQL statements on the shipped dataset and on one ten
//! times its size (`kizuna generate --scale 10`). A second test introspects the schema and fails
//! when it has a relation the walk does not cover, so a new relation cannot escape the suite.

use crate::helpers::{Backend, TestDb, db_test};
use async_graphql::parser::types::{Selection, SelectionSet};
use kizuna::AppState;
use kizuna::config::Limits;
use kizuna::dataset::Dataset;
use kizuna::metrics::Metrics;
use kizuna::startup::prepare_database;
use kizuna::state::Access;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

/// A relation field of an object type, as the walk selects it.
#[derive(Clone, Copy, Debug)]
enum Rel {
    /// A connection: `field(first: 100) { totalCount nodes { id … } }`, leading to a type.
    Many(&'static str, &'static str),
    /// A to-one field: `field { id … }`, leading to a type.
    One(&'static str, &'static str),
    /// A value looked up through a loader, with the arguments it needs: `field(args)`.
    Lookup(&'static str, &'static str),
}

use Rel::{Lookup, Many, One};

/// Every relation of every object type. The coverage test below compares this walk with the
/// schema, so a relation added to the schema fails it until it is listed here.
const RELATIONS: &[(&str, &[Rel])] = &[
    (
        "Direction",
        &[Many("initiatives", "Initiative"), Many("sources", "Source")],
    ),
    (
        "Initiative",
        &[
            One("direction", "Direction"),
            One("announcedAt", "Event"),
            Many("sectors", "Sector"),
            Many("prefectures", "Prefecture"),
            Many("indianStates", "IndianState"),
            Many("investmentTargets", "InvestmentTarget"),
            Many("events", "Event"),
            Many("sources", "Source"),
            Many("figures", "InitiativeFigure"),
            Many("history", "InitiativeEvent"),
        ],
    ),
    (
        "Sector",
        &[
            One("parent", "Sector"),
            Many("children", "Sector"),
            Many("initiatives", "Initiative"),
        ],
    ),
    (
        "Prefecture",
        &[
            Many("initiatives", "Initiative"),
            Many("partnerships", "Partnership"),
            Many("events", "Event"),
            Many("governorMentions", "GovernorMention"),
            Many("sources", "Source"),
            // The governors' meeting, where the shipped data records prefectures' attendance.
            Lookup(
                "attendance",
                r#"(event: "ev-2025-08-30-governors-meeting")"#,
            ),
        ],
    ),
    (
        "IndianState",
        &[
            Many("initiatives", "Initiative"),
            Many("partnerships", "Partnership"),
            Many("events", "Event"),
            Many("sources", "Source"),
            // Delhi's friendship agreement with Fukuoka: a state with a recorded attendance.
            Lookup("attendance", r#"(event: "ev-2007-fukuoka-delhi")"#),
        ],
    ),
    (
        "Partnership",
        &[
            One("indianState", "IndianState"),
            One("prefecture", "Prefecture"),
            Many("prefectures", "Prefecture"),
            Many("renewals", "PartnershipRenewal"),
            Many("events", "Event"),
            Many("sources", "Source"),
        ],
    ),
    (
        "InvestmentTarget",
        &[
            One("initiative", "Initiative"),
            One("announcedAt", "Event"),
            Many("sources", "Source"),
        ],
    ),
    (
        "Event",
        &[
            Many("initiatives", "Initiative"),
            Many("prefectures", "Prefecture"),
            Many("indianStates", "IndianState"),
            Many("participants", "EventParticipant"),
            Many("sources", "Source"),
        ],
    ),
    (
        "EventParticipant",
        &[
            One("event", "Event"),
            One("prefecture", "Prefecture"),
            One("indianState", "IndianState"),
            Many("sources", "Source"),
        ],
    ),
    (
        "GovernorMention",
        &[One("prefecture", "Prefecture"), Many("sources", "Source")],
    ),
    ("InitiativeFigure", &[One("initiative", "Initiative")]),
    (
        "InitiativeEvent",
        &[One("initiative", "Initiative"), One("event", "Event")],
    ),
    ("PartnershipRenewal", &[One("partnership", "Partnership")]),
    ("Source", &[]),
];

/// The root connections the walks start from, with their node types.
const ROOTS: &[(&str, &str)] = &[
    ("directions", "Direction"),
    ("initiatives", "Initiative"),
    ("sectors", "Sector"),
    ("prefectures", "Prefecture"),
    ("indianStates", "IndianState"),
    ("partnerships", "Partnership"),
    ("investmentTargets", "InvestmentTarget"),
    ("events", "Event"),
    ("sources", "Source"),
    ("initiativeEvents", "InitiativeEvent"),
];

/// Relation levels below each root's nodes: the root's relations, then theirs.
const DEPTH: usize = 2;

/// Relations the data leaves empty on both sizes, so the walk cannot see rows through them:
/// the dataset format has no sector hierarchy. Their loaders still run (or are skipped for null
/// keys) the same way on both sizes.
const EMPTY_IN_THE_DATA: &[(&str, &str)] = &[("Sector", "parent"), ("Sector", "children")];

/// The seed of the large graph; any seed would do, a fixed one keeps failures reproducible.
const SEED: u64 = 1;

fn relations(type_name: &str) -> &'static [Rel] {
    RELATIONS
        .iter()
        .find(|(name, _)| *name == type_name)
        .map_or(&[], |(_, rels)| rels)
}

/// The selection of one relation, with its target's relations `depth - 1` levels further down.
fn rel_selection(rel: Rel, depth: usize) -> String {
    match rel {
        Many(field, target) => format!(
            "{field}(first: 100) {{ totalCount nodes {{ {} }} }}",
            selection(target, depth - 1)
        ),
        One(field, target) => format!("{field} {{ {} }}", selection(target, depth - 1)),
        Lookup(field, args) => format!("{field}{args}"),
    }
}

/// The selection on a node of `type_name`: its id and, `depth` levels down, its relations.
fn selection(type_name: &str, depth: usize) -> String {
    let mut out = String::from("id");
    if depth > 0 {
        for rel in relations(type_name) {
            out.push(' ');
            out.push_str(&rel_selection(*rel, depth));
        }
    }
    out
}

/// How many relation fields a selection `depth` levels deep below `rel` holds, `rel` included.
fn relation_count(rel: Rel, depth: usize) -> usize {
    match rel {
        Many(_, target) | One(_, target) if depth > 1 => {
            1 + relations(target)
                .iter()
                .map(|r| relation_count(*r, depth - 1))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// The walk from one root connection, one query per relation of the root's nodes, each with
/// its target's relations below it: together they select every relation `DEPTH` levels deep.
///
/// One query per first-level relation, rather than one query for the whole walk, because the
/// DataLoaders are per entity, not per relation: in one query, `Initiative.prefectures` and
/// `Event.prefectures` (under `Initiative.events`) share a loader on adjacent levels, and the
/// second level's keys sometimes join the first level's batch before it is taken, splitting the
/// second level's load in two. That costs a statement or three more at random, on any size;
/// queries with one first-level relation cannot race that way, so their counts are exact.
/// Returns each query with the number of relation fields it selects.
fn walks(root: &str, type_name: &str) -> Vec<(String, usize)> {
    let query = |selection: &str| {
        format!("{{ {root}(first: 100) {{ totalCount nodes {{ id {selection} }} }} }}")
    };
    let rels = relations(type_name);
    if rels.is_empty() {
        return vec![(query(""), 0)];
    }
    rels.iter()
        .map(|rel| {
            (
                query(&rel_selection(*rel, DEPTH)),
                relation_count(*rel, DEPTH),
            )
        })
        .collect()
}

/// Objects with an id anywhere in a response: the rows the walk returned.
fn rows(value: &Value) -> usize {
    match value {
        Value::Object(map) => {
            usize::from(map.contains_key("id")) + map.values().map(rows).sum::<usize>()
        }
        Value::Array(items) => items.iter().map(rows).sum(),
        _ => 0,
    }
}

/// Records the relations that returned something in `node` (of `type_name`), `depth` levels
/// down, following the selection [`walks`] built.
fn seen(node: &Value, type_name: &str, depth: usize, out: &mut BTreeSet<(String, String)>) {
    if depth == 0 {
        return;
    }
    for rel in relations(type_name) {
        let (field, next) = match *rel {
            Many(field, target) => (field, Some(target)),
            One(field, target) => (field, Some(target)),
            Lookup(field, _) => (field, None),
        };
        let value = &node[field];
        let children: Vec<&Value> = match rel {
            Many(..) => value["nodes"].as_array().map(|n| n.iter().collect()),
            _ => (!value.is_null()).then(|| vec![value]),
        }
        .unwrap_or_default();
        if !children.is_empty() {
            out.insert((type_name.to_owned(), field.to_owned()));
        }
        if let Some(next) = next {
            for child in children {
                seen(child, next, depth - 1, out);
            }
        }
    }
}

/// One database and an app over it, built after the data is in.
struct Graph {
    state: AppState,
    metrics: Arc<Metrics>,
    /// Dropped after the app, which holds connections to it.
    _db: TestDb,
}

impl Graph {
    /// The shipped dataset (which is `kizuna generate --scale 1`), plus `extra` imported on top.
    async fn build(backend: Backend, extra: Option<&Dataset>) -> Option<Graph> {
        let db = TestDb::create(backend).await?;
        let metrics = Arc::new(Metrics::default());
        let (conn, loaded) = prepare_database(&db.url, 5, metrics.clone())
            .await
            .expect("database prepared");
        assert!(
            loaded.is_some(),
            "a fresh database gets the shipped dataset"
        );
        if let Some(extra) = extra {
            kizuna::dataset::import(&conn, extra)
                .await
                .expect("generated dataset imported");
        }
        // A wide batching window, so that a loaded machine cannot split one level into two
        // batches: the count is then a property of the query alone. At scale 10 a debug build
        // spends a noticeable fraction of a second enqueueing one level's thousands of keys, so
        // the window is wider than the simple N+1 test's. The app is built after the import, so
        // no notification of it reaches the PostgreSQL listener during a walk.
        // The walk selects every relation at full pages in one request, far over the default
        // complexity limit; statement counts, not cost limits, are what this suite tests.
        let limits = Limits {
            batch_delay_ms: 600,
            max_complexity: u64::MAX,
            ..Limits::default()
        };
        let state = AppState::build(conn, metrics.clone(), limits, Access::default())
            .await
            .expect("app state");
        if backend == Backend::Postgres {
            // The listener reads the log head once it connects; keep that out of the counts.
            state.events.listening().await;
        }
        Some(Graph {
            state,
            metrics,
            _db: db,
        })
    }

    /// Runs a query that must succeed: the statements it sent, and its data.
    async fn run(&self, query: &str) -> (u64, Value) {
        let before = self.metrics.db_statements.get();
        let response = self
            .state
            .schema
            .execute(async_graphql::Request::new(query))
            .await;
        let statements = self.metrics.db_statements.get() - before;
        let response = serde_json::to_value(&response).expect("response serialises");
        assert!(
            response.get("errors").is_none(),
            "unexpected errors for {query}: {response:#}"
        );
        (statements, response["data"].clone())
    }
}

/// How many entries the root's collection holds in `d`.
fn total(root: &str, d: &Dataset) -> usize {
    match root {
        "directions" => d.directions.len(),
        "sectors" => d.sectors.len(),
        "prefectures" => d.prefectures.len(),
        "indianStates" => d.indian_states.len(),
        "partnerships" => d.partnerships.len(),
        "investmentTargets" => d.investment_targets.len(),
        "events" => d.events.len(),
        "sources" => d.sources.len(),
        // An import logs one "created" entry per initiative it adds.
        "initiatives" | "initiativeEvents" => d.initiatives.len(),
        other => panic!("no expected total for root {other}"),
    }
}

db_test! {
    async fn every_relation_costs_the_same_statements_on_ten_times_the_data(backend) {
        let shipped = kizuna::dataset::parse(kizuna::dataset::SHIPPED_DATASET).expect("shipped");
        let generated = kizuna::dataset::generate(10, SEED).expect("scale 10 generated");
        let ten = kizuna::dataset::parse(&generated).expect("scale 10 is valid");
        let Some(small) = Graph::build(backend, None).await else { return };
        let Some(big) = Graph::build(backend, Some(&ten)).await else { return };

        let mut with_rows = BTreeSet::new();
        let mut report = String::new();
        for &(root, type_name) in ROOTS {
            let (mut small_sum, mut big_sum, mut small_rows, mut big_rows) = (0, 0, 0, 0);
            for (query, relations_walked) in walks(root, type_name) {
                // The two apps share nothing (databases, pools, loaders, counters), so they run
                // side by side.
                let ((small_statements, small_data), (big_statements, big_data)) =
                    tokio::join!(small.run(&query), big.run(&query));
                assert_eq!(
                    small_data[root]["totalCount"],
                    total(root, &shipped),
                    "{root} at scale 1"
                );
                assert_eq!(big_data[root]["totalCount"], total(root, &ten), "{root} at scale 10");
                assert_eq!(
                    small_statements, big_statements,
                    "statements grew with rows (N+1) for {query}"
                );
                // At most two statements per relation and for the root (the rows, and the grouped
                // count for the `totalCount` every connection here selects): a loader that split a
                // level into several statements shows here even if it did so on both sizes.
                assert!(
                    big_statements <= 2 * (u64::try_from(relations_walked).expect("small") + 1),
                    "{big_statements} statements for {relations_walked} relations: {query}"
                );
                small_sum += small_statements;
                big_sum += big_statements;
                small_rows += rows(&small_data);
                big_rows += rows(&big_data);
                for node in big_data[root]["nodes"].as_array().expect("root nodes") {
                    seen(node, type_name, DEPTH, &mut with_rows);
                }
            }
            let _ = writeln!(
                report,
                "{root}: {small_sum} statements for {small_rows} rows at scale 1, \
                 {big_sum} for {big_rows} at scale 10"
            );
            assert!(big_rows > small_rows, "{root}: the large graph returned no more rows:\n{report}");
        }
        eprintln!("{backend:?}:\n{report}");

        // The walk really went through every relation: each returned rows somewhere, except
        // the ones the data leaves empty.
        let silent: Vec<(&str, &str)> = RELATIONS
            .iter()
            .flat_map(|(type_name, rels)| rels.iter().map(move |rel| (*type_name, field(rel))))
            .filter(|&(t, f)| !with_rows.contains(&(t.to_owned(), f.to_owned())))
            .collect();
        assert_eq!(silent, EMPTY_IN_THE_DATA, "relations that returned nothing at scale 10");
    }
}

fn field(rel: &Rel) -> &'static str {
    match *rel {
        Many(field, _) | One(field, _) | Lookup(field, _) => field,
    }
}

/// A type as introspection describes it: its kind, interfaces, and each field's named type and
/// whether it takes arguments.
struct TypeInfo {
    kind: String,
    interfaces: Vec<String>,
    fields: HashMap<String, (String, bool)>,
}

/// The named type under any NON_NULL and LIST wrappers.
fn named(mut t: &Value) -> String {
    while t["name"].is_null() && !t["ofType"].is_null() {
        t = &t["ofType"];
    }
    t["name"].as_str().expect("a named type").to_owned()
}

const INTROSPECTION: &str = "{ __schema { queryType { name } types { name kind \
    interfaces { name } fields { name args { name } type { ...T } } } } } \
    fragment T on __Type { name ofType { name ofType { name ofType { name ofType { name } } } } }";

/// Every object type of the schema by name, and the name of the query root.
async fn introspect() -> (HashMap<String, TypeInfo>, String) {
    use kizuna::graphql::{
        mutation::MutationRoot, query::QueryRoot, subscription::SubscriptionRoot,
    };
    // Introspection needs no data: the schema alone, as `export-schema` builds it.
    let schema = async_graphql::Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .finish();
    let response = serde_json::to_value(schema.execute(INTROSPECTION).await).expect("JSON");
    assert!(response.get("errors").is_none(), "{response:#}");
    let schema = &response["data"]["__schema"];
    let mut types = HashMap::new();
    for t in schema["types"].as_array().expect("types") {
        let fields = t["fields"]
            .as_array()
            .map(|fields| {
                fields
                    .iter()
                    .map(|f| {
                        let name = f["name"].as_str().expect("field name").to_owned();
                        let has_args = f["args"].as_array().is_some_and(|a| !a.is_empty());
                        (name, (named(&f["type"]), has_args))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let interfaces = t["interfaces"]
            .as_array()
            .map(|i| {
                i.iter()
                    .filter_map(|i| i["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        types.insert(
            t["name"].as_str().expect("type name").to_owned(),
            TypeInfo {
                kind: t["kind"].as_str().expect("kind").to_owned(),
                interfaces,
                fields,
            },
        );
    }
    let query = schema["queryType"]["name"]
        .as_str()
        .expect("query type")
        .to_owned();
    (types, query)
}

/// Whether `parent.field` is a relation: a field of an entity (a `Node`) that leads to another
/// entity (or an interface or union of them), to a connection, or that takes arguments to look
/// a value up (`attendance(event:)`). Value objects such as `PartialDate` and `PageInfo` are not
/// relations: they come with their row.
fn is_relation(types: &HashMap<String, TypeInfo>, parent: &str, field: &str) -> bool {
    let Some(info) = types.get(parent) else {
        return false;
    };
    if !info.interfaces.iter().any(|i| i == "Node") {
        return false;
    }
    let Some((target, has_args)) = info.fields.get(field) else {
        return false;
    };
    match types.get(target) {
        Some(t) if t.kind == "OBJECT" => {
            target.ends_with("Connection") || t.interfaces.iter().any(|i| i == "Node")
        }
        Some(t) if t.kind == "INTERFACE" || t.kind == "UNION" => true,
        _ => *has_args,
    }
}

/// Collects every `(type, field)` a selection set selects, resolving types as it descends.
fn collect(
    types: &HashMap<String, TypeInfo>,
    parent: &str,
    set: &SelectionSet,
    out: &mut BTreeSet<(String, String)>,
) {
    for item in &set.items {
        let Selection::Field(field) = &item.node else {
            panic!("the walks select plain fields only");
        };
        let name = field.node.name.node.as_str();
        let (target, _) = types
            .get(parent)
            .and_then(|t| t.fields.get(name))
            .unwrap_or_else(|| panic!("{parent}.{name} is not in the schema"));
        out.insert((parent.to_owned(), name.to_owned()));
        collect(types, target, &field.node.selection_set.node, out);
    }
}

#[tokio::test]
async fn the_walk_covers_every_relation_in_the_schema() {
    let (types, query_root) = introspect().await;

    let mut in_schema: BTreeSet<(String, String)> = types
        .iter()
        .flat_map(|(name, info)| info.fields.keys().map(move |f| (name.clone(), f.clone())))
        .filter(|(t, f)| is_relation(&types, t, f))
        .collect();
    // Every root connection is a starting point of the walk.
    let roots = &types[&query_root];
    in_schema.extend(
        roots
            .fields
            .iter()
            .filter(|(_, (target, _))| target.ends_with("Connection"))
            .map(|(f, _)| (query_root.clone(), f.clone())),
    );
    // Guards against a mistake here passing vacuously: the relations the suite was written for.
    for known in [
        ("Initiative", "sectors"),
        ("Initiative", "announcedAt"),
        ("Prefecture", "attendance"),
        ("PartnershipRenewal", "partnership"),
        ("EventParticipant", "indianState"),
    ] {
        assert!(
            in_schema.contains(&(known.0.to_owned(), known.1.to_owned())),
            "{known:?} is not seen as a relation"
        );
    }
    assert!(
        !in_schema.contains(&("Event".to_owned(), "date".to_owned())),
        "a value object"
    );

    let mut walked = BTreeSet::new();
    for &(root, type_name) in ROOTS {
        for (text, _) in walks(root, type_name) {
            let document = async_graphql::parser::parse_query(&text).expect("the walk parses");
            for (_, operation) in document.operations.iter() {
                collect(
                    &types,
                    &query_root,
                    &operation.node.selection_set.node,
                    &mut walked,
                );
            }
        }
    }
    walked.retain(|(t, f)| in_schema.contains(&(t.clone(), f.clone())));
    // `search` takes a required query and returns a union; tests/api/search.rs checks its cost
    // (one statement plus one batched load per type on the page) on its own.
    walked.insert(("QueryRoot".to_owned(), "search".to_owned()));

    let missing: Vec<String> = in_schema
        .difference(&walked)
        .map(|(t, f)| format!("{t}.{f}"))
        .collect();
    assert!(
        missing.is_empty(),
        "relations the N+1 suite does not walk; add them to RELATIONS or ROOTS in \
         tests/api/nplus1_suite.rs: {missing:?}"
    );
    assert_eq!(walked.len(), in_schema.len());
}
