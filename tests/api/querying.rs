//! The query language: filter semantics, ordering, pagination laws both ways, aggregates.

use crate::helpers::{TestApp, dataset, db_test, error_code};
use kizuna::domain::Role;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn slugs(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["slug"].as_str().expect("slug").to_owned())
        .collect()
}

fn initiatives_where(pred: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    dataset()["initiatives"]
        .as_array()
        .expect("initiatives")
        .iter()
        .filter(|i| pred(i))
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

fn has_sector(initiative: &Value, sector: &str) -> bool {
    initiative["sector_ids"]
        .as_array()
        .expect("sectors")
        .iter()
        .any(|s| s == sector)
}

/// Walks a connection forward with `first: size`, then backward from the end with `last: size`.
async fn walk_both_ways(app: &TestApp, field_args: &str, size: i64) -> (Vec<String>, Vec<String>) {
    let page = |direction: &str| {
        format!(
            "query($n: Int, $c: String) {{ initiatives({field_args}, {direction}) {{ nodes {{ slug }} \
             pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"
        )
    };
    let forward_query = page("first: $n, after: $c");
    let mut forward = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let response = app
            .query_with(&forward_query, json!({ "n": size, "c": cursor }))
            .await;
        assert!(response.get("errors").is_none(), "{response}");
        let connection = &response["data"]["initiatives"];
        forward.extend(slugs(connection));
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        cursor = connection["pageInfo"]["endCursor"].clone();
    }
    let backward_query = page("last: $n, before: $c");
    let mut backward = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let response = app
            .query_with(&backward_query, json!({ "n": size, "c": cursor }))
            .await;
        assert!(response.get("errors").is_none(), "{response}");
        let connection = &response["data"]["initiatives"];
        let mut page = slugs(connection);
        page.reverse();
        backward.extend(page);
        if connection["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
        cursor = connection["pageInfo"]["startCursor"].clone();
    }
    backward.reverse();
    (forward, backward)
}

db_test! {
    /// The query language issue's "done when": batteries or hydrogen initiatives with a
    /// participating prefecture in Kyushu-Okinawa, by name, two per page, forward then backward.
    async fn kyushu_battery_and_hydrogen_initiatives_walk_forward_then_backward(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        // The shipped data links no Kyushu prefecture to these initiatives yet: an editor adds some.
        for (initiative, prefecture) in [
            ("battery-supply-chain", "fukuoka"),
            ("clean-hydrogen-ammonia", "fukuoka"),
            ("clean-hydrogen-ammonia", "kagoshima"),
            ("clean-energy-partnership-2022", "oita"),
            ("semiconductor-cooperation", "kumamoto"),
            ("battery-supply-chain", "aichi"),
        ] {
            let response = app
                .exec_as(
                    Some(Role::Editor),
                    "mutation($i: String!, $p: String!) { addInitiativeParticipant(input: { initiative: $i, prefecture: $p }) { event { id } } }",
                    json!({ "i": initiative, "p": prefecture }),
                )
                .await;
            assert!(response.get("errors").is_none(), "{response}");
        }
        let args = r#"filter: { sectors: { some: { slug: { in: ["batteries", "hydrogen-ammonia"] } } },
                               prefectures: { some: { region: { eq: "Kyushu-Okinawa" } } } },
                      orderBy: [{ field: NAME }]"#;
        let (forward, backward) = walk_both_ways(&app, args, 2).await;
        let expected: BTreeSet<String> = initiatives_where(|i| {
            ["battery-supply-chain", "clean-hydrogen-ammonia", "clean-energy-partnership-2022"]
                .contains(&i["id"].as_str().unwrap_or_default())
                && (has_sector(i, "batteries") || has_sector(i, "hydrogen-ammonia"))
        });
        assert_eq!(expected.len(), 3, "three of the linked initiatives touch batteries or hydrogen");
        assert_eq!(forward.iter().cloned().collect::<BTreeSet<_>>(), expected);
        assert_eq!(forward.len(), 3, "no initiative twice although two have two Kyushu partners");
        assert_eq!(forward, backward, "walking backward visits the same items in the same order");
        let names = app.data(&format!("{{ initiatives({args}) {{ nodes {{ name }} }} }}")).await;
        let names: Vec<&str> = names["initiatives"]["nodes"].as_array().expect("nodes").iter().map(|n| n["name"].as_str().expect("name")).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "ordered by name, by code point on both databases");
    }
}

