//! Mutations: the auth matrix, error codes with nothing written, and what a write leaves behind.

use crate::helpers::{TestApp, db_test, error_code};
use kizuna::domain::Role;
use serde_json::{Value, json};

/// Every mutation with an input that succeeds on the shipped data, in an order where each one's
/// preconditions hold (the later ones use what `createInitiative` made).
pub(crate) fn mutations() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "createInitiative",
            "mutation($i: CreateInitiativeInput!) { createInitiative(input: $i) { initiative { slug } event { kind } } }",
            json!({ "i": { "slug": "green-ammonia-corridor", "name": "Green ammonia corridor",
                "description": "Shipping green ammonia from Indian ports to Japanese power plants.",
                "directionNumber": 4, "status": "ANNOUNCED", "sectors": ["hydrogen-ammonia"],
                "prefectures": ["fukuoka"], "indianStates": ["gujarat"], "sources": ["s-jetro-summit"] } }),
        ),
        (
            "updateInitiative",
            "mutation($i: UpdateInitiativeInput!) { updateInitiative(input: $i) { event { kind } } }",
            json!({ "i": { "slug": "green-ammonia-corridor", "description": "Ammonia from Kandla to Kitakyushu." } }),
        ),
        (
            "setInitiativeStatus",
            "mutation($i: SetInitiativeStatusInput!) { setInitiativeStatus(input: $i) { event { kind } } }",
            json!({ "i": { "slug": "green-ammonia-corridor", "status": "SIGNED" } }),
        ),
        (
            "linkInitiativeSector",
            "mutation($i: InitiativeSectorInput!) { linkInitiativeSector(input: $i) { event { kind } } }",
            json!({ "i": { "initiative": "green-ammonia-corridor", "sector": "ports-shipping" } }),
        ),
        (
            "unlinkInitiativeSector",
            "mutation($i: InitiativeSectorInput!) { unlinkInitiativeSector(input: $i) { event { kind } } }",
            json!({ "i": { "initiative": "green-ammonia-corridor", "sector": "ports-shipping" } }),
        ),
        (
            "addInitiativeParticipant",
            "mutation($i: InitiativeParticipantInput!) { addInitiativeParticipant(input: $i) { event { kind } } }",
            json!({ "i": { "initiative": "green-ammonia-corridor", "prefecture": "yamaguchi", "role": "receiving port" } }),
        ),
        (
            "removeInitiativeParticipant",
            "mutation($i: InitiativeParticipantInput!) { removeInitiativeParticipant(input: $i) { event { kind } } }",
            json!({ "i": { "initiative": "green-ammonia-corridor", "prefecture": "yamaguchi" } }),
        ),
        (
            "recordInitiativeEvent",
            "mutation($i: RecordInitiativeEventInput!) { recordInitiativeEvent(input: $i) { event { kind } } }",
            json!({ "i": { "initiative": "green-ammonia-corridor", "description": "Feasibility study signed.",
                "event": "ev-2026-07-02-16th-annual-summit" } }),
        ),
        (
            "recordEventParticipant",
            "mutation($i: RecordEventParticipantInput!) { recordEventParticipant(input: $i) { participant { attendance } logEntry { kind } } }",
            json!({ "i": { "event": "ev-2025-08-30-governors-meeting", "prefecture": "iwate",
                "attendance": "CONFIRMED", "sources": ["s-iwate-governor-msg-202512"] } }),
        ),
        (
            "createSource",
            "mutation($i: CreateSourceInput!) { createSource(input: $i) { source { slug published { text } } logEntry { kind } } }",
            json!({ "i": { "slug": "s-test-release", "title": "A press release", "published": "2026-09",
                "url": "https://example.org/release", "kind": "PRIMARY" } }),
        ),
        (
            "createPartnership",
            "mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) { partnership { slug prefecture { slug } } logEntry { kind } } }",
            json!({ "i": { "slug": "odisha-kochi", "indianState": "odisha", "prefectures": ["kochi"],
                "nature": "MoU on ports and fisheries", "established": "2026-10", "status": "ACTIVE",
                "sources": ["s-test-release"] } }),
        ),
        (
            "archiveInitiative",
            "mutation($i: ArchiveInitiativeInput!) { archiveInitiative(input: $i) { initiative { status } event { kind } } }",
            json!({ "i": { "slug": "green-ammonia-corridor", "reason": "Merged into the hydrogen initiative." } }),
        ),
    ]
}

