//! The main filtered and ordered paths use indexes: EXPLAIN on the statements the server sends.
//! PostgreSQL would rightly scan tables this small sequentially, so its plans are read with
//! sequential scans disabled: the question is whether an index *can* serve the path.

use crate::helpers::{Backend, TestApp, db_test};
use kizuna::db::page::{ROOT_PARENT, Rel, page_sql};
use kizuna::db::query::{
    CmpOp, Cond, KeyKind, Link, OrderTerm, PageSpec, Param, Quantifier, Window,
};
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement, TransactionTrait};

async fn plan(
    app: &TestApp,
    txn: &DatabaseTransaction,
    sql: String,
    values: Vec<sea_orm::Value>,
) -> String {
    let backend = app.state.db.get_database_backend();
    let prefix = if backend == sea_orm::DbBackend::Postgres {
        "EXPLAIN "
    } else {
        "EXPLAIN QUERY PLAN "
    };
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!("{prefix}{sql}"),
            values,
        ))
        .await
        .expect("explain");
    rows.iter()
        .map(|row| {
            row.try_get::<String>("", "QUERY PLAN")
                .or_else(|_| row.try_get::<String>("", "detail"))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn spec(filter: Option<Cond>, order: Vec<OrderTerm>) -> PageSpec {
    PageSpec {
        filter,
        order,
        window: Window::First { n: 10, after: None },
        want_total: false,
    }
}

db_test! {
    async fn filtered_and_ordered_paths_can_use_indexes(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let txn = app.state.db.begin().await.expect("transaction");
        if backend == Backend::Postgres {
            txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.expect("planner setting");
        }
        let db_backend = app.state.db.get_database_backend();

        // Nested page: a direction's initiatives, by the foreign key index.
        let nested = page_sql(db_backend, Rel::DirectionInitiatives, &[1, 2, 3], &spec(None, Vec::new()));
        let p = plan(&app, &txn, nested.sql, nested.values).await;
        assert!(p.contains("ix_initiatives_direction_id"), "nested page plan:\n{p}");

        // Related-row filter: initiatives in a sector, through the link table's index.
        let in_sector = Cond::Related {
            link: Link::Junction { table: "sectors", junction: "initiative_sectors", row_column: "initiative_id", related_column: "sector_id" },
            quantifier: Quantifier::Some,
            cond: Box::new(Cond::Cmp { column: "slug", op: CmpOp::Eq, value: Param::Text(Some("batteries".into())) }),
        };
        let filtered = page_sql(db_backend, Rel::Root("initiatives"), &[ROOT_PARENT], &spec(Some(in_sector), Vec::new()));
        let p = plan(&app, &txn, filtered.sql, filtered.values).await;
        let uses_link_index = p.contains("initiative_sectors") && (p.contains("pkey") || p.contains("PRIMARY KEY") || p.contains("Index") || p.contains("INDEX"));
        assert!(uses_link_index, "related-row filter plan:\n{p}");
        assert!(p.contains("ux_sectors_slug") || p.contains("sectors_slug_key") || p.contains("sqlite_autoindex_sectors"), "slug lookup by its unique index:\n{p}");

        // Status filter and name order.
        let signed = Cond::Cmp { column: "status", op: CmpOp::Eq, value: Param::Text(Some("signed".into())) };
        let by_name = vec![OrderTerm { column: "name", kind: KeyKind::Text, descending: false, nullable: false }];
        let ordered = page_sql(db_backend, Rel::Root("initiatives"), &[ROOT_PARENT], &spec(Some(signed), by_name));
        let p = plan(&app, &txn, ordered.sql, ordered.values).await;
        assert!(p.contains("ix_initiatives_status") || p.contains("ix_initiatives_name"), "status filter plan:\n{p}");

        // Prefectures by region.
        let kyushu = Cond::Cmp { column: "region", op: CmpOp::Eq, value: Param::Text(Some("Kyushu-Okinawa".into())) };
        let region = page_sql(db_backend, Rel::Root("prefectures"), &[ROOT_PARENT], &spec(Some(kyushu), Vec::new()));
        let p = plan(&app, &txn, region.sql, region.values).await;
        assert!(p.contains("ix_prefectures_region"), "region filter plan:\n{p}");
        txn.rollback().await.expect("rollback");
    }
}
