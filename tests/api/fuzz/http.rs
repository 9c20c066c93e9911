//! HTTP properties: documents, variables, bodies and headers.

use super::generate::{VALID, body_with_query, mutate};
use super::{Harness, accept, deep_json, json_value};
use crate::helpers::Backend;
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::json;

/// Queries whose variables the fuzzer fills.
const WITH_VARIABLES: [&str; 4] = [
    "query($f: InitiativeFilter, $n: Int, $a: String, $o: [InitiativeOrder!]) { initiatives(filter: $f, first: $n, after: $a, orderBy: $o) { totalCount nodes { slug } } }",
    "query($q: String!, $n: Int) { search(query: $q, first: $n) { totalCount } }",
    "query($id: ID!, $ids: [ID!]!) { node(id: $id) { id } nodes(ids: $ids) { id } }",
    "query($f: SectorFilter) { sectors(filter: $f) { totalCount } initiativeStats(groupBy: [SECTOR]) { count } }",
];

#[derive(Debug, Clone)]
enum Document {
    Generated(Vec<u32>),
    Mutated(usize, Vec<(u8, u16, u8, u8)>),
}

fn document() -> impl Strategy<Value = (Document, &'static str)> {
    let generated = prop::collection::vec(any::<u32>(), 1..96).prop_map(Document::Generated);
    let mutated = (
        0..VALID.len(),
        prop::collection::vec(any::<(u8, u16, u8, u8)>(), 1..6),
    )
        .prop_map(|(index, edits)| Document::Mutated(index, edits));
    (prop_oneof![generated, mutated], accept())
}

fn random_documents(backend: Backend) {
    let Some(harness) = Harness::start(backend) else {
        return;
    };
    harness.check(document(), |h, (document, accept)| {
        let bytes = match &document {
            Document::Generated(choices) => h.catalog.document(choices).into_bytes(),
            Document::Mutated(index, edits) => mutate(VALID[*index], edits),
        };
        let request = h
            .client
            .post(h.server().url("/graphql"))
            .header("content-type", "application/json")
            .header("accept", accept)
            .body(body_with_query(&bytes, r#"{"v": "batteries", "n": 2}"#));
        h.runtime.block_on(h.send(request))
    });
}

fn random_variables(backend: Backend) {
    let Some(harness) = Harness::start(backend) else {
        return;
    };
    let variables = prop_oneof![
        4 => prop::collection::hash_map(
            prop::sample::select(vec!["f", "n", "a", "o", "q", "id", "ids", "other"]),
            json_value(),
            0..5
        )
        .prop_map(|m| json!(m).to_string()),
        1 => deep_json().prop_map(|deep| format!("{{\"f\": {deep}}}")),
        1 => json_value().prop_map(|v| v.to_string()),
    ];
    harness.check(
        (0..WITH_VARIABLES.len(), variables, accept()),
        |h, (query, variables, accept)| {
            let request = h
                .client
                .post(h.server().url("/graphql"))
                .header("content-type", "application/json")
                .header("accept", accept)
                .body(body_with_query(
                    WITH_VARIABLES[query].as_bytes(),
                    &variables,
                ));
            h.runtime.block_on(h.send(request))
        },
    );
}

macro_rules! on_both_databases {
    ($name:ident, $run:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::$run(crate::helpers::Backend::Sqlite)
            }

            #[test]
            fn postgres() {
                super::$run(crate::helpers::Backend::Postgres)
            }
        }
    };
}

on_both_databases!(
    random_and_mutated_documents_never_fail_the_server,
    random_documents
);
on_both_databases!(
    random_variables_of_any_shape_and_depth_never_fail_the_server,
    random_variables
);

#[test]
fn random_bodies_and_raw_bytes_never_fail_the_server() {
    let Some(harness) = Harness::start(Backend::Sqlite) else {
        return;
    };
    let body = prop_oneof![
        json_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..512),
        deep_json().prop_map(String::into_bytes),
        (json_value(), json_value()).prop_map(|(q, v)| json!({ "query": q, "variables": v })
            .to_string()
            .into_bytes()),
    ];
    harness.check(
        (body, prop::sample::select(vec!["POST", "GET"]), accept()),
        |h, (body, method, accept)| {
            let request = if method == "GET" {
                // Short enough for a URL (the client refuses one over 64 KiB).
                let text: String = String::from_utf8_lossy(&body).chars().take(1000).collect();
                h.client
                    .get(h.server().url("/graphql"))
                    .header("accept", accept)
                    .query(&[("query", text.as_str()), ("variables", text.as_str())])
            } else {
                h.client
                    .post(h.server().url("/graphql"))
                    .header("content-type", "application/json")
                    .header("accept", accept)
                    .body(body)
            };
            h.runtime.block_on(h.send(request))
        },
    );
}

/// A header value: a realistic one, or bytes (printable ASCII and obs-text, as HTTP allows).
fn header_value(realistic: Vec<&'static str>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(realistic).prop_map(|v| v.as_bytes().to_vec()),
        prop::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff], 0..64),
    ]
}

#[test]
fn random_headers_never_fail_the_server() {
    let Some(harness) = Harness::start(Backend::Sqlite) else {
        return;
    };
    let accept = header_value(vec![
        "application/graphql-response+json",
        "application/json;q=0",
        "text/html",
        "*/*;q=0.5, application/graphql-response+json;q=0",
        "application/*",
        "",
    ]);
    let content_type = header_value(vec![
        "application/json",
        "application/json; charset=latin1",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "APPLICATION/JSON",
    ]);
    let authorization = header_value(vec![
        "Bearer kz_0000000000000000000000000000000000000000000",
        "Bearer ",
        "Bearer ' OR 1=1 --",
        "Basic dXNlcjpwYXNz",
        "bearer kz_x",
        "Bearer kz_\u{00e9}",
    ]);
    harness.check(
        (
            prop::option::of(accept),
            prop::option::of(content_type),
            prop::option::of(authorization),
            any::<bool>(),
        ),
        |h, (accept, content_type, authorization, get)| {
            let mut headers = HeaderMap::new();
            for (name, value) in [
                ("accept", accept),
                ("content-type", content_type),
                ("authorization", authorization),
            ] {
                if let Some(value) = value.and_then(|v| HeaderValue::from_bytes(&v).ok()) {
                    headers.insert(HeaderName::from_static(name), value);
                }
            }
            let request = if get {
                h.client
                    .get(h.server().url("/graphql"))
                    .query(&[("query", "{ directions { totalCount } }")])
            } else {
                h.client
                    .post(h.server().url("/graphql"))
                    .body(r#"{"query": "{ directions { totalCount } }"}"#)
            };
            h.runtime.block_on(h.send(request.headers(headers)))
        },
    );
}
