//! No N+1: the statements a nested query sends depend on its shape, not on how many rows it
//! returns. Counted by `kizuna_db_statements_total`.

use crate::helpers::{TestApp, db_test};
use entity::{initiative_prefectures, initiative_sectors, initiatives};
use kizuna::config::Limits;
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait};

const QUERY: &str = "{ directions { nodes { number initiatives(first: 100) { totalCount nodes { slug \
    sectors { nodes { slug initiatives(first: 5) { totalCount } } } \
    prefectures { nodes { slug nameJa } } direction { number } } } } } }";

/// Adds `per_direction` initiatives under every direction, each touching three sectors and two
/// prefectures.
async fn grow(app: &TestApp, per_direction: i32) {
    let db = &app.state.db;
    let now = chrono::Utc::now();
    let mut rows = Vec::new();
    for direction in 1..=8 {
        for n in 0..per_direction {
            rows.push(initiatives::ActiveModel {
                slug: Set(format!("synthetic-{direction}-{n}")),
                direction_id: Set(Some(direction)),
                name: Set(format!("Synthetic initiative {direction}.{n}")),
                description: Set("Generated to grow the graph.".into()),
                status: Set("announced".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
    }
    initiatives::Entity::insert_many(rows)
        .exec(db)
        .await
        .expect("insert initiatives");
    let created = initiatives::Entity::find()
        .all(db)
        .await
        .expect("initiatives");
    let mut sectors = Vec::new();
    let mut prefectures = Vec::new();
    for initiative in created.iter().filter(|i| i.slug.starts_with("synthetic-")) {
        for k in 0..3 {
            sectors.push(initiative_sectors::ActiveModel {
                initiative_id: Set(initiative.id),
                sector_id: Set((initiative.id + k) % 30 + 1),
            });
        }
        for k in 0..2 {
            prefectures.push(initiative_prefectures::ActiveModel {
                initiative_id: Set(initiative.id),
                prefecture_id: Set((initiative.id * 7 + k) % 47 + 1),
                role: Set(None),
                note: Set(None),
            });
        }
    }
    initiative_sectors::Entity::insert_many(sectors)
        .exec(db)
        .await
        .expect("link sectors");
    initiative_prefectures::Entity::insert_many(prefectures)
        .exec(db)
        .await
        .expect("link prefectures");
}

async fn statements_for(app: &TestApp) -> (u64, usize) {
    let before = app.statements();
    let data = app.data(QUERY).await;
    let statements = app.statements() - before;
    let initiatives: usize = data["directions"]["nodes"]
        .as_array()
        .expect("directions")
        .iter()
        .map(|d| d["initiatives"]["nodes"].as_array().map_or(0, Vec::len))
        .sum();
    (statements, initiatives)
}

db_test! {
    current_thread;
    async fn nested_query_statements_do_not_grow_with_rows(backend) {
        // A wide batching window so that a loaded CI machine cannot split one level into two
        // batches; the count is then a property of the query's shape alone.
        // The query's full pages are far over the default complexity limit; statement counts,
        // not cost limits, are what this test is about.
        let limits = Limits { batch_delay_ms: 250, max_complexity: u64::MAX, ..Limits::default() };
        let Some(app) = TestApp::with_limits(backend, limits).await else { return };
        if backend == crate::helpers::Backend::Postgres {
            // The listener reads the log head once it connects; keep that statement out of the
            // counts below.
            app.state.events.listening().await;
        }
        let (small, small_rows) = statements_for(&app).await;
        assert_eq!(small_rows, 39, "the dataset places 39 initiatives under directions");

        grow(&app, 45).await;
        let total = initiatives::Entity::find().count(&app.state.db).await.expect("count");
        assert_eq!(total, 41 + 8 * 45);
        let (large, large_rows) = statements_for(&app).await;
        assert_eq!(large_rows, 39 + 8 * 45, "the query returns the grown graph");

        assert_eq!(small, large, "statements grew with rows: {small} for {small_rows} initiatives, {large} for {large_rows}");
        // Six levels of loads (directions, initiatives, sectors, sector initiatives, prefectures,
        // direction) plus one grouped count for each of the two nested `totalCount`s.
        assert_eq!(small, 8, "statements for a query with six relation levels and two totals");
    }
}
