//! Importing into an in-memory SQLite database: first import, re-import, changes, failures.

use super::{count, empty_db, query, row_counts, shipped};
use crate::dataset::*;
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn importing_the_shipped_file_writes_one_row_per_record_and_link() {
    let db = empty_db().await;
    let d = shipped();
    let report = import(&db, &d).await.expect("import");
    let counts = row_counts(&db).await;
    let sum = |f: fn(&Dataset) -> usize| i64::try_from(f(&d)).expect("small");
    let expected = [
        ("directions", 8),
        ("initiatives", 41),
        ("sectors", 30),
        ("prefectures", 47),
        ("indian_states", 36),
        ("partnerships", 11),
        ("investment_targets", 3),
        ("events", 28),
        ("sources", 96),
        (
            "initiative_sectors",
            sum(|d| d.initiatives.iter().map(|i| i.sector_ids.len()).sum()),
        ),
        (
            "initiative_figures",
            sum(|d| d.initiatives.iter().map(|i| i.figures.len()).sum()),
        ),
        (
            "event_participants",
            sum(|d| d.events.iter().map(|e| e.participants.len()).sum()),
        ),
        (
            "governor_mentions",
            sum(|d| {
                d.prefectures
                    .iter()
                    .map(|p| p.governor_mentions.len())
                    .sum()
            }),
        ),
        (
            "partnership_renewals",
            sum(|d| d.partnerships.iter().map(|p| p.renewals.len()).sum()),
        ),
        (
            "event_initiatives",
            sum(|d| {
                d.initiatives
                    .iter()
                    .filter(|i| i.announced_at_event_id.is_some())
                    .count()
            }),
        ),
        ("initiative_prefectures", 11),
        ("initiative_indian_states", 7),
        ("initiative_events", 41),
        ("api_tokens", 0),
        // One search document per initiative, event, partnership, prefecture, state and source.
        ("search_documents", 41 + 28 + 11 + 47 + 36 + 96),
    ];
    for (table, rows) in expected {
        assert_eq!(counts[table], rows, "rows in {table}");
    }
    // The report counts dataset rows; the log and the search documents are derived from them.
    let written: i64 = counts
        .iter()
        .filter(|(table, _)| !["initiative_events", "search_documents"].contains(&table.as_str()))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(i64::try_from(report.inserted).expect("small"), written);
    assert_eq!(
        (report.updated, report.unchanged, report.logged),
        (0, 0, 41)
    );
    assert_eq!(
        report.to_string(),
        format!(
            "8 directions, 41 initiatives, 30 sectors, 47 prefectures, 36 Indian states and union territories, \
             11 partnerships, 3 investment targets, 28 events, 96 sources ({written} rows inserted, 0 updated, \
             41 initiative log entries)"
        )
    );
}

#[tokio::test]
async fn the_governors_meeting_is_stored_as_confirmed_probable_or_absent() {
    let db = empty_db().await;
    import(&db, &shipped()).await.expect("import");
    let rows = query(
        &db,
        "SELECT p.slug, ep.attendance, \
           (SELECT group_concat(s.slug) FROM event_participant_sources eps \
              JOIN sources s ON s.id = eps.source_id WHERE eps.event_participant_id = ep.id) AS cited \
         FROM event_participants ep \
         JOIN events e ON e.id = ep.event_id JOIN prefectures p ON p.id = ep.prefecture_id \
         WHERE e.slug = 'ev-2025-08-30-governors-meeting' ORDER BY p.slug",
    )
    .await;
    let stored: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            let get = |column: &str| r.try_get::<String>("", column).expect(column);
            (get("slug"), get("attendance"), get("cited"))
        })
        .collect();
    assert_eq!(
        stored,
        [
            (
                "fukuoka".into(),
                "confirmed".into(),
                "s-fukuoka-press-20250830".into()
            ),
            (
                "iwate".into(),
                "probable".into(),
                "s-iwate-governor-msg-202512".into()
            ),
        ],
        "Tokyo and the other 13 unknown governors have no row"
    );
}

#[tokio::test]
async fn stored_values_keep_exact_amounts_partial_dates_and_null_words() {
    let db = empty_db().await;
    import(&db, &shipped()).await.expect("import");
    let amount = count(
        &db,
        "SELECT amount AS n FROM investment_targets WHERE slug = 'target-2025-jpy-10-trillion'",
    )
    .await;
    assert_eq!(amount, 10_000_000_000_000);
    let rows = query(
        &db,
        "SELECT established_on, established_precision, status, counterpart_name FROM partnerships \
         WHERE slug IN ('kerala-nakaumi-shinjiko-daisen', 'karnataka-mie') ORDER BY slug",
    )
    .await;
    let text = |row: usize, column: &str| {
        rows[row]
            .try_get::<Option<String>>("", column)
            .expect(column)
    };
    assert_eq!(
        text(0, "status"),
        None,
        "karnataka-mie's \"unknown\" status is NULL"
    );
    assert_eq!(text(0, "counterpart_name"), None);
    assert_eq!(text(1, "established_on").as_deref(), Some("2015-12-01"));
    assert_eq!(text(1, "established_precision").as_deref(), Some("month"));
    assert_eq!(
        text(1, "counterpart_name").as_deref(),
        Some("Nakaumi-Shinjiko-Daisen area mayors' association")
    );
}

