//! The public contract: the committed SDL matches the code, and every type, field and argument
//! is documented (GraphiQL's docs pane is the user manual).

use kizuna::graphql::schema_sdl;

#[test]
fn committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let current = schema_sdl();
    if committed != current {
        if std::env::var_os("KIZUNA_UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &current).expect("write schema.graphql");
            return;
        }
        panic!(
            "schema.graphql is out of date: review the change, then run \
             `cargo run -- export-schema > schema.graphql` (or KIZUNA_UPDATE_SCHEMA=1 cargo test)"
        );
    }
}

#[tokio::test]
async fn every_type_field_and_argument_has_a_description() {
    let schema = async_graphql::Schema::build(
        kizuna::graphql::query::QueryRoot::default(),
        async_graphql::EmptyMutation,
        async_graphql::EmptySubscription,
    )
    .finish();
    let response = schema
        .execute(
            "{ __schema { types { name kind description \
               fields { name description args { name description } } \
               inputFields { name description } enumValues { name description } } } }",
        )
        .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let json = response.data.into_json().expect("JSON");
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let blank = |v: &serde_json::Value| v.as_str().is_none_or(str::is_empty);
    let mut missing = Vec::new();
    for ty in json["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().expect("name");
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        if blank(&ty["description"]) {
            missing.push(format!("type {name}"));
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().expect("name");
            if blank(&field["description"]) {
                missing.push(format!("field {name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if blank(&arg["description"]) {
                    missing.push(format!("argument {name}.{field_name}({})", arg["name"]));
                }
            }
        }
        for field in ty["inputFields"].as_array().into_iter().flatten() {
            if blank(&field["description"]) {
                missing.push(format!("input field {name}.{}", field["name"]));
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            if blank(&value["description"]) {
                missing.push(format!("enum value {name}.{}", value["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
}
