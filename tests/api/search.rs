//! Full-text search: what it finds (checked against the shipped data), ranking, keyset paging,
//! hostile input, and documents that follow every write.

use crate::helpers::{Backend, TestApp, dataset, db_test, error_code};
use kizuna::config::Limits;
use kizuna::domain::Role;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

const SEARCH: &str = "query($q: String!, $first: Int, $after: String) { \
    search(query: $q, first: $first, after: $after) { totalCount \
      edges { cursor rank node { __typename \
        ... on Initiative { slug title: name status } ... on Event { slug title } \
        ... on Partnership { slug } ... on Prefecture { slug title: name nameJa } \
        ... on IndianState { slug title: name } ... on Source { slug title } } } \
      nodes { ... on Initiative { slug } } \
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

/// One search result as the tests look at it.
#[derive(Clone, Debug)]
struct Found {
    cursor: String,
    typename: String,
    slug: String,
    title: String,
    rank: f64,
}

impl Found {
    fn key(&self) -> (String, String) {
        (self.typename.clone(), self.slug.clone())
    }
}

fn found(edges: &Value) -> Vec<Found> {
    edges
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| Found {
            cursor: e["cursor"].as_str().expect("cursor").to_owned(),
            typename: e["node"]["__typename"].as_str().expect("type").to_owned(),
            slug: e["node"]["slug"].as_str().expect("slug").to_owned(),
            title: e["node"]["title"].as_str().unwrap_or_default().to_owned(),
            rank: e["rank"].as_f64().expect("rank"),
        })
        .collect()
}

/// One page of a search that must succeed.
async fn page(app: &TestApp, q: &str, first: i64, after: &Value) -> Value {
    let response = app
        .query_with(SEARCH, json!({ "q": q, "first": first, "after": after }))
        .await;
    assert!(response.get("errors").is_none(), "{q:?}: {response:#}");
    response["data"]["search"].clone()
}

/// Every result of a search, walking pages of `first`.
async fn walk(app: &TestApp, q: &str, first: i64) -> Vec<Found> {
    let mut all = Vec::new();
    let mut after = Value::Null;
    loop {
        let search = page(app, q, first, &after).await;
        let results = found(&search["edges"]);
        let info = &search["pageInfo"];
        assert_eq!(
            info["hasPreviousPage"],
            !after.is_null(),
            "{q:?} after {after}"
        );
        all.extend(results.iter().cloned());
        if info["hasNextPage"] == false {
            assert_eq!(
                search["totalCount"].as_u64(),
                Some(all.len() as u64),
                "{q:?}"
            );
            return all;
        }
        assert_eq!(
            results.len() as i64,
            first,
            "{q:?}: only the last page is short"
        );
        after = info["endCursor"].clone();
    }
}

