//! Query cost limits: depth, aliases, root fields and page-size-weighted complexity. A request
//! over a limit is refused with QUERY_TOO_COMPLEX, the limit and the actual value, before any SQL;
//! the same shapes within the limits run.

use crate::helpers::{TestApp, db_test, error_code};
use kizuna::config::Limits;
use serde_json::{Value, json};

/// Runs a request that must be refused without SQL and returns its only error.
async fn refused(app: &TestApp, query: &str, variables: Value) -> Value {
    let before = app.statements();
    let response = app.query_with(query, variables).await;
    assert_eq!(app.statements(), before, "a refused request sends no SQL");
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX", "{response:#}");
    assert_eq!(response["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(response["data"], Value::Null, "{response:#}");
    response["errors"][0].clone()
}

fn assert_numbers(error: &Value, message: &str, limit: u64, actual: u64) {
    assert_eq!(error["message"], message);
    assert_eq!(error["extensions"]["limit"], limit);
    assert_eq!(error["extensions"]["actual"], actual);
}

/// `levels` connections nested alternately (initiatives → sectors → initiatives …), one item each,
/// ending in `slug`: depth 2 × levels + 1. Every second level goes through a named fragment and
/// an inline fragment, which must not hide its depth.
fn nested(levels: usize) -> String {
    let mut inner = String::from("slug");
    for level in (0..levels).rev() {
        let field = if level % 2 == 0 {
            "initiatives"
        } else {
            "sectors"
        };
        inner = if level % 2 == 1 {
            format!("{field}(first: 1) {{ nodes {{ ... on Sector {{ {inner} }} }} }}")
        } else {
            format!("{field}(first: 1) {{ nodes {{ {inner} }} }}")
        };
    }
    format!("{{ ...Top }} fragment Top on QueryRoot {{ {inner} }}")
}

const FAN_OUT: &str = "query($n: Int) { initiatives(first: $n) { nodes { sectors(first: $n) { nodes { initiatives(first: $n) { nodes { slug } } } } } } }";

db_test! {
    async fn a_depth_bomb_is_refused_and_the_same_shape_within_the_limit_runs(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let error = refused(&app, &nested(6), json!({})).await;
        assert_numbers(&error, "query depth 13 exceeds the limit of 12", 12, 13);

        let response = app.query(&nested(5)).await;
        assert!(response.get("errors").is_none(), "{response:#}");
        assert_eq!(response["data"]["initiatives"]["nodes"].as_array().map(Vec::len), Some(1));
    }
}

db_test! {
    async fn an_alias_bomb_is_refused_counting_fragment_uses(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let aliases = |n: usize| (0..n).map(|i| format!("a{i}: slug")).collect::<Vec<_>>().join(" ");
        let bomb = format!("{{ directions(first: 1) {{ nodes {{ {} }} }} }}", aliases(31));
        let error = refused(&app, &bomb, json!({})).await;
        assert_numbers(&error, "alias count 31 exceeds the limit of 30", 30, 31);

        // 8 aliases in a fragment used 4 times: 32, though the text holds only 8 + 4.
        let spread = format!(
            "{{ a: directions(first: 1) {{ nodes {{ ...D }} }} b: directions(first: 1) {{ nodes {{ ...D }} }} \
             c: directions(first: 1) {{ nodes {{ ...D }} }} d: directions(first: 1) {{ nodes {{ ...D }} }} }} \
             fragment D on Direction {{ {} }}",
            aliases(8)
        );
        let error = refused(&app, &spread, json!({})).await;
        assert_numbers(&error, "alias count 36 exceeds the limit of 30", 30, 36);

        let within = format!("{{ directions(first: 1) {{ nodes {{ {} }} }} }}", aliases(30));
        let data = app.data(&within).await;
        assert!(data["directions"]["nodes"][0]["a29"].is_string(), "{data:#}");
    }
}

db_test! {
    async fn too_many_root_fields_are_refused(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let roots = |n: usize| {
            let fields: Vec<String> = (0..n).map(|i| format!("r{i}: sectors(first: 1) {{ totalCount }}")).collect();
            format!("{{ {} }}", fields.join(" "))
        };
        let error = refused(&app, &roots(21), json!({})).await;
        assert_numbers(&error, "root field count 21 exceeds the limit of 20", 20, 21);

        let data = app.data(&roots(20)).await;
        assert_eq!(data["r0"]["totalCount"], data["r19"]["totalCount"]);
        assert!(data["r19"]["totalCount"].as_i64() > Some(0), "{data:#}");
    }
}

db_test! {
    async fn a_connection_fan_out_is_refused_by_page_size_weighted_complexity(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        // inner initiatives 1 + (1 + 100) = 102; sectors 1 + (1 + 100 × 102) = 10202;
        // outer 1 + (1 + 100 × 10202) = 1020202.
        let error = refused(&app, FAN_OUT, json!({ "n": 100 })).await;
        assert_numbers(&error, "query complexity 1020202 exceeds the limit of 1000000", 1_000_000, 1_020_202);

        // Omitted page sizes are the default (50): 52, 2602, 130102, then 6505102.
        let defaults = "{ initiatives { nodes { sectors { nodes { initiatives { nodes { sectors { nodes { slug } } } } } } } } }";
        let error = refused(&app, defaults, json!({})).await;
        assert_numbers(&error, "query complexity 6505102 exceeds the limit of 1000000", 1_000_000, 6_505_102);

        // The README's first example, at default pages (390252), stays allowed.
        let readme = "{ directions { nodes { number name initiatives { totalCount nodes { slug status \
                      sectors { nodes { slug } } prefectures { nodes { slug nameJa } } } } } } }";
        let data = app.data(readme).await;
        assert_eq!(data["directions"]["nodes"].as_array().map(Vec::len), Some(8));
        // So does the benchmark's reference shape with names at every level (515202).
        let reference = "{ directions { nodes { number name initiatives(first: 50) { nodes { slug name \
                         sectors { nodes { slug name } } prefectures { nodes { slug name } } } } } } }";
        let data = app.data(reference).await;
        assert_eq!(data["directions"]["nodes"].as_array().map(Vec::len), Some(8));

        // The same shape with pages of 10: 1222.
        let response = app.query_with(FAN_OUT, json!({ "n": 10 })).await;
        assert!(response.get("errors").is_none(), "{response:#}");
        let nodes = response["data"]["initiatives"]["nodes"].as_array().map(Vec::len);
        assert_eq!(nodes, Some(10));
    }
}

db_test! {
    async fn limits_are_configurable(backend) {
        let tight = Limits {
            max_depth: 5,
            max_aliases: 2,
            max_root_fields: 1,
            max_complexity: 1000,
            ..Limits::default()
        };
        let Some(app) = TestApp::with_limits(backend, tight).await else { return };
        let error = refused(&app, FAN_OUT, json!({ "n": 10 })).await;
        assert_numbers(&error, "query depth 7 exceeds the limit of 5", 5, 7);
        // sectors 1 + 1 (totalCount, once) + (1 + 100) = 103; initiatives 1 + (1 + 10 × 103) = 1032.
        let error = refused(&app, "{ initiatives(first: 10) { nodes { sectors(first: 100) { totalCount nodes { slug } } } } }", json!({})).await;
        assert_numbers(&error, "query complexity 1032 exceeds the limit of 1000", 1000, 1032);
        let error = refused(&app, "{ directions(first: 1) { nodes { a: slug b: slug c: slug } } }", json!({})).await;
        assert_numbers(&error, "alias count 3 exceeds the limit of 2", 2, 3);
        let error = refused(&app, "{ directions(first: 1) { totalCount } sectors(first: 1) { totalCount } }", json!({})).await;
        assert_numbers(&error, "root field count 2 exceeds the limit of 1", 1, 2);
        // Within the tight limits (922), requests still run.
        let data = app.data("{ initiatives(first: 10) { nodes { sectors(first: 90) { nodes { slug } } } } }").await;
        assert_eq!(data["initiatives"]["nodes"].as_array().map(Vec::len), Some(10));
    }
}

/// The introspection query GraphiQL sends (graphql-js `getIntrospectionQuery` with descriptions,
/// `specifiedByURL`, `isRepeatable`, schema description and deprecated input values): 13 fields
/// deep through `args { type { ...TypeRef } }`, with `ofType` nested 7 times below that.
const GRAPHIQL_INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}
fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}
fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
              }
            }
          }
        }
      }
    }
  }
}
"#;