db_test! {
    /// Each mutation: anonymous is UNAUTHENTICATED and a viewer FORBIDDEN, with nothing written;
    /// an editor succeeds and the log grows by one entry.
    async fn every_mutation_needs_an_editor_and_writes_nothing_otherwise(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        for (name, query, variables) in mutations() {
            let before = app.snapshot().await;
            let anonymous = app.exec_as(None, query, variables.clone()).await;
            assert_eq!(error_code(&anonymous), "UNAUTHENTICATED", "{name}: {anonymous}");
            let viewer = app.exec_as(Some(Role::Viewer), query, variables.clone()).await;
            assert_eq!(error_code(&viewer), "FORBIDDEN", "{name}: {viewer}");
            assert_eq!(app.snapshot().await, before, "{name}: refused writes leave no trace");

            let editor = app.exec_as(Some(Role::Editor), query, variables.clone()).await;
            assert!(editor.get("errors").is_none(), "{name}: {editor}");
            let after = app.snapshot().await;
            let head = |s: &[(&str, i64)]| s.iter().find(|(t, _)| *t == "event_log_head").map(|(_, n)| *n);
            assert_eq!(head(&after), head(&before).map(|n| n + 1), "{name} appends one log entry");
        }
        let admin = app
            .exec_as(
                Some(Role::Admin),
                "mutation { setInitiativeStatus(input: { slug: \"ijicp\", status: ACHIEVED }) { initiative { status } } }",
                json!({}),
            )
            .await;
        assert_eq!(admin["data"]["setInitiativeStatus"]["initiative"]["status"], "ACHIEVED");
    }
}

db_test! {
    async fn invalid_unknown_and_duplicate_input_get_their_codes_and_write_nothing(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let create = "mutation($i: CreateInitiativeInput!) { createInitiative(input: $i) { initiative { slug } } }";
        let base = json!({ "slug": "new-thing", "name": "New thing", "description": "Something new.",
            "status": "PLANNED", "sectors": ["batteries"] });
        let with = |key: &str, value: Value| {
            let mut input = base.clone();
            input[key] = value;
            json!({ "i": input })
        };
        let cases = [
            (with("slug", json!("Not A Slug")), "BAD_USER_INPUT", Some("input.slug")),
            (with("name", json!("   ")), "BAD_USER_INPUT", Some("input.name")),
            (with("directionNumber", json!(9)), "BAD_USER_INPUT", Some("input.directionNumber")),
            (with("status", json!("ARCHIVED")), "BAD_USER_INPUT", Some("input.status")),
            (with("sectors", json!(["batteries", "warp-drives"])), "NOT_FOUND", None),
            (with("prefectures", json!(["atlantis"])), "NOT_FOUND", None),
            (with("slug", json!("ijicp")), "CONFLICT", None),
        ];
        let before = app.snapshot().await;
        for (variables, code, field) in cases {
            let response = app.exec_as(Some(Role::Editor), create, variables.clone()).await;
            assert_eq!(error_code(&response), code, "{variables}: {response}");
            if let Some(field) = field {
                assert_eq!(response["errors"][0]["extensions"]["field"], field, "{response}");
            }
            assert_eq!(app.snapshot().await, before, "{variables}: nothing written");
        }
        let unlink = app
            .exec_as(
                Some(Role::Editor),
                "mutation { unlinkInitiativeSector(input: { initiative: \"ijicp\", sector: \"space\" }) { event { id } } }",
                json!({}),
            )
            .await;
        assert_eq!(error_code(&unlink), "NOT_FOUND");
        let twice = app
            .exec_as(
                Some(Role::Editor),
                "mutation { linkInitiativeSector(input: { initiative: \"ijicp\", sector: \"manufacturing\" }) { event { id } } }",
                json!({}),
            )
            .await;
        assert_eq!(error_code(&twice), "CONFLICT", "ijicp already touches manufacturing");
        assert_eq!(app.snapshot().await, before);
    }
}