/// Lowercase words, split where the index splits them (at anything not a letter or digit).
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// An independent account of the documents, from the dataset file: (GraphQL type, slug,
/// title text, all text).
fn documents() -> Vec<(&'static str, String, String, String)> {
    let data = dataset();
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    let names = |collection: &str| -> HashMap<String, String> {
        data[collection]
            .as_array()
            .expect("collection")
            .iter()
            .map(|x| (text(&x["id"]), text(&x["name"])))
            .collect()
    };
    let (sectors, directions, prefectures, states) = (
        names("sectors"),
        names("directions"),
        names("prefectures"),
        names("indian_states"),
    );
    let list = |ids: &Value, names: &HashMap<String, String>| {
        ids.as_array()
            .into_iter()
            .flatten()
            .map(|id| names[id.as_str().expect("id")].clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut docs = Vec::new();
    let mut add =
        |collection: &str, typename: &'static str, doc: &dyn Fn(&Value) -> (String, String)| {
            for x in data[collection].as_array().expect("collection") {
                let (title, body) = doc(x);
                docs.push((
                    typename,
                    text(&x["id"]),
                    title.clone(),
                    format!("{title} {body}"),
                ));
            }
        };
    add("initiatives", "Initiative", &|i| {
        let direction = directions
            .get(&text(&i["direction_id"]))
            .cloned()
            .unwrap_or_default();
        let body = [
            text(&i["description"]),
            text(&i["notes"]),
            list(&i["sector_ids"], &sectors),
            direction,
        ];
        (text(&i["name"]), body.join(" "))
    });
    add("events", "Event", &|e| {
        (
            text(&e["title"]),
            [
                text(&e["location"]),
                text(&e["outcomes"]),
                text(&e["notes"]),
            ]
            .join(" "),
        )
    });
    add("partnerships", "Partnership", &|p| {
        let title = format!(
            "{} {}",
            states[&text(&p["indian_state_id"])],
            list(&p["prefecture_ids"], &prefectures)
        );
        (title, [text(&p["nature"]), text(&p["notes"])].join(" "))
    });
    add("prefectures", "Prefecture", &|p| {
        (
            format!("{} {}", text(&p["name"]), text(&p["name_ja"])),
            format!("{} {}", text(&p["region"]), text(&p["capital"])),
        )
    });
    add("indian_states", "IndianState", &|s| {
        (text(&s["name"]), text(&s["capital"]))
    });
    add("sources", "Source", &|s| {
        (text(&s["title"]), text(&s["publisher"]))
    });
    docs
}

/// The (type, slug) of every document holding any of `forms` as a word.
fn expected(forms: &[&str]) -> BTreeSet<(String, String)> {
    documents()
        .into_iter()
        .filter(|(_, _, _, all)| forms.iter().any(|f| words(all).contains(*f)))
        .map(|(typename, slug, _, _)| (typename.to_owned(), slug))
        .collect()
}

fn keys(results: &[Found]) -> BTreeSet<(String, String)> {
    results.iter().map(Found::key).collect()
}

fn assert_best_first(results: &[Found]) {
    for pair in results.windows(2) {
        assert!(pair[0].rank >= pair[1].rank, "out of order: {pair:?}");
    }
}

db_test! {
    async fn shinkansen_finds_exactly_the_documents_that_name_it(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let results = walk(&app, "Shinkansen", 100).await;
        let want = expected(&["shinkansen"]);
        assert!(want.len() >= 3, "the data names the Shinkansen in several places: {want:?}");
        assert_eq!(keys(&results), want);
        assert_best_first(&results);
        let first_initiative = results.iter().find(|r| r.typename == "Initiative").expect("an initiative");
        assert_eq!(first_initiative.slug, "mahsr-e10-shinkansen");
        // Case does not matter.
        assert_eq!(keys(&walk(&app, "shinKANSEN", 100).await), want);
    }
}

db_test! {
    /// "semiconductor" also finds documents that only say "semiconductors", and the initiative
    /// named for it comes first: a title match outranks every match in the body alone.
    async fn stemming_finds_plurals_and_title_matches_rank_first(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let results = walk(&app, "semiconductor", 100).await;
        let plural_only: BTreeSet<_> = expected(&["semiconductors"])
            .difference(&expected(&["semiconductor"]))
            .cloned()
            .collect();
        assert!(
            plural_only.contains(&("Initiative".to_owned(), "economic-security-initiative".to_owned())),
            "the data has an initiative that only says \"semiconductors\": {plural_only:?}"
        );
        assert_eq!(keys(&results), expected(&["semiconductor", "semiconductors"]));
        assert_best_first(&results);
        let first_initiative = results.iter().find(|r| r.typename == "Initiative").expect("an initiative");
        assert_eq!(first_initiative.slug, "semiconductor-cooperation", "{results:#?}");

        let in_title = |r: &Found| words(&r.title).iter().any(|w| w.starts_with("semiconductor"));
        let (titled, body_only): (Vec<&Found>, Vec<&Found>) = results.iter().partition(|r| in_title(r));
        assert!(titled.len() >= 2 && body_only.len() >= 3, "both kinds of match: {results:#?}");
        let worst_titled = titled.iter().map(|r| r.rank).fold(f64::INFINITY, f64::min);
        let best_body = body_only.iter().map(|r| r.rank).fold(f64::NEG_INFINITY, f64::max);
        assert!(worst_titled > best_body, "{worst_titled} vs {best_body}: {results:#?}");
        // The plural finds the same set.
        assert_eq!(keys(&walk(&app, "Semiconductors", 100).await), keys(&results));
    }
}

db_test! {
    async fn japanese_names_match_exactly(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let results = walk(&app, "福岡県", 100).await;
        assert_eq!(results[0].typename, "Prefecture");
        assert_eq!(results[0].slug, "fukuoka");
        assert_eq!(keys(&results), expected(&["福岡県"]));
        // Japanese text is not segmented: a part of a name is not a word of it.
        assert!(walk(&app, "福岡", 100).await.is_empty());
        let osaka = walk(&app, "大阪府", 100).await;
        assert_eq!(osaka.first().map(|r| r.slug.as_str()), Some("osaka"));
        // Several words must all match: Fukuoka's capital is Fukuoka, its region Kyushu-Okinawa.
        let both = walk(&app, "fukuoka kyushu", 100).await;
        assert!(both.iter().any(|r| r.slug == "fukuoka"), "{both:#?}");
        assert!(both.len() < walk(&app, "fukuoka", 100).await.len());
    }
}

db_test! {
    async fn paging_walks_every_result_once_in_rank_order(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let all = walk(&app, "india", 100).await;
        assert!(all.len() > 5 * 7, "enough results for several pages: {}", all.len());
        let by_seven = walk(&app, "india", 7).await;
        assert_eq!(by_seven.len(), all.len());
        assert_eq!(keys(&by_seven).len(), all.len(), "no result twice");
        let order = |r: &[Found]| r.iter().map(Found::key).collect::<Vec<_>>();
        assert_eq!(order(&by_seven), order(&all), "page size does not change the order");
        assert_best_first(&by_seven);
        let distinct_ranks: BTreeSet<u64> = all.iter().map(|r| r.rank.to_bits()).collect();
        assert!(distinct_ranks.len() < all.len(), "ties exist, so the keyset's tie-break is exercised");

        // Page limits, cursors of other searches and forged cursors are the client's error.
        let first_page = page(&app, "india", 2, &Value::Null).await;
        let cursor = first_page["pageInfo"]["endCursor"].clone();
        assert_eq!(first_page["nodes"].as_array().map(Vec::len), Some(2));
        for (q, first, after, field) in [
            ("india", 101, Value::Null, "first"),
            ("india", -1, Value::Null, "first"),
            ("japan", 5, cursor.clone(), "after"),
            ("india", 5, json!("a2l6MTo1"), "after"),
            ("india", 5, json!("not a cursor"), "after"),
        ] {
            let response = app.query_with(SEARCH, json!({ "q": q, "first": first, "after": after })).await;
            assert_eq!(error_code(&response), "BAD_USER_INPUT", "{q} {first} {after}: {response}");
            assert_eq!(response["errors"][0]["extensions"]["field"], field);
        }
        // After the last result: an empty page that still counts everything.
        let last = json!(by_seven.last().expect("results").cursor);
        let tail = page(&app, "india", 7, &last).await;
        assert_eq!(tail["edges"], json!([]));
        assert_eq!(tail["totalCount"].as_u64(), Some(all.len() as u64));
        assert_eq!(tail["pageInfo"]["hasNextPage"], false);
        assert_eq!(tail["pageInfo"]["hasPreviousPage"], true);
    }
}

db_test! {
    async fn hostile_queries_are_results_or_bad_input_never_internal(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let hostile = [
            "", "   ", "\"", "\"\"\"", "*", "india*", "a OR", "OR", "NOT india", "-india", "india -japan",
            "'); DROP TABLE initiatives;--", "' OR 1=1 --", ":*", "japan:*", "title:india", "body : x",
            "(", "india)", "NEAR(india japan)", "india + japan", "^india", "{india}", "[japan]",
            "%", "_", "\\", "$1", "?", "&", "|", "!", "<->", "a & b | !c", "e10\u{0}shinkansen",
            "\u{0}", "ü", "–", "福岡県;--",
        ];
        for q in hostile {
            let response = app.query_with(SEARCH, json!({ "q": q, "first": 5 })).await;
            match response.get("errors") {
                None => assert!(response["data"]["search"]["totalCount"].is_u64(), "{q:?}: {response}"),
                Some(_) => {
                    assert_eq!(error_code(&response), "BAD_USER_INPUT", "{q:?}: {response}");
                    assert_eq!(response["errors"][0]["extensions"]["field"], "query", "{q:?}");
                }
            }
        }
        for blank in ["", "   ", "\"", "*", ":*", "\u{0}"] {
            let response = app.query_with(SEARCH, json!({ "q": blank })).await;
            assert_eq!(error_code(&response), "BAD_USER_INPUT", "{blank:?}: {response}");
        }
        let injected = page(&app, "'); DROP TABLE initiatives;--", 5, &Value::Null).await;
        assert_eq!(injected["totalCount"], 0, "no document holds all of drop, table and initiatives");
        let shinkansen = page(&app, "e10\u{0}shinkansen", 5, &Value::Null).await;
        assert!(found(&shinkansen["edges"]).iter().any(|r| r.slug == "mahsr-e10-shinkansen"), "{shinkansen}");
        let data = app.data("{ initiatives { totalCount } }").await;
        assert_eq!(data["initiatives"]["totalCount"], 41, "the initiatives table is intact");
    }
}

/// Runs a mutation as an editor; it must succeed.
async fn write(app: &TestApp, query: &str, input: Value) {
    let response = app
        .exec_as(Some(Role::Editor), query, json!({ "i": input }))
        .await;
    assert!(response.get("errors").is_none(), "{response:#}");
}

/// The slugs a search finds, with the status of initiatives among them.
async fn slugs(app: &TestApp, q: &str) -> Vec<(String, Value)> {
    let search = page(app, q, 100, &Value::Null).await;
    search["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["slug"].as_str().expect("slug").to_owned(),
                e["node"]["status"].clone(),
            )
        })
        .collect()
}