db_test! {
    async fn graphiql_introspection_runs_under_the_default_limits(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let response = app.query(GRAPHIQL_INTROSPECTION).await;
        assert!(response.get("errors").is_none(), "{response:#}");
        let types = response["data"]["__schema"]["types"].as_array().map(Vec::len).unwrap_or(0);
        assert!(types > 50, "{types} types");
        assert_eq!(response["data"]["__schema"]["queryType"]["name"], "QueryRoot");
    }
}

db_test! {
    async fn http_batches_are_refused_and_http_requests_see_the_limits(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let client = reqwest::Client::new();
        // The POST handler takes one request: a batch array is a 400 before anything runs, so
        // batches need no limit of their own.
        let before = app.statements();
        let batch = client
            .post(server.url("/graphql"))
            .json(&json!([{ "query": "{ sectors(first: 1) { totalCount } }" }, { "query": "{ __typename }" }]))
            .send()
            .await
            .expect("POST");
        assert_eq!(batch.status(), reqwest::StatusCode::BAD_REQUEST);
        assert_eq!(app.statements(), before);

        let response: Value = client
            .post(server.url("/graphql"))
            .json(&json!({ "query": FAN_OUT, "variables": { "n": 100 } }))
            .send()
            .await
            .expect("POST")
            .json()
            .await
            .expect("JSON body");
        assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX");
        assert_eq!(response["errors"][0]["extensions"]["actual"], 1_020_202);
        server.shutdown().await.expect("clean shutdown");
    }
}
