//! SQL metacharacters in every string argument of the schema, found by introspection rather
//! than listed by hand (a new argument is covered the day it is added): nothing leaks, nothing
//! runs as SQL, nothing changes that should not.

use crate::helpers::{TestApp, db_test};
use kizuna::domain::Role;
use sea_orm::ConnectionTrait;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// What an injection would try, and what breaks naive escaping (`%`, `_`, `\` in LIKE; NUL in
/// PostgreSQL text).
pub const HOSTILE: [&str; 7] = ["'", "\";--", "%", "_", "\\", "' OR 1=1 --", "\u{0}"];

/// Text that would mean the database or the runtime spoke to the client.
pub const LEAKS: [&str; 9] = [
    "sqlx",
    "sqlite",
    "syntax error",
    "postgres",
    "relation \"",
    "error returned from database",
    "panicked",
    "near \"",
    "stack backtrace",
];

/// Codes a hostile argument may earn; anything else (INTERNAL above all) is a failure.
const CLIENT_CODES: [&str; 4] = [
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "CONFLICT",
    "GRAPHQL_VALIDATION_FAILED",
];

const INTROSPECTION: &str = "{ __schema { queryType { name } mutationType { name } types { name kind \
    enumValues { name } inputFields { name defaultValue type { ...T } } \
    fields { name args { name defaultValue type { ...T } } type { ...T } } } } } \
    fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }";

/// The schema as introspection describes it, by type name.
struct Schema {
    types: HashMap<String, Value>,
}

/// One step from an argument's type to a text leaf inside it.
#[derive(Clone, Debug)]
enum Step {
    Field(String),
    Item,
}

/// How many input objects deep leaves are looked for: far enough for `filter: { sectors: {
/// some: { slug: { eq } } } }`.
const DEPTH: usize = 4;

impl Schema {
    async fn load(app: &TestApp) -> (Schema, Value) {
        let data = app.data(INTROSPECTION).await;
        let types = data["__schema"]["types"]
            .as_array()
            .expect("types")
            .iter()
            .map(|t| (t["name"].as_str().expect("name").to_owned(), t.clone()))
            .collect();
        (Schema { types }, data["__schema"].clone())
    }

    fn named(&self, name: &str) -> &Value {
        &self.types[name]
    }