db_test! {
    async fn documents_follow_every_write(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        assert!(slugs(&app, "zephyrium").await.is_empty());
        write(
            &app,
            "mutation($i: CreateInitiativeInput!) { createInitiative(input: $i) { initiative { slug } } }",
            json!({ "slug": "zephyrium-corridor", "name": "Zephyrium corridor",
                "description": "Shipping green ammonia from Kandla to Kitakyushu.", "status": "ANNOUNCED" }),
        )
        .await;
        assert_eq!(slugs(&app, "zephyrium").await, vec![("zephyrium-corridor".to_owned(), json!("ANNOUNCED"))]);
        assert_eq!(slugs(&app, "zephyrium kitakyushu").await.len(), 1, "the description is indexed");

        write(
            &app,
            "mutation($i: UpdateInitiativeInput!) { updateInitiative(input: $i) { initiative { slug } } }",
            json!({ "slug": "zephyrium-corridor", "name": "Quokkanite corridor", "description": "Renamed." }),
        )
        .await;
        assert!(slugs(&app, "zephyrium").await.is_empty(), "the old name is gone");
        assert!(slugs(&app, "quokkanite kitakyushu").await.is_empty(), "so is the old description");
        assert_eq!(slugs(&app, "quokkanite").await.len(), 1);

        // A document also holds the names of linked rows: linking a sector adds its name.
        let link = "mutation($i: InitiativeSectorInput!) { linkInitiativeSector(input: $i) { event { kind } } }";
        assert!(slugs(&app, "quokkanite railways").await.is_empty());
        write(&app, link, json!({ "initiative": "zephyrium-corridor", "sector": "railways" })).await;
        assert_eq!(slugs(&app, "quokkanite railways").await.len(), 1);
        write(
            &app,
            "mutation($i: InitiativeSectorInput!) { unlinkInitiativeSector(input: $i) { event { kind } } }",
            json!({ "initiative": "zephyrium-corridor", "sector": "railways" }),
        )
        .await;
        assert!(slugs(&app, "quokkanite railways").await.is_empty(), "unlinking removes it");

        write(
            &app,
            "mutation($i: ArchiveInitiativeInput!) { archiveInitiative(input: $i) { initiative { status } } }",
            json!({ "slug": "zephyrium-corridor", "reason": "Merged." }),
        )
        .await;
        assert_eq!(slugs(&app, "quokkanite").await, vec![("zephyrium-corridor".to_owned(), json!("ARCHIVED"))]);

        // Other kinds follow their writes too.
        write(
            &app,
            "mutation($i: CreateSourceInput!) { createSource(input: $i) { source { slug } } }",
            json!({ "slug": "s-wombatite", "title": "Wombatite press release", "kind": "PRIMARY" }),
        )
        .await;
        assert_eq!(slugs(&app, "wombatite").await, vec![("s-wombatite".to_owned(), Value::Null)]);
        write(
            &app,
            "mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) { partnership { slug } } }",
            json!({ "slug": "odisha-kochi", "indianState": "odisha", "prefectures": ["kochi"],
                "nature": "MoU on numbatite fisheries", "status": "ACTIVE" }),
        )
        .await;
        assert_eq!(slugs(&app, "numbatite odisha kochi").await, vec![("odisha-kochi".to_owned(), Value::Null)]);

        // A refused write leaves the documents as they were.
        let refused = app
            .exec_as(
                Some(Role::Editor),
                "mutation($i: CreateInitiativeInput!) { createInitiative(input: $i) { initiative { slug } } }",
                json!({ "i": { "slug": "ijicp", "name": "Dingoite", "description": "x", "status": "PLANNED" } }),
            )
            .await;
        assert_eq!(error_code(&refused), "CONFLICT");
        assert!(slugs(&app, "dingoite").await.is_empty());
    }
}

