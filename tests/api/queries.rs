//! Schema tests: nested queries over the shipped dataset, checked against the dataset itself.

use crate::helpers::{TestApp, dataset, db_test};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn slugs(connection: &Value) -> BTreeSet<String> {
    connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["slug"].as_str().expect("slug").to_owned())
        .collect()
}

/// direction slug -> initiative ids, from the dataset file.
fn initiatives_by_direction(data: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for initiative in data["initiatives"].as_array().expect("initiatives") {
        let direction = initiative["direction_id"].as_str().unwrap_or_default();
        if !direction.is_empty() {
            map.entry(direction.to_owned())
                .or_default()
                .insert(initiative["id"].as_str().expect("id").to_owned());
        }
    }
    map
}

db_test! {
    /// The query of the foundation issue's "done when", checked against the dataset.
    async fn four_level_query_returns_directions_initiatives_sectors_and_prefectures(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let data = app
            .data(
                "{ directions { nodes { number slug name initiatives { nodes { slug \
                 sectors { nodes { slug } } prefectures { nodes { slug } } } } } } }",
            )
            .await;
        let directions = data["directions"]["nodes"].as_array().expect("directions");
        let numbers: Vec<i64> = directions.iter().map(|d| d["number"].as_i64().expect("number")).collect();
        assert_eq!(numbers, (1..=8).collect::<Vec<_>>());

        let file = dataset();
        let expected = initiatives_by_direction(&file);
        let mut sectors_seen = 0;
        for direction in directions {
            let slug = direction["slug"].as_str().expect("slug");
            assert_eq!(
                slugs(&direction["initiatives"]),
                expected.get(slug).cloned().unwrap_or_default(),
                "initiatives of {slug}"
            );
            for initiative in direction["initiatives"]["nodes"].as_array().expect("nodes") {
                let id = initiative["slug"].as_str().expect("slug");
                let entry = file["initiatives"]
                    .as_array()
                    .expect("initiatives")
                    .iter()
                    .find(|i| i["id"] == id)
                    .expect("initiative in file");
                let want: BTreeSet<String> = entry["sector_ids"]
                    .as_array()
                    .expect("sector ids")
                    .iter()
                    .map(|s| s.as_str().expect("sector").to_owned())
                    .collect();
                assert_eq!(slugs(&initiative["sectors"]), want, "sectors of {id}");
                sectors_seen += want.len();
            }
        }
        assert!(sectors_seen > 60, "the dataset links many sectors ({sectors_seen})");

        let network = directions[7]["initiatives"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|i| i["slug"] == "japan-india-governors-network")
            .expect("governors network under direction 8");
        let participants: BTreeSet<String> = file["events"]
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["id"] == "ev-2026-02-16-governors-network")
            .expect("launch event")["participants"]
            .as_array()
            .expect("participants")
            .iter()
            .map(|p| p.as_str().expect("id").to_owned())
            .collect();
        assert_eq!(slugs(&network["prefectures"]), participants);
    }
}

db_test! {
    /// 16 governors met the Prime Minister; only Fukuoka is confirmed and Iwate probable. The
    /// others are unknown, never a false "no".
    async fn governors_meeting_attendance_keeps_unknown_unknown(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let data = app
            .data(
                r#"{ prefectures(first: 47) { nodes { slug attendance(event: "ev-2025-08-30-governors-meeting") } }
                     event(slug: "ev-2025-08-30-governors-meeting") { participantCount
                       participants { totalCount nodes { attendance prefecture { slug } sources { nodes { slug } } } } } }"#,
            )
            .await;
        let mut by_attendance: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in data["prefectures"]["nodes"].as_array().expect("prefectures") {
            by_attendance
                .entry(p["attendance"].as_str().expect("attendance").to_owned())
                .or_default()
                .push(p["slug"].as_str().expect("slug").to_owned());
        }
        assert_eq!(by_attendance["CONFIRMED"], vec!["fukuoka"]);
        assert_eq!(by_attendance["PROBABLE"], vec!["iwate"]);
        assert_eq!(by_attendance["UNKNOWN"].len(), 45);
        assert!(!by_attendance.contains_key("ABSENT"));
        let event = &data["event"];
        assert_eq!(event["participantCount"], 16);
        assert_eq!(event["participants"]["totalCount"], 2);
        let fukuoka = event["participants"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|p| p["prefecture"]["slug"] == "fukuoka")
            .expect("fukuoka participates");
        assert_eq!(fukuoka["attendance"], "CONFIRMED");
        assert!(slugs(&fukuoka["sources"]).contains("s-fukuoka-press-20250830"));
    }
}

