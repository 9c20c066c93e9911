//! Clear errors for bad input: each with a code, a message that says what is wrong, and no data
//! leaked or half-returned.

use crate::helpers::{TestApp, db_test, error_code};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

db_test! {
    async fn oversize_and_negative_first_are_bad_user_input(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let response = app.query("{ initiatives(first: 101) { totalCount } }").await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT");
        assert_eq!(response["errors"][0]["extensions"]["field"], "first");
        let message = response["errors"][0]["message"].as_str().expect("message");
        assert!(message.contains("101") && message.contains("100"), "{message}");
        assert_eq!(response["data"]["initiatives"], Value::Null);

        let nested = app.query("{ directions { nodes { initiatives(first: 1000) { totalCount } } } }").await;
        assert_eq!(error_code(&nested), "BAD_USER_INPUT");

        let negative = app.query("{ sectors(first: -1) { totalCount } }").await;
        assert_eq!(error_code(&negative), "BAD_USER_INPUT");

        let exactly_max = app.query("{ sources(first: 100) { nodes { slug } } }").await;
        assert!(exactly_max.get("errors").is_none(), "{exactly_max}");
        assert_eq!(exactly_max["data"]["sources"]["nodes"].as_array().map(Vec::len), Some(96));
    }
}

db_test! {
    async fn forged_or_foreign_cursors_are_rejected(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        for cursor in ["nonsense", "b2Zmc2V0OjEw", &URL_SAFE_NO_PAD.encode("kz1:-3")] {
            let response = app
                .query_with(
                    "query($c: String) { initiatives(first: 2, after: $c) { totalCount } }",
                    serde_json::json!({ "c": cursor }),
                )
                .await;
            assert_eq!(error_code(&response), "BAD_USER_INPUT", "cursor {cursor}");
            assert_eq!(response["errors"][0]["extensions"]["field"], "after");
        }
    }
}

db_test! {
    async fn unknown_slugs_are_not_found_and_name_the_slug(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        for query in [
            r#"{ initiative(slug: "no-such-initiative") { name } }"#,
            r#"{ prefecture(slug: "atlantis") { name } }"#,
            r#"{ direction(number: 9) { name } }"#,
        ] {
            let response = app.query(query).await;
            assert_eq!(error_code(&response), "NOT_FOUND", "{query}: {response}");
            let message = response["errors"][0]["message"].as_str().expect("message");
            assert!(message.starts_with("no "), "{message}");
        }
        let both = app.query(r#"{ direction(number: 1, slug: "x") { name } }"#).await;
        assert_eq!(error_code(&both), "BAD_USER_INPUT");
    }
}

db_test! {
    async fn node_ids_not_issued_here_are_bad_input_and_missing_rows_are_null(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let forged = app.query(r#"{ node(id: "U2VjdG9yOm5vcGU") { id } }"#).await;
        assert_eq!(error_code(&forged), "BAD_USER_INPUT");
        let missing_id = URL_SAFE_NO_PAD.encode("Sector:999999");
        let missing = app
            .query_with("query($id: ID!) { node(id: $id) { id } }", serde_json::json!({ "id": missing_id }))
            .await;
        assert!(missing.get("errors").is_none(), "{missing}");
        assert_eq!(missing["data"]["node"], Value::Null);
    }
}