#[tokio::test]
async fn a_second_import_of_the_same_file_changes_nothing() {
    let db = empty_db().await;
    let d = shipped();
    let first = import(&db, &d).await.expect("first import");
    let before = row_counts(&db).await;
    let second = import(&db, &d).await.expect("second import");
    assert_eq!((second.inserted, second.updated, second.logged), (0, 0, 0));
    assert_eq!(second.unchanged, first.inserted);
    assert_eq!(row_counts(&db).await, before);
    assert_eq!(before["initiative_events"], 41);
    assert!(
        second.to_string().ends_with("(0 rows inserted, 0 updated)"),
        "{second}"
    );
}

#[tokio::test]
async fn a_changed_description_updates_one_row_and_logs_one_updated_event() {
    let db = empty_db().await;
    let mut d = shipped();
    import(&db, &d).await.expect("first import");
    let ijicp = d
        .initiatives
        .iter_mut()
        .find(|i| i.id == "ijicp")
        .expect("ijicp");
    ijicp.description = "A revised description.".into();
    let report = import(&db, &d).await.expect("second import");
    assert_eq!((report.inserted, report.updated, report.logged), (0, 1, 1));
    let initiatives = report.table("initiatives").expect("initiatives written");
    assert_eq!((initiatives.updated, initiatives.unchanged), (1, 40));
    let rows = query(
        &db,
        "SELECT ie.id AS seq, ie.kind, ie.payload, ie.actor, i.description, i.updated_at > i.created_at AS touched \
         FROM initiative_events ie JOIN initiatives i ON i.id = ie.initiative_id ORDER BY ie.id DESC LIMIT 1",
    )
    .await;
    let last = &rows[0];
    assert_eq!(last.try_get::<i32>("", "seq").expect("seq"), 42);
    assert_eq!(last.try_get::<String>("", "kind").expect("kind"), "updated");
    let payload: serde_json::Value =
        serde_json::from_str(&last.try_get::<String>("", "payload").expect("payload"))
            .expect("JSON payload");
    assert_eq!(payload, serde_json::json!({ "fields": ["description"] }));
    assert_eq!(
        last.try_get::<String>("", "actor").expect("actor"),
        "import"
    );
    assert_eq!(
        last.try_get::<String>("", "description")
            .expect("description"),
        "A revised description."
    );
    assert!(
        last.try_get::<bool>("", "touched").expect("touched"),
        "updated_at moves, created_at stays"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM initiative_events WHERE kind = 'created'"
        )
        .await,
        41
    );
}

#[tokio::test]
async fn an_import_keeps_rows_links_and_columns_the_file_does_not_mention() {
    let db = empty_db().await;
    let mut d = shipped();
    import(&db, &d).await.expect("first import");
    db.execute_unprepared(
        "UPDATE sectors SET parent_id = (SELECT id FROM sectors WHERE slug = 'investment') WHERE slug = 'trade'",
    )
    .await
    .expect("an editor sets a parent");
    let before = row_counts(&db).await;
    let ijicp = d
        .initiatives
        .iter_mut()
        .find(|i| i.id == "ijicp")
        .expect("ijicp");
    ijicp.sector_ids.clear();
    ijicp.source_ids.clear();
    d.sectors.retain(|s| s.id != "trade");
    let report = import(&db, &d).await.expect("second import");
    assert_eq!((report.inserted, report.updated), (0, 0));
    assert_eq!(row_counts(&db).await, before);
    let parent = count(
        &db,
        "SELECT COUNT(*) AS n FROM sectors s JOIN sectors p ON p.id = s.parent_id \
         WHERE s.slug = 'trade' AND p.slug = 'investment'",
    )
    .await;
    assert_eq!(parent, 1, "the editor's parent survives");
}

#[tokio::test]
async fn an_import_that_fails_inside_the_database_leaves_no_rows() {
    let db = empty_db().await;
    assert!(parse("{}").is_err());
    let mut d = shipped();
    // Parsing rejects this; a hand-edited `Dataset` reaches the database's unique index, which
    // fails only after the tables before prefectures have been written.
    let hokkaido = d.prefectures[0].jis_code.clone();
    d.prefectures[1].jis_code = hokkaido;
    let error = import(&db, &d).await.expect_err("unique jis_code");
    assert!(matches!(error, ImportError::Db(_)), "{error}");
    let counts = row_counts(&db).await;
    assert!(counts.values().all(|&n| n == 0), "{counts:?}");
    assert_eq!(counts.len(), 31, "every table was counted");
}

#[tokio::test]
async fn a_hand_built_dataset_with_a_dangling_reference_is_refused_without_writing() {
    let db = empty_db().await;
    let mut d = shipped();
    d.initiatives[0].sector_ids.push("no-such-sector".into());
    match import(&db, &d).await {
        Err(ImportError::Unresolved { table, key }) => {
            assert_eq!((table, key.as_str()), ("sectors", "\"no-such-sector\""));
        }
        other => panic!("expected an unresolved reference, got {other:?}"),
    }
    assert!(row_counts(&db).await.values().all(|&n| n == 0));
}