db_test! {
    async fn filters_on_fields_and_related_rows_select_what_the_dataset_links(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let file = dataset();
        let initiatives = file["initiatives"].as_array().expect("initiatives");
        let with = |pred: &dyn Fn(&Value) -> bool| -> BTreeSet<String> {
            initiatives
                .iter()
                .filter(|i| pred(i))
                .map(|i| i["id"].as_str().expect("id").to_owned())
                .collect()
        };
        let data = app
            .data(
                r#"{ batteries: initiatives(filter: { sectors: { some: { slug: { eq: "batteries" } } } }) { totalCount nodes { slug } }
                     signed: initiatives(filter: { status: { eq: SIGNED } }) { totalCount nodes { slug } }
                     mobility: initiatives(filter: { direction: { slug: { eq: "next-gen-mobility" } } }) { nodes { slug } }
                     both: initiatives(filter: { sectors: { some: { slug: { eq: "clean-energy" } } }, status: { eq: LAUNCHED } }) { nodes { slug } }
                     shizuoka: initiatives(filter: { prefectures: { some: { slug: { eq: "shizuoka" } } } }) { nodes { slug } }
                     gujarat: initiatives(filter: { indianStates: { some: { slug: { eq: "gujarat" } } } }) { nodes { slug } } }"#,
            )
            .await;
        let has_sector = |i: &Value, s: &str| i["sector_ids"].as_array().expect("ids").iter().any(|x| x == s);
        assert_eq!(slugs(&data["batteries"]), with(&|i| has_sector(i, "batteries")));
        assert_eq!(data["batteries"]["totalCount"], with(&|i| has_sector(i, "batteries")).len());
        assert_eq!(slugs(&data["signed"]), with(&|i| i["status"] == "signed"));
        assert_eq!(slugs(&data["mobility"]), with(&|i| i["direction_id"] == "next-gen-mobility"));
        assert_eq!(
            slugs(&data["both"]),
            with(&|i| has_sector(i, "clean-energy") && i["status"] == "launched")
        );
        let shizuoka = slugs(&data["shizuoka"]);
        assert!(shizuoka.contains("japan-india-governors-network"), "{shizuoka:?}");
        assert!(shizuoka.contains("state-prefecture-partnership-initiative"), "{shizuoka:?}");
        let gujarat = slugs(&data["gujarat"]);
        assert!(gujarat.contains("mahsr-e10-shinkansen"), "{gujarat:?}");
    }
}

db_test! {
    async fn amounts_are_exact_and_dates_keep_their_precision(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let data = app
            .data(
                r#"{ investmentTargets { nodes { slug amount currency kind initiative { slug } } }
                     hyogo: partnership(slug: "gujarat-hyogo") { established { text precision start } }
                     fukuoka: partnership(slug: "delhi-fukuoka") { established { text precision } }
                     kerala: partnership(slug: "kerala-nakaumi-shinjiko-daisen") {
                       counterpartKind counterpartName prefecture { slug } prefectures { nodes { slug } }
                       renewals { nodes { renewed { text precision } } } } }"#,
            )
            .await;
        let targets = data["investmentTargets"]["nodes"].as_array().expect("targets");
        let ten = targets.iter().find(|t| t["slug"] == "target-2025-jpy-10-trillion").expect("target");
        assert_eq!(ten["amount"], "10000000000000");
        assert_eq!(ten["kind"], "PRIVATE");
        assert_eq!(ten["initiative"]["slug"], "jpy-10-trillion-private-investment-target");
        assert_eq!(data["hyogo"]["established"]["text"], "2016-11");
        assert_eq!(data["hyogo"]["established"]["precision"], "MONTH");
        assert_eq!(data["hyogo"]["established"]["start"], "2016-11-01");
        assert_eq!(data["fukuoka"]["established"]["text"], "2007");
        assert_eq!(data["fukuoka"]["established"]["precision"], "YEAR");
        let kerala = &data["kerala"];
        assert_eq!(kerala["counterpartKind"], "MUNICIPAL_ASSOCIATION");
        assert!(kerala["counterpartName"].as_str().is_some_and(|n| n.contains("Nakaumi")));
        assert_eq!(kerala["prefecture"], Value::Null, "an association of cities is not a prefecture");
        assert_eq!(slugs(&kerala["prefectures"]), BTreeSet::from(["shimane".to_owned(), "tottori".to_owned()]));
        assert_eq!(kerala["renewals"]["nodes"][0]["renewed"]["text"], "2025-10");
    }
}