    /// Paths to every text leaf of a value of type `t`, not through `and`/`or`/`not`.
    fn leaves(&self, t: &Value, depth: usize) -> Vec<Vec<Step>> {
        match t["kind"].as_str() {
            Some("NON_NULL") => self.leaves(&t["ofType"], depth),
            Some("LIST") => self
                .leaves(&t["ofType"], depth)
                .into_iter()
                .map(|path| [vec![Step::Item], path].concat())
                .collect(),
            Some("SCALAR") if is_text(t["name"].as_str().unwrap_or_default()) => vec![vec![]],
            Some("INPUT_OBJECT") if depth > 0 => {
                let object = self.named(t["name"].as_str().expect("name"));
                let mut out = Vec::new();
                for field in object["inputFields"].as_array().expect("input fields") {
                    let name = field["name"].as_str().expect("name");
                    if matches!(name, "and" | "or" | "not") {
                        continue;
                    }
                    for path in self.leaves(&field["type"], depth - 1) {
                        out.push([vec![Step::Field(name.to_owned())], path].concat());
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// A value of type `t` with `text` at `path` and valid values wherever one is required.
    fn build(&self, t: &Value, path: &[Step], text: &str) -> Value {
        match (t["kind"].as_str(), path.first()) {
            (Some("NON_NULL"), _) => self.build(&t["ofType"], path, text),
            (Some("LIST"), _) => json!([self.build(&t["ofType"], &path[1..], text)]),
            (Some("INPUT_OBJECT"), Some(Step::Field(wanted))) => {
                let object = self.named(t["name"].as_str().expect("name"));
                let mut out = Map::new();
                for field in object["inputFields"].as_array().expect("input fields") {
                    let name = field["name"].as_str().expect("name");
                    if name == wanted {
                        out.insert(
                            name.to_owned(),
                            self.build(&field["type"], &path[1..], text),
                        );
                    } else if field["type"]["kind"] == "NON_NULL" && field["defaultValue"].is_null()
                    {
                        out.insert(name.to_owned(), self.valid(&field["type"]));
                    }
                }
                Value::Object(out)
            }
            _ => json!(text),
        }
    }

    /// Some valid value of type `t`, for required arguments and fields.
    fn valid(&self, t: &Value) -> Value {
        match t["kind"].as_str() {
            Some("NON_NULL") => self.valid(&t["ofType"]),
            Some("LIST") => json!([self.valid(&t["ofType"])]),
            Some("ENUM") => {
                self.named(t["name"].as_str().expect("name"))["enumValues"][0]["name"].clone()
            }
            Some("INPUT_OBJECT") => {
                let object = self.named(t["name"].as_str().expect("name"));
                let mut out = Map::new();
                for field in object["inputFields"].as_array().expect("input fields") {
                    if field["type"]["kind"] == "NON_NULL" && field["defaultValue"].is_null() {
                        let name = field["name"].as_str().expect("name").to_owned();
                        out.insert(name, self.valid(&field["type"]));
                    }
                }
                Value::Object(out)
            }
            _ => match t["name"].as_str() {
                Some("Int") => json!(1),
                Some("Float") => json!(1.0),
                Some("Boolean") => json!(false),
                Some("Date") => json!("2025"),
                Some("BigInt") => json!("1"),
                Some("JSON") => json!({}),
                Some("Timestamp") => json!("2025-01-01T00:00:00Z"),
                _ => json!("x"),
            },
        }
    }
}

/// Scalars written as text: String, ID and the custom ones, which arrive as strings too.
fn is_text(name: &str) -> bool {
    !matches!(name, "Int" | "Float" | "Boolean")
}

/// A type reference as GraphQL writes it: `[String!]!`.
fn render(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", render(&t["ofType"])),
        Some("LIST") => format!("[{}]", render(&t["ofType"])),
        _ => t["name"].as_str().expect("name").to_owned(),
    }
}

/// The named type under the wrappers.
fn base(t: &Value) -> &Value {
    if t["ofType"].is_null() {
        t
    } else {
        base(&t["ofType"])
    }
}

/// Every call of `root`'s fields with one hostile text in one leaf of one argument, required
/// arguments filled with valid values: (description, query, variables).
fn calls(schema: &Schema, root: &str, operation: &str) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for field in schema.named(root)["fields"].as_array().expect("fields") {
        let name = field["name"].as_str().expect("name");
        let args = field["args"].as_array().expect("args");
        let selection = match base(&field["type"])["kind"].as_str() {
            Some("OBJECT" | "INTERFACE" | "UNION") => "{ __typename }",
            _ => "",
        };
        for (index, arg) in args.iter().enumerate() {
            for path in schema.leaves(&arg["type"], DEPTH) {
                // Every text on leaves of the argument itself and of its own fields; deeper
                // ones (related-row filters) repeat those fields on other tables, so they take
                // the texts in turn, which keeps the run short and still tries each text
                // hundreds of times there.
                let fields = path.iter().filter(|s| matches!(s, Step::Field(_))).count();
                let texts: Vec<&str> = if fields <= 2 {
                    HOSTILE.to_vec()
                } else {
                    vec![HOSTILE[out.len() % HOSTILE.len()]]
                };
                for text in texts {
                    let mut definitions = Vec::new();
                    let mut uses = Vec::new();
                    let mut variables = Map::new();
                    for (other, other_arg) in args.iter().enumerate() {
                        let arg_name = other_arg["name"].as_str().expect("name");
                        let value = if other == index {
                            schema.build(&other_arg["type"], &path, text)
                        } else if other_arg["type"]["kind"] == "NON_NULL" {
                            schema.valid(&other_arg["type"])
                        } else {
                            continue;
                        };
                        definitions.push(format!("$a{other}: {}", render(&other_arg["type"])));
                        uses.push(format!("{arg_name}: $a{other}"));
                        variables.insert(format!("a{other}"), value);
                    }
                    let query = format!(
                        "{operation}({}) {{ {name}({}) {selection} }}",
                        definitions.join(", "),
                        uses.join(", ")
                    );
                    let what = format!("{name}.{}{path:?} = {text:?}", arg["name"]);
                    out.push((what, query, Value::Object(variables)));
                }
            }
        }
    }
    out
}

/// The response is a clean answer or a client error with a code, and says nothing internal.
pub fn assert_clean(what: &str, response: &Value) {
    let text = response.to_string().to_lowercase();
    for leak in LEAKS {
        assert!(!text.contains(leak), "{what}: {leak:?} leaked: {response}");
    }
    for error in response["errors"].as_array().into_iter().flatten() {
        let code = error["extensions"]["code"].as_str().unwrap_or("<none>");
        assert!(CLIENT_CODES.contains(&code), "{what}: {code}: {response}");
    }
}

async fn log_head(app: &TestApp) -> i64 {
    let db = &app.state.db;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT last_seq AS n FROM event_log_head",
        ))
        .await
        .expect("head")
        .expect("a row");
    row.try_get::<i64>("", "n")
        .or_else(|_| row.try_get::<i32>("", "n").map(i64::from))
        .expect("a number")
}

db_test! {
    /// Every query field, every text leaf of every argument (filters included), every hostile
    /// text: a result or a client error, no internal text, and not a row changed.
    async fn sql_metacharacters_in_every_query_argument_leak_nothing_and_change_nothing(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let (schema, root) = Schema::load(&app).await;
        let before = app.snapshot().await;
        let calls = calls(&schema, root["queryType"]["name"].as_str().expect("query root"), "query");
        assert!(calls.len() > 500, "introspection found the arguments: {}", calls.len());
        for (what, query, variables) in &calls {
            let response = app.query_with(query, variables.clone()).await;
            assert!(response.get("data").is_some() || response.get("errors").is_some(), "{what}");
            assert_clean(what, &response);
        }
        assert_eq!(app.snapshot().await, before, "nothing was written");
    }
}

db_test! {
    /// Every mutation, as an editor, with each text of its valid input replaced by a hostile
    /// one: a client error that writes nothing, or a success that appends its one log entry.
    async fn sql_metacharacters_in_every_mutation_input_run_as_plain_text(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let before = app.snapshot().await;
        let mut writes = 0;
        for (name, query, variables) in crate::writes::mutations() {
            // The valid input first, so that the later mutations find what it creates.
            let valid = app.exec_as(Some(Role::Editor), query, variables.clone()).await;
            assert!(valid.get("errors").is_none(), "{name}: {valid}");
            writes += 1;
            let input = &variables["i"];
            for key in input.as_object().expect("input object").keys() {
                for text in HOSTILE {
                    let mut hostile = variables.clone();
                    hostile["i"][key] = match &input[key] {
                        Value::String(_) => json!(text),
                        Value::Array(items) if items.iter().all(Value::is_string) => json!([text]),
                        _ => continue,
                    };
                    let what = format!("{name}.{key} = {text:?}");
                    let head = log_head(&app).await;
                    let response = app.exec_as(Some(Role::Editor), query, hostile).await;
                    assert_clean(&what, &response);
                    let appended = log_head(&app).await - head;
                    if response.get("errors").is_some() {
                        assert_eq!(appended, 0, "{what}: a refused write leaves no trace");
                    } else {
                        assert_eq!(appended, 1, "{what}: one entry per write");
                        writes += 1;
                    }
                }
            }
        }
        // Plain text can add rows (and unlink one link a write made); SQL run from it could
        // have emptied a table.
        for ((table, was), (_, is)) in before.iter().zip(app.snapshot().await) {
            assert!(is >= was - 1, "{table}: {was} rows became {is}");
        }
        assert!(writes > 12, "some hostile texts were stored as plain text: {writes}");
        let stored = app
            .data(r#"{ initiative(slug: "green-ammonia-corridor") { description } }"#)
            .await;
        assert_eq!(stored["initiative"]["description"], "' OR 1=1 --", "stored as written");
    }
}