db_test! {
    async fn a_created_initiative_is_readable_with_its_links_and_history(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let (_, create, variables) = mutations().remove(0);
        let created = app.exec_as(Some(Role::Editor), create, variables).await;
        assert_eq!(created["data"]["createInitiative"]["event"]["kind"], "CREATED");
        let data = app
            .data(
                r#"{ initiative(slug: "green-ammonia-corridor") { status direction { number }
                     sectors { nodes { slug } } prefectures { nodes { slug } } indianStates { nodes { slug } }
                     sources { totalCount } history { nodes { kind actor payload } } }
                   initiatives(filter: { sectors: { some: { slug: { eq: "hydrogen-ammonia" } } },
                                         prefectures: { some: { slug: { eq: "fukuoka" } } } }) { nodes { slug } } }"#,
            )
            .await;
        let initiative = &data["initiative"];
        assert_eq!(initiative["status"], "ANNOUNCED");
        assert_eq!(initiative["direction"]["number"], 4);
        assert_eq!(initiative["sectors"]["nodes"][0]["slug"], "hydrogen-ammonia");
        assert_eq!(initiative["prefectures"]["nodes"][0]["slug"], "fukuoka");
        assert_eq!(initiative["indianStates"]["nodes"][0]["slug"], "gujarat");
        assert_eq!(initiative["sources"]["totalCount"], 1);
        let history = initiative["history"]["nodes"].as_array().expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["actor"], "test-editor");
        assert_eq!(history[0]["payload"]["sectors"], json!(["hydrogen-ammonia"]));
        assert_eq!(data["initiatives"]["nodes"][0]["slug"], "green-ammonia-corridor");
    }
}

db_test! {
    /// An editor confirms a governor at the 30 Aug 2025 meeting; unknown stays unknown for the rest.
    async fn recording_a_governor_confirms_attendance_with_its_source(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let record = "mutation($i: RecordEventParticipantInput!) { recordEventParticipant(input: $i) { participant { attendance } } }";
        for prefecture in ["iwate", "osaka"] {
            let response = app
                .exec_as(
                    Some(Role::Editor),
                    record,
                    json!({ "i": { "event": "ev-2025-08-30-governors-meeting", "prefecture": prefecture,
                        "attendance": "CONFIRMED", "note": "Named in the governor's report.",
                        "sources": ["s-iwate-governor-msg-202512"] } }),
                )
                .await;
            assert!(response.get("errors").is_none(), "{response}");
        }
        let data = app
            .data(
                r#"{ iwate: prefecture(slug: "iwate") { attendance(event: "ev-2025-08-30-governors-meeting") }
                     osaka: prefecture(slug: "osaka") { attendance(event: "ev-2025-08-30-governors-meeting") }
                     tokyo: prefecture(slug: "tokyo") { attendance(event: "ev-2025-08-30-governors-meeting") }
                     event(slug: "ev-2025-08-30-governors-meeting") { participants { totalCount } } }"#,
            )
            .await;
        assert_eq!(data["iwate"]["attendance"], "CONFIRMED", "probable became confirmed");
        assert_eq!(data["osaka"]["attendance"], "CONFIRMED");
        assert_eq!(data["tokyo"]["attendance"], "UNKNOWN");
        assert_eq!(data["event"]["participants"]["totalCount"], 3, "updated in place, one added");
    }
}