db_test! {
    async fn nested_fields_resolve_in_both_directions(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let data = app
            .data(
                r#"{ sector(slug: "batteries") { initiatives { nodes { slug direction { number } } } }
                     initiative(slug: "battery-supply-chain") { direction { slug } announcedAt { slug }
                       sources { totalCount } history { nodes { kind sequence } } events { nodes { slug } } }
                     prefecture(slug: "shizuoka") { nameJa partnerships { nodes { slug indianState { slug } prefecture { slug } } } }
                     indianState(slug: "tamil-nadu") { partnerships { totalCount } }
                     event(slug: "ev-2025-08-29-15th-annual-summit") { initiatives { totalCount } } }"#,
            )
            .await;
        let battery = data["sector"]["initiatives"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|i| i["slug"] == "battery-supply-chain")
            .expect("battery supply chain touches batteries");
        assert_eq!(battery["direction"]["number"], 2);
        let initiative = &data["initiative"];
        assert_eq!(initiative["direction"]["slug"], "next-gen-economic-security-partnership");
        assert_eq!(initiative["announcedAt"]["slug"], "ev-2025-08-29-15th-annual-summit");
        assert_eq!(initiative["history"]["nodes"][0]["kind"], "CREATED");
        assert!(initiative["sources"]["totalCount"].as_i64().expect("count") >= 1);
        let shizuoka = &data["prefecture"];
        assert_eq!(shizuoka["nameJa"], "静岡県");
        let gujarat = &shizuoka["partnerships"]["nodes"][0];
        assert_eq!(gujarat["slug"], "gujarat-shizuoka");
        assert_eq!(gujarat["indianState"]["slug"], "gujarat");
        assert_eq!(gujarat["prefecture"]["slug"], "shizuoka");
        assert_eq!(data["indianState"]["partnerships"]["totalCount"], 3);
        let announced_at_summit = dataset()["initiatives"]
            .as_array()
            .expect("initiatives")
            .iter()
            .filter(|i| i["announced_at_event_id"] == "ev-2025-08-29-15th-annual-summit")
            .count();
        assert_eq!(data["event"]["initiatives"]["totalCount"], announced_at_summit);
    }
}

db_test! {
    async fn node_fetches_any_object_by_its_global_id(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let data = app.data(r#"{ initiative(slug: "ijicp") { id } prefecture(slug: "fukuoka") { id } }"#).await;
        let ids = [data["initiative"]["id"].clone(), data["prefecture"]["id"].clone()];
        let nodes = app
            .query_with(
                "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Initiative { slug } ... on Prefecture { slug } } }",
                serde_json::json!({ "ids": ids }),
            )
            .await;
        assert_eq!(nodes["data"]["nodes"][0]["__typename"], "Initiative");
        assert_eq!(nodes["data"]["nodes"][0]["slug"], "ijicp");
        assert_eq!(nodes["data"]["nodes"][1]["__typename"], "Prefecture");
        assert_eq!(nodes["data"]["nodes"][1]["slug"], "fukuoka");
        assert_eq!(nodes["data"]["nodes"][0]["id"], ids[0]);
    }
}
