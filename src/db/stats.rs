//! Aggregates: counts and exact sums grouped by the dimensions clients ask for, honouring the
//! same filters as the connections. One statement per request.

use crate::db::query::{Cond, SqlWriter};
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// A dimension to group by: the SQL expression of its key and the joins it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dimension {
    /// Expression of the group key (over `c`, the counted row, and the joins below).
    pub key: &'static str,
    /// Whether the key is an integer id (else text).
    pub is_id: bool,
    /// LEFT JOINs the key needs; rows without a related row fall in a null group.
    pub joins: &'static [&'static str],
}

/// One group: its keys in the order asked, its row count and, if asked, the exact sum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub ids: Vec<Option<i32>>,
    pub texts: Vec<Option<String>>,
    pub count: i64,
    pub sum: Option<i64>,
}

/// Counts rows of `table` (distinct ids, since joins for list dimensions repeat rows) that match
/// `filter`, grouped by `dimensions`; with `sum_column`, also sums it exactly.
pub async fn grouped(
    db: &impl ConnectionTrait,
    table: &'static str,
    dimensions: &[Dimension],
    filter: Option<&Cond>,
    sum_column: Option<&'static str>,
) -> Result<Vec<GroupRow>, DbErr> {
    let backend = db.get_database_backend();
    let mut w = SqlWriter::new(backend);
    w.push("SELECT ");
    for (i, d) in dimensions.iter().enumerate() {
        w.push(&format!("{} AS g{i}, ", d.key));
    }
    w.push("COUNT(DISTINCT c.id) AS kz_count");
    if let Some(column) = sum_column {
        // SUM over a BIGINT is NUMERIC on PostgreSQL; amounts fit BIGINT, so cast back to keep
        // the value an exact integer on both databases.
        w.push(&format!(", CAST(SUM(c.{column}) AS BIGINT) AS kz_sum"));
    }
    w.push(&format!(" FROM {table} c"));
    let mut joined: Vec<&str> = Vec::new();
    for d in dimensions {
        for join in d.joins {
            if !joined.contains(join) {
                joined.push(join);
                w.push(" LEFT JOIN ");
                w.push(join);
            }
        }
    }
    w.push(" WHERE 1 = 1");
    if let Some(filter) = filter {
        w.push(" AND ");
        w.cond(filter, "c");
    }
    if !dimensions.is_empty() {
        let keys: Vec<String> = (0..dimensions.len()).map(|i| format!("g{i}")).collect();
        let exprs: Vec<&str> = dimensions.iter().map(|d| d.key).collect();
        w.push(&format!(
            " GROUP BY {} ORDER BY {}",
            exprs.join(", "),
            keys.join(", ")
        ));
    }
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, w.sql, w.values))
        .await?;
    rows.iter()
        .map(|row| {
            let mut ids = Vec::new();
            let mut texts = Vec::new();
            for (i, d) in dimensions.iter().enumerate() {
                let alias = format!("g{i}");
                if d.is_id {
                    ids.push(row.try_get::<Option<i32>>("", &alias)?);
                    texts.push(None);
                } else {
                    ids.push(None);
                    texts.push(row.try_get::<Option<String>>("", &alias)?);
                }
            }
            let sum = match sum_column {
                Some(_) => row.try_get::<Option<i64>>("", "kz_sum")?,
                None => None,
            };
            Ok(GroupRow {
                ids,
                texts,
                count: row.try_get("", "kz_count")?,
                sum,
            })
        })
        .collect()
}
