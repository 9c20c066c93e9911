//! What every mutation shares: the caller check, the write transaction that holds the event-log
//! lock, slug resolution with NOT_FOUND, input validation, and commit-then-publish (with the
//! search documents refreshed in the same transaction).

use crate::auth::Principal;
use crate::db::log::{NewEntry, append, begin_write};
use crate::db::lookup::id_by_slug;
use crate::db::search;
use crate::error::{AppError, Result};
use crate::events::EventBus;
use crate::graphql::auth::require_editor;
use async_graphql::Context;
use entity::initiative_events;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, SqlErr};

/// One mutation's transaction. Dropping it without [`Write::commit`] rolls everything back, so
/// an error anywhere leaves the database and the event log untouched.
pub struct Write {
    pub txn: DatabaseTransaction,
    pub principal: Principal,
}

impl Write {
    /// Checks the caller may write, then opens the transaction.
    pub async fn begin(ctx: &Context<'_>) -> Result<Self> {
        let principal = require_editor(ctx)?;
        let db = ctx.data::<DatabaseConnection>()?;
        let txn = begin_write(db).await?;
        Ok(Self { txn, principal })
    }

    /// The id of the row of `table` with `slug`, or NOT_FOUND naming the input field.
    pub async fn id_of(&self, table: &'static str, field: &str, slug: &str) -> Result<i32> {
        id_by_slug(&self.txn, table, slug)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("`{field}`: nothing with slug {slug:?}")))
    }

    /// Ids for a list of slugs, without duplicates, in the order given.
    pub async fn ids_of(
        &self,
        table: &'static str,
        field: &str,
        slugs: &[String],
    ) -> Result<Vec<i32>> {
        let mut ids = Vec::with_capacity(slugs.len());
        for slug in slugs {
            let id = self.id_of(table, field, slug).await?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Refreshes the search documents, appends the log entries, commits, and wakes subscribers.
    /// Returns the entries as stored.
    pub async fn commit(
        self,
        ctx: &Context<'_>,
        entries: Vec<NewEntry>,
    ) -> Result<Vec<initiative_events::Model>> {
        // Every mutation passes here, so none can leave a stale document; the sync rewrites
        // only documents whose text changed, whichever rows this write touched.
        search::sync(&self.txn).await.map_err(write_error)?;
        let stored = append(&self.txn, entries, &self.principal.name, chrono::Utc::now())
            .await
            .map_err(write_error)?;
        self.txn.commit().await.map_err(write_error)?;
        if let (Some(last), Ok(bus)) = (stored.last(), ctx.data::<EventBus>()) {
            bus.publish(last.id);
        }
        Ok(stored)
    }
}

/// Maps a database error from a write: a unique violation is CONFLICT (a racing writer got there
/// first), anything else is internal.
pub fn write_error(error: DbErr) -> AppError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            AppError::Conflict("that already exists".into())
        }
        _ => AppError::from(error),
    }
}

/// A slug: lowercase letters, digits and single hyphens, 1 to 100 characters.
pub fn check_slug(field: &str, slug: &str) -> Result<()> {
    let well_formed = !slug.is_empty()
        && slug.len() <= 100
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if well_formed {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            format!(
                "`{field}` must be 1 to 100 lowercase letters, digits and single hyphens, got {slug:?}"
            ),
        ))
    }
}

/// Text that must not be blank and must fit `max` characters; returned trimmed.
pub fn check_text(field: &str, text: &str, max: usize) -> Result<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must not be blank"),
        ));
    }
    if trimmed.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` is longer than {max} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Optional text: blank becomes `None`.
pub fn check_optional_text(field: &str, text: Option<&str>, max: usize) -> Result<Option<String>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => check_text(field, text, max).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        for good in ["battery-supply-chain", "ijicp", "ev-2025-08-30"] {
            assert!(check_slug("slug", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Battery",
            "a--b",
            "-a",
            "a-",
            "a b",
            "a_b",
            &"x".repeat(101),
        ] {
            assert!(check_slug("slug", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn blank_text_is_rejected_and_the_rest_trimmed() {
        assert!(check_text("name", "   ", 10).is_err());
        assert_eq!(
            check_text("name", " Kizuna ", 10).ok().as_deref(),
            Some("Kizuna")
        );
        assert!(check_text("name", "abcdefghijk", 10).is_err());
        assert_eq!(check_optional_text("note", Some(" "), 10).ok(), Some(None));
    }
}