db_test! {
    async fn and_or_not_and_null_tests_combine_as_boolean_logic(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let count = |filter: &'static str| {
            let app = &app;
            async move {
                let data = app.data(&format!("{{ initiatives(filter: {filter}) {{ totalCount }} }}")).await;
                data["initiatives"]["totalCount"].as_i64().expect("count") as usize
            }
        };
        let signed = initiatives_where(|i| i["status"] == "signed");
        let space = initiatives_where(|i| has_sector(i, "space"));
        let all = initiatives_where(|_| true);
        assert_eq!(count("{ status: { eq: SIGNED } }").await, signed.len());
        assert_eq!(count("{ not: { status: { eq: SIGNED } } }").await, all.len() - signed.len());
        assert_eq!(
            count(r#"{ or: [{ status: { eq: SIGNED } }, { sectors: { some: { slug: { eq: "space" } } } }] }"#).await,
            signed.union(&space).count()
        );
        assert_eq!(
            count(r#"{ and: [{ status: { eq: SIGNED } }, { sectors: { some: { slug: { eq: "space" } } } }] }"#).await,
            signed.intersection(&space).count()
        );
        let outside = initiatives_where(|i| i["direction_id"] == "");
        assert_eq!(count("{ directionMissing: true }").await, outside.len());
        assert_eq!(outside.len(), 2);
        // `every` over an empty list is true; `none` is its complement for `some`.
        let only_defence = initiatives_where(|i| i["sector_ids"].as_array().is_some_and(|s| s.iter().all(|x| x == "defence-security")));
        assert_eq!(count(r#"{ sectors: { every: { slug: { eq: "defence-security" } } } }"#).await, only_defence.len());
        assert_eq!(count(r#"{ sectors: { none: { slug: { eq: "space" } } } }"#).await, all.len() - space.len());
        // Text operators: contains ignores case; LIKE wildcards in input are literal.
        let shinkansen = initiatives_where(|i| i["name"].as_str().is_some_and(|n| n.to_lowercase().contains("shinkansen")));
        assert_eq!(count(r#"{ name: { contains: "SHINKANSEN" } }"#).await, shinkansen.len());
        assert_eq!(count(r#"{ name: { contains: "%" } }"#).await, 0);
        // Events after a date: initiatives announced at an event in 2026 or later.
        let events = dataset()["events"].as_array().expect("events").clone();
        let late: BTreeSet<String> = events
            .iter()
            .filter(|e| e["date"].as_str().is_some_and(|d| d > "2026-01-01"))
            .map(|e| e["id"].as_str().expect("id").to_owned())
            .collect();
        let announced_late = initiatives_where(|i| i["announced_at_event_id"].as_str().is_some_and(|e| late.contains(e)));
        assert_eq!(count(r#"{ events: { some: { date: { gt: "2026-01-01" } } } }"#).await, announced_late.len());
        // Nulls: partnerships without a known establishment date.
        let unknown_dates = dataset()["partnerships"].as_array().expect("p").iter().filter(|p| p["established"].is_null()).count();
        let data = app.data("{ partnerships(filter: { established: { isNull: true } }) { totalCount } }").await;
        assert_eq!(data["partnerships"]["totalCount"], unknown_dates);
    }
}

db_test! {
    /// Keyset pages never repeat or skip an item when rows are inserted between page requests.
    async fn pages_neither_repeat_nor_skip_when_rows_are_inserted_between_them(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let query = "query($c: String) { initiatives(first: 5, after: $c, orderBy: [{ field: NAME }]) \
                     { nodes { slug } pageInfo { hasNextPage endCursor } } }";
        let mut seen = Vec::new();
        let mut cursor = Value::Null;
        let mut inserted = 0;
        loop {
            let response = app.query_with(query, json!({ "c": cursor })).await;
            let connection = &response["data"]["initiatives"];
            seen.extend(slugs(connection));
            if connection["pageInfo"]["hasNextPage"] != true {
                break;
            }
            cursor = connection["pageInfo"]["endCursor"].clone();
            if inserted < 3 {
                // One initiative sorting first (already passed), one sorting last (still ahead).
                for name in [format!("AAA early {inserted}"), format!("zzz late {inserted}")] {
                    let slug = name.to_lowercase().replace(' ', "-");
                    let response = app
                        .exec_as(
                            Some(Role::Editor),
                            "mutation($s: String!, $n: String!) { createInitiative(input: { slug: $s, name: $n, description: \"x\", status: PLANNED }) { event { id } } }",
                            json!({ "s": slug, "n": name }),
                        )
                        .await;
                    assert!(response.get("errors").is_none(), "{response}");
                }
                inserted += 1;
            }
        }
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no item twice");
        let original = initiatives_where(|_| true);
        assert!(original.iter().all(|s| seen.contains(s)), "no original item skipped");
        assert_eq!(seen.iter().filter(|s| s.starts_with("zzz-late")).count(), 3, "rows ahead of the cursor appear");
        assert_eq!(seen.iter().filter(|s| s.starts_with("aaa-early")).count(), 0, "rows behind it do not");
    }
}

db_test! {
    async fn cursors_are_bound_to_their_ordering_and_pagination_directions_do_not_mix(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let data = app.data("{ initiatives(first: 2, orderBy: [{ field: NAME, direction: DESC }]) { pageInfo { endCursor } } }").await;
        let cursor = data["initiatives"]["pageInfo"]["endCursor"].clone();
        let reused = app
            .query_with("query($c: String) { initiatives(first: 2, after: $c) { totalCount } }", json!({ "c": cursor }))
            .await;
        assert_eq!(error_code(&reused), "BAD_USER_INPUT", "{reused}");
        let elsewhere = app
            .query_with("query($c: String) { sectors(first: 2, after: $c, orderBy: [{ field: NAME, direction: DESC }]) { totalCount } }", json!({ "c": cursor }))
            .await;
        assert_eq!(error_code(&elsewhere), "BAD_USER_INPUT", "a cursor from another list");
        let mixed = app.query("{ initiatives(first: 2, last: 2) { totalCount } }").await;
        assert_eq!(error_code(&mixed), "BAD_USER_INPUT");
        let too_many = app.query("{ initiatives(last: 101) { totalCount } }").await;
        assert_eq!(error_code(&too_many), "BAD_USER_INPUT");
    }
}

db_test! {
    async fn total_count_costs_a_statement_only_when_asked_for(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let before = app.statements();
        app.data("{ initiatives(first: 3) { nodes { slug } } }").await;
        let without = app.statements() - before;
        let before = app.statements();
        let data = app.data("{ initiatives(first: 3) { totalCount nodes { slug } } }").await;
        let with = app.statements() - before;
        assert_eq!(data["initiatives"]["totalCount"], 41);
        assert_eq!(with, without + 1);
        // An empty page past the end still knows the total.
        let last = app.data("{ initiatives(last: 1) { pageInfo { endCursor } } }").await;
        let past_end = app
            .query_with(
                "query($c: String) { initiatives(first: 5, after: $c) { totalCount nodes { slug } } }",
                json!({ "c": last["initiatives"]["pageInfo"]["endCursor"] }),
            )
            .await;
        assert_eq!(past_end["data"]["initiatives"]["totalCount"], 41);
        assert_eq!(past_end["data"]["initiatives"]["nodes"], json!([]));
    }
}

db_test! {
    /// Aggregates equal the sums of the rows they group.
    async fn aggregates_match_row_level_counts_and_exact_sums(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let data = app
            .data(
                r#"{ byDirection: initiativeStats(groupBy: [DIRECTION]) { direction { number } count }
                     bySector: initiativeStats(groupBy: [SECTOR], filter: { status: { eq: SIGNED } }) { sector { slug } count }
                     total: initiativeStats { count }
                     totals: investmentTotals(groupBy: [CURRENCY, STATUS]) { currency status count sum }
                     byDirectionAndCurrency: investmentTotals(groupBy: [DIRECTION, CURRENCY]) { direction { number } currency sum }
                     targets: investmentTargets { nodes { amount currency status } } }"#,
            )
            .await;
        assert_eq!(data["total"][0]["count"], 41);
        let by_direction = data["byDirection"].as_array().expect("groups");
        let summed: i64 = by_direction.iter().map(|g| g["count"].as_i64().expect("count")).sum();
        assert_eq!(summed, 41, "every initiative in exactly one direction group (or the null one)");
        for group in by_direction {
            let number = group["direction"]["number"].as_i64();
            let expected = match number {
                Some(n) => {
                    let slug = dataset()["directions"].as_array().expect("d").iter().find(|d| d["number"] == n).expect("direction")["id"].clone();
                    initiatives_where(|i| i["direction_id"] == slug).len()
                }
                None => initiatives_where(|i| i["direction_id"] == "").len(),
            };
            assert_eq!(group["count"], expected, "direction {number:?}");
        }
        for group in data["bySector"].as_array().expect("groups") {
            let sector = group["sector"]["slug"].as_str().expect("every signed initiative has a sector");
            let expected = initiatives_where(|i| i["status"] == "signed" && has_sector(i, sector)).len();
            assert_eq!(group["count"], expected, "signed initiatives in {sector}");
        }
        let rows = data["targets"]["nodes"].as_array().expect("targets");
        for group in data["totals"].as_array().expect("groups") {
            let matching: Vec<&Value> = rows
                .iter()
                .filter(|t| t["currency"] == group["currency"] && t["status"] == group["status"])
                .collect();
            let exact: i64 = matching.iter().map(|t| t["amount"].as_str().expect("amount").parse::<i64>().expect("int")).sum();
            assert_eq!(group["sum"], exact.to_string());
            assert_eq!(group["count"], matching.len());
        }
        let jpy: i64 = data["byDirectionAndCurrency"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| g["sum"].as_str().expect("sum").parse::<i64>().expect("int"))
            .sum();
        assert_eq!(jpy, 18_500_000_000_000, "JPY 3.5 + 5 + 10 trillion, exactly");
        let mixed = app.query("{ investmentTotals(groupBy: [STATUS]) { sum } }").await;
        assert_eq!(error_code(&mixed), "BAD_USER_INPUT", "currencies are never added together");
    }
}

db_test! {
    /// The README's querying examples run as written.
    async fn readme_query_examples_run(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let readme = include_str!("../../README.md");
        let section = readme.split("## Querying").nth(1).expect("a Querying section");
        let section = section.split("## Configuration").next().expect("section end");
        let mut ran = 0;
        for block in section.split("```graphql").skip(1) {
            let query = block.split("```").next().expect("closed block");
            let response = app.query_with(query, json!({ "after": null })).await;
            assert!(response.get("errors").is_none(), "{query}\n{response}");
            ran += 1;
        }
        assert_eq!(ran, 4, "the section's four examples");
    }
}
