//! The dataset importer: idempotent upserts, whole-file validation, nothing written on error.
//! Runs against both databases, through the library and through the `kizuna import` command.

use crate::helpers::{TestApp, TestDb, db_test};
use kizuna::dataset;
use migration::TABLES;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::sync::Arc;

async fn row_counts(db: &DatabaseConnection) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    // `event_log_head` always holds its one bookkeeping row; its value is covered by the log.
    for table in TABLES.iter().filter(|t| **t != "event_log_head") {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .expect("count")
            .expect("a row");
        counts.push((*table, row.try_get::<i64>("", "n").expect("n")));
    }
    counts
}

async fn empty_database(db: &TestDb) -> DatabaseConnection {
    let conn = kizuna::db::connect(&db.url, 2, Arc::default())
        .await
        .expect("connect");
    kizuna::db::migrate(&conn).await.expect("migrate");
    conn
}

db_test! {
    async fn importing_the_same_file_twice_changes_nothing(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let before = row_counts(&app.state.db).await;
        let count = |name: &str| before.iter().find(|(t, _)| *t == name).map(|(_, n)| *n);
        assert_eq!(count("initiatives"), Some(41));
        assert_eq!(count("sources"), Some(96));
        assert_eq!(count("initiative_events"), Some(41), "one `created` entry per initiative");
        let data = dataset::parse(dataset::SHIPPED_DATASET).expect("shipped dataset is valid");
        let report = dataset::import(&app.state.db, &data).await.expect("second import");
        assert_eq!((report.inserted, report.updated, report.logged), (0, 0, 0), "{report}");
        assert_eq!(row_counts(&app.state.db).await, before);
    }
}

db_test! {
    async fn an_invalid_file_is_rejected_whole_naming_entry_and_field(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let conn = empty_database(&db).await;
        let mut file: serde_json::Value = serde_json::from_str(dataset::SHIPPED_DATASET).expect("JSON");
        file["initiatives"][2]["status"] = "finished".into();
        let slug = file["initiatives"][2]["id"].as_str().expect("id").to_owned();
        let error = dataset::parse(&file.to_string()).expect_err("unknown status word");
        let message = error.to_string();
        assert!(message.contains(&slug) && message.contains("status") && message.contains("finished"), "{message}");

        let mut dangling: serde_json::Value = serde_json::from_str(dataset::SHIPPED_DATASET).expect("JSON");
        dangling["initiatives"][0]["sector_ids"][0] = "warp-drives".into();
        let message = dataset::parse(&dangling.to_string()).expect_err("unknown sector").to_string();
        assert!(message.contains("warp-drives"), "{message}");

        assert!(row_counts(&conn).await.iter().all(|(_, n)| *n == 0), "nothing was written");
    }
}

db_test! {
    async fn the_import_command_is_idempotent_and_refuses_broken_files(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("good.json");
        std::fs::write(&good, dataset::SHIPPED_DATASET).expect("write");
        let run = |file: &std::path::Path| {
            std::process::Command::new(env!("CARGO_BIN_EXE_kizuna"))
                .arg("import")
                .arg(file)
                .env("DATABASE_URL", &db.url)
                .env("RUST_LOG", "warn")
                .output()
                .expect("run kizuna import")
        };
        let first = run(&good);
        assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
        let second = run(&good);
        assert!(second.status.success());
        let out = String::from_utf8_lossy(&second.stdout);
        assert!(out.contains("41 initiatives") && out.contains("(0 rows inserted, 0 updated)"), "{out}");

        let conn = kizuna::db::connect(&db.url, 1, Arc::default()).await.expect("connect");
        let before = row_counts(&conn).await;
        let bad = dir.path().join("bad.json");
        let mut file: serde_json::Value = serde_json::from_str(dataset::SHIPPED_DATASET).expect("JSON");
        file["events"][0]["date"] = "2007-13".into();
        file["initiatives"][0]["description"] = "changed, but the file is invalid".into();
        std::fs::write(&bad, file.to_string()).expect("write");
        let failed = run(&bad);
        assert!(!failed.status.success());
        let err = String::from_utf8_lossy(&failed.stderr);
        assert!(err.contains("ev-2007-fukuoka-delhi") && err.contains("date"), "{err}");
        assert_eq!(row_counts(&conn).await, before, "a rejected file writes nothing");
    }
}
