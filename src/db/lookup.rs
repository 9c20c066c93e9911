//! Lookups by natural key (slug, number) and the few batched queries that are not pages.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};

/// A positional placeholder in the backend's syntax.
fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

/// The row of `table` whose `column` equals `value` (a unique column).
pub async fn find_one_by<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    table: &'static str,
    column: &'static str,
    value: Value,
) -> Result<Option<M>, DbErr> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT * FROM {table} WHERE {column} = {}",
        placeholder(backend, 1)
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [value]))
        .await?;
    row.map(|row| M::from_query_result(&row, "")).transpose()
}

/// The id of the row of `table` with this slug.
pub async fn id_by_slug(
    db: &impl ConnectionTrait,
    table: &'static str,
    slug: &str,
) -> Result<Option<i32>, DbErr> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT id FROM {table} WHERE slug = {}",
        placeholder(backend, 1)
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [slug.into()]))
        .await?;
    row.map(|row| row.try_get("", "id")).transpose()
}

/// Attendance rows `(party id, event slug, attendance word)` for parties of one kind
/// (`prefecture_id` or `indian_state_id`) at events named by slug.
pub async fn attendance(
    db: &impl ConnectionTrait,
    party_column: &'static str,
    party_ids: &[i32],
    event_slugs: &[String],
) -> Result<Vec<(i32, String, String)>, DbErr> {
    if party_ids.is_empty() || event_slugs.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let ids: Vec<String> = party_ids.iter().map(i32::to_string).collect();
    let slots: Vec<String> = (1..=event_slugs.len())
        .map(|n| placeholder(backend, n))
        .collect();
    let sql = format!(
        "SELECT p.{party_column} AS party, e.slug AS event_slug, p.attendance AS attendance \
         FROM event_participants p JOIN events e ON e.id = p.event_id \
         WHERE p.{party_column} IN ({}) AND e.slug IN ({})",
        ids.join(", "),
        slots.join(", ")
    );
    let values: Vec<Value> = event_slugs.iter().map(|s| s.as_str().into()).collect();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "party")?,
                row.try_get("", "event_slug")?,
                row.try_get("", "attendance")?,
            ))
        })
        .collect()
}
