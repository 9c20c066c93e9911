//! What the fuzzer sends: documents built from the schema's names, valid documents mutated
//! byte by byte, and the hand-built JSON bodies that carry them.

use crate::helpers::TestApp;
use std::collections::HashMap;

/// Field and argument names of the schema, from introspection.
pub(super) struct Catalog {
    roots: [String; 3],
    /// Type name → its fields.
    types: HashMap<String, Vec<FieldInfo>>,
}

/// A field: its name, its arguments (name, and whether required), the named type it returns.
pub(super) struct FieldInfo {
    name: String,
    args: Vec<(String, bool)>,
    target: String,
}

impl Catalog {
    pub(super) async fn load(app: &TestApp) -> Catalog {
        let data = app
            .data(
                "{ __schema { queryType { name } mutationType { name } subscriptionType { name } \
                 types { name fields { name args { name type { kind } } type { name ofType { name ofType { name ofType { name } } } } } } } }",
            )
            .await;
        let schema = &data["__schema"];
        let root = |key: &str| schema[key]["name"].as_str().expect("root").to_owned();
        let mut types = HashMap::new();
        for t in schema["types"].as_array().expect("types") {
            let Some(fields) = t["fields"].as_array() else {
                continue;
            };
            let fields = fields
                .iter()
                .map(|f| {
                    let args = f["args"].as_array().expect("args");
                    let mut target = &f["type"];
                    while target["name"].is_null() && !target["ofType"].is_null() {
                        target = &target["ofType"];
                    }
                    FieldInfo {
                        name: f["name"].as_str().expect("name").to_owned(),
                        args: args
                            .iter()
                            .map(|a| {
                                let name = a["name"].as_str().expect("name").to_owned();
                                (name, a["type"]["kind"] == "NON_NULL")
                            })
                            .collect(),
                        target: target["name"].as_str().unwrap_or_default().to_owned(),
                    }
                })
                .collect();
            types.insert(t["name"].as_str().expect("name").to_owned(), fields);
        }
        Catalog {
            roots: [
                root("queryType"),
                root("mutationType"),
                root("subscriptionType"),
            ],
            types,
        }
    }

    /// A document built from real names, steered by `choices`: valid, invalid, or in between.
    pub(super) fn document(&self, choices: &[u32]) -> String {
        let mut c = Choices {
            values: choices,
            at: 0,
        };
        let (operation, root) = match c.next(10) {
            0 => ("mutation", &self.roots[1]),
            1 => ("subscription", &self.roots[2]),
            _ => ("query", &self.roots[0]),
        };
        let body = self.selection(root, &mut c, 0);
        // Declare the variables the body uses (an unused one fails validation); now and then
        // leave them undeclared or declare them all.
        let used: Vec<&str> = ["$v: String", "$n: Int", "$f: InitiativeFilter"]
            .into_iter()
            .filter(|d| body.contains(&d[..2]))
            .collect();
        let header = match c.next(10) {
            0 => String::new(),
            1 => format!("{operation} Q($v: String, $n: Int, $f: InitiativeFilter) "),
            _ if used.is_empty() => format!("{operation} "),
            _ => format!("{operation} Q({}) ", used.join(", ")),
        };
        let mut document = format!("{header}{body}");
        if document.contains("...F") || c.next(30) == 0 {
            document.push_str(" fragment F on Initiative { slug name }");
        }
        document
    }

    pub(super) fn selection(&self, type_name: &str, c: &mut Choices, depth: usize) -> String {
        let Some(fields) = self.types.get(type_name).filter(|f| !f.is_empty()) else {
            return String::new();
        };
        let mut items = Vec::new();
        for _ in 0..=c.next(3) {
            let item = match c.next(14) {
                0 => "__typename".to_owned(),
                // The fragment is on initiatives: elsewhere now and then, to be refused.
                1 if type_name == "Initiative" || c.next(10) == 0 => "...F".to_owned(),
                1 => "__typename".to_owned(),
                2 => format!("... on {type_name} {{ __typename }}"),
                _ => {
                    let FieldInfo { name, args, target } = &fields[c.next(fields.len())];
                    let alias = if c.next(6) == 0 {
                        format!("a{}: ", c.next(100))
                    } else {
                        String::new()
                    };
                    let mut given = Vec::new();
                    for (arg, required) in args {
                        // Required arguments nearly always, others now and then.
                        let wanted = if *required {
                            c.next(12) != 0
                        } else {
                            c.next(3) == 0
                        };
                        if wanted {
                            given.push(format!("{arg}: {}", value_for(arg, c)));
                        }
                    }
                    let args = given;
                    let args = if args.is_empty() {
                        String::new()
                    } else {
                        format!("({})", args.join(", "))
                    };
                    let below = if c.next(40) == 0 {
                        // Now and then no selection where one is needed, to be refused.
                        String::new()
                    } else if depth < 6 {
                        self.selection(target, c, depth + 1)
                    } else if self.types.get(target).is_some_and(|f| !f.is_empty()) {
                        "{ __typename }".to_owned()
                    } else {
                        String::new()
                    };
                    format!("{alias}{name}{args} {below}")
                }
            };
            items.push(item);
        }
        format!("{{ {} }}", items.join(" "))
    }
}

/// Reads a list of numbers as a stream of choices; past its end the choices go on from a fixed
/// sequence, so that a short list does not always pick the first option (which would always
/// leave out selections and always add the fragment, for instance).
pub(super) struct Choices<'a> {
    values: &'a [u32],
    at: usize,
}

impl Choices<'_> {
    pub(super) fn next(&mut self, n: usize) -> usize {
        let fallback = (self.at as u32).wrapping_mul(2_654_435_761) >> 7;
        let value = self.values.get(self.at).copied().unwrap_or(fallback) as usize;
        self.at += 1;
        value % n.max(1)
    }
}