db_test! {
    /// A sync is three statements, and a second one finds nothing to change: documents are
    /// computed deterministically, so writes rewrite only what they changed.
    async fn a_sync_is_three_statements_and_idempotent(backend) {
        // A batch window long enough that the page's loads always share their batches.
        let limits = Limits { batch_delay_ms: 250, ..Limits::default() };
        let Some(app) = TestApp::with_limits(backend, limits).await else { return };
        if backend == Backend::Postgres {
            // The listener reads the log head once it is up; let that happen before counting.
            app.state.events.listening().await;
        }
        let before = app.statements();
        let changed = kizuna::db::search::sync(&app.state.db).await.expect("sync");
        assert_eq!(changed, 0, "the import left every document current");
        assert_eq!(app.statements() - before, 3);

        let data = kizuna::dataset::parse(kizuna::dataset::SHIPPED_DATASET).expect("dataset");
        kizuna::dataset::import(&app.state.db, &data).await.expect("re-import");
        assert_eq!(kizuna::db::search::sync(&app.state.db).await.expect("sync"), 0);

        // One search page: one search statement plus one load per kind of object on it.
        let before = app.statements();
        let search = page(&app, "fukuoka", 100, &Value::Null).await;
        let kinds: BTreeSet<_> = found(&search["edges"]).into_iter().map(|r| r.typename).collect();
        assert!(kinds.len() >= 4, "{kinds:?}");
        assert_eq!(app.statements() - before, 1 + kinds.len() as u64);
    }
}

db_test! {
    /// The search migration can be rolled back and reapplied; start-up refills the documents.
    async fn the_search_migration_rolls_back_and_reapplies(backend) {
        use migration::{Migrator, MigratorTrait};
        use sea_orm::{ConnectionTrait, Statement};
        let Some(app) = TestApp::new(backend).await else { return };
        let db = &app.state.db;
        let count = || async {
            db.query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {}", migration::SEARCH_TABLE),
            ))
            .await
        };
        let objects = documents().len() as i64;
        let stored = count().await.expect("count").expect("row").try_get::<i64>("", "n").expect("n");
        assert_eq!(stored, objects, "one document per searchable object");

        // The query-index migration came after the search one: roll back both.
        Migrator::down(db, Some(2)).await.expect("down");
        assert!(count().await.is_err(), "the table is gone");
        let response = app.query_with(SEARCH, json!({ "q": "india" })).await;
        assert_eq!(error_code(&response), "INTERNAL", "{response}");

        drop(app.second_instance().await);
        let again = count().await.expect("count").expect("row").try_get::<i64>("", "n").expect("n");
        assert_eq!(again, objects, "start-up migrated and refilled the documents");
        assert_eq!(walk(&app, "福岡県", 10).await[0].slug, "fukuoka");
    }
}
