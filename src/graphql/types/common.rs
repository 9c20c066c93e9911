//! Value types shared by several objects: partial dates, exact big integers, and reading the
//! enumerated words the database stores.

use crate::domain;
use crate::error::{AppError, Result};
use crate::graphql::types::enums::DatePrecision;
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value};
use chrono::NaiveDate;

/// A date known to a year, a month or a day. Never padded into a false day: "2016-11" stays a
/// month.
#[derive(Clone, Debug, SimpleObject)]
pub struct PartialDate {
    /// The date as known: `2016`, `2016-11` or `2016-11-03`.
    pub text: String,
    /// How much of the date is known.
    pub precision: DatePrecision,
    /// The first day of the period, for sorting and comparing with full dates.
    pub start: Date,
}

impl PartialDate {
    /// Builds the value from stored columns; `None` when either is missing.
    pub fn from_columns(date: Option<NaiveDate>, precision: Option<&str>) -> Result<Option<Self>> {
        match (date, precision) {
            (Some(start), Some(word)) => {
                let precision = stored(word, domain::DatePrecision::from_word)?;
                let date = domain::PartialDate::from_parts(start, precision);
                Ok(Some(Self {
                    text: date.text(),
                    precision: precision.into(),
                    start: Date(start),
                }))
            }
            _ => Ok(None),
        }
    }
}

/// An exact integer up to 2^63 − 1, written as a string in JSON because GraphQL's `Int` is 32
/// bits and JSON numbers lose precision past 2^53 in many clients. JPY 10 trillion is
/// `"10000000000000"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BigInt(pub i64);

/// An exact integer up to 2^63 − 1, written as a string (GraphQL `Int` is 32 bits).
#[Scalar(name = "BigInt")]
impl ScalarType for BigInt {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .parse()
                .map(BigInt)
                .map_err(|_| InputValueError::expected_type(value)),
            Value::Number(n) => n
                .as_i64()
                .map(BigInt)
                .ok_or_else(|| InputValueError::expected_type(value)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, written `YYYY-MM-DD`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom("expected a date written YYYY-MM-DD")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A moment in time, written in RFC 3339 with UTC offset, e.g. `2025-08-30T09:30:00Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp(pub chrono::DateTime<chrono::Utc>);

/// A moment in time in RFC 3339, UTC, e.g. `2025-08-30T09:30:00Z`.
#[Scalar(name = "Timestamp")]
impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| Timestamp(t.with_timezone(&chrono::Utc)))
                .map_err(|_| InputValueError::custom("expected an RFC 3339 timestamp")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.text())
    }
}

impl Timestamp {
    /// The timestamp as the API writes it.
    pub fn text(&self) -> String {
        self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

/// Reads an enumerated word stored by this server. An unknown word means the database was
/// written by something else: an internal error, not the client's.
pub fn stored<T>(word: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(word).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored word {word:?}")))
}

/// Like [`stored`] for nullable columns.
pub fn stored_opt<T>(word: Option<&str>, parse: fn(&str) -> Option<T>) -> Result<Option<T>> {
    word.map(|w| stored(w, parse)).transpose()
}

/// Reads a JSON array of strings stored in a JSON column.
pub fn string_list(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