/// A value for the argument named `arg`: mostly one of the right shape for arguments of that
/// name (so that requests get past validation and reach the resolvers and SQL), sometimes any.
pub(super) fn value_for(arg: &str, c: &mut Choices) -> String {
    let fitting: &[&str] = match arg {
        "first" | "last" => &["0", "1", "2", "100", "101", "-1", "2147483647", "$n"],
        "after" | "before" => &["\"\"", "\"a3oxOg\"", "\"SW5pdGlhdGl2ZTox\"", "$v", "null"],
        "slug" | "query" | "event" => &[
            "\"batteries\"",
            "\"ijicp\"",
            "\"fukuoka\"",
            "\"' OR 1=1 --\"",
            "\"%\"",
            "$v",
        ],
        "id" => &["\"SW5pdGlhdGl2ZTox\"", "\"U2VjdG9yOjE\"", "\"\"", "$v"],
        "ids" => &["[\"SW5pdGlhdGl2ZTox\", \"U2VjdG9yOjE\"]", "[]"],
        "number" => &["1", "8", "9", "0", "-2147483648"],
        "filter" => &[
            "{ slug: { eq: \"batteries\" } }",
            "{ name: { contains: \"%_\\\\\" } }",
            "{ or: [{ slug: { startsWith: \"a\" } }, { not: { slug: { in: [] } } }] }",
            "{ sectors: { some: { slug: { eq: \"batteries\" } } } }",
            "$f",
            "{}",
        ],
        "orderBy" => &[
            "[{ field: NAME, direction: DESC }]",
            "[{ field: NAME }, { field: NAME }]",
            "[]",
        ],
        "groupBy" => &[
            "[DIRECTION, STATUS]",
            "[CURRENCY]",
            "[SECTOR, PREFECTURE, REGION]",
            "[]",
        ],
        _ => &[],
    };
    if fitting.is_empty() || c.next(3) == 0 {
        value(c)
    } else {
        fitting[c.next(fitting.len())].to_owned()
    }
}

/// An argument value: right, wrong, hostile or out of range.
pub(super) fn value(c: &mut Choices) -> String {
    const POOL: [&str; 30] = [
        "0",
        "1",
        "-1",
        "100",
        "101",
        "2147483648",
        "-2147483649",
        "9007199254740993",
        "1e400",
        "3.5",
        "\"batteries\"",
        "\"ijicp\"",
        "\"SW5pdGlhdGl2ZTox\"",
        "\"\\u0000\"",
        "\"日本\"",
        "\"' OR 1=1 --\"",
        "\"%_\\\\\"",
        "ASC",
        "NAME",
        "LAUNCHED",
        "true",
        "null",
        "$v",
        "$n",
        "$f",
        "$undefined",
        "{ eq: \"x\" }",
        "{ slug: { eq: \"batteries\" }, not: { slug: { in: [\"a\", \"b\"] } } }",
        "[{ field: NAME, direction: DESC }]",
        "[]",
    ];
    POOL[c.next(POOL.len())].to_owned()
}

/// Valid documents that mutations start from.
pub(super) const VALID: [&str; 6] = [
    "{ directions { totalCount nodes { number name initiatives(first: 3) { nodes { slug } } } } }",
    "query($after: String) { initiatives(first: 2, after: $after, orderBy: [{ field: NAME }]) { pageInfo { endCursor } nodes { slug sectors { nodes { slug } } } } }",
    "{ search(query: \"Shinkansen\", first: 5) { totalCount edges { rank node { __typename ... on Initiative { slug } } } } }",
    "{ initiativeStats(groupBy: [DIRECTION, STATUS]) { direction { number } status count } }",
    "{ partnership(slug: \"gujarat-shizuoka\") { established { text precision } indianState { name } } }",
    "mutation { createSource(input: { slug: \"s-x\", title: \"x\", kind: PRIMARY }) { source { slug } } }",
];

/// Applies byte-level edits to a valid document; the result may not be UTF-8.
pub(super) fn mutate(document: &str, edits: &[(u8, u16, u8, u8)]) -> Vec<u8> {
    const INSERTS: [&str; 12] = [
        "\u{202e}", "😀", "\u{0}", "\u{feff}", "ß", "\"", "\\", "{", "}", "$", "@", "#",
    ];
    let mut bytes = document.as_bytes().to_vec();
    for &(op, position, length, byte) in edits {
        let at = usize::from(position) % (bytes.len() + 1);
        let end = (at + usize::from(length)).min(bytes.len());
        match op % 5 {
            0 if at < bytes.len() => bytes[at] ^= byte | 1,
            1 => bytes.truncate(at),
            2 => {
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            3 => {
                let insert = INSERTS[usize::from(byte) % INSERTS.len()]
                    .as_bytes()
                    .to_vec();
                bytes.splice(at..at, insert);
            }
            _ => {
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

/// A JSON body `{"query": <bytes>, "variables": <variables>}` built by hand, so that the bytes
/// reach the server as they are even when they are not UTF-8.
pub(super) fn body_with_query(query: &[u8], variables: &str) -> Vec<u8> {
    let mut body = b"{\"query\": \"".to_vec();
    for &byte in query {
        match byte {
            b'"' => body.extend_from_slice(b"\\\""),
            b'\\' => body.extend_from_slice(b"\\\\"),
            0..=0x1f => body.extend_from_slice(format!("\\u{byte:04x}").as_bytes()),
            _ => body.push(byte),
        }
    }
    body.extend_from_slice(b"\", \"variables\": ");
    body.extend_from_slice(variables.as_bytes());
    body.push(b'}');
    body
}
