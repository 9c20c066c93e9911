//! Operator inputs for one field: text, numbers, dates, booleans and enums.

use crate::db::query::{CmpOp, Cond, Param, like_escape};
use crate::graphql::types::common::{BigInt, Date};
use async_graphql::{InputObject, InputType};

/// Conditions on a text field; all given must hold. `contains` and `startsWith` ignore ASCII case.
#[derive(Clone, Debug, Default, InputObject)]
pub struct StringFilter {
    /// Equal to.
    pub eq: Option<String>,
    /// Not equal to.
    pub ne: Option<String>,
    /// One of.
    #[graphql(name = "in")]
    pub in_: Option<Vec<String>>,
    /// None of.
    pub not_in: Option<Vec<String>>,
    /// Contains this text.
    pub contains: Option<String>,
    /// Starts with this text.
    pub starts_with: Option<String>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

/// Conditions on a whole-number field; all given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct IntFilter {
    /// Equal to.
    pub eq: Option<i32>,
    /// Not equal to.
    pub ne: Option<i32>,
    /// One of.
    #[graphql(name = "in")]
    pub in_: Option<Vec<i32>>,
    /// None of.
    pub not_in: Option<Vec<i32>>,
    /// Less than.
    pub lt: Option<i32>,
    /// Less than or equal to.
    pub lte: Option<i32>,
    /// Greater than.
    pub gt: Option<i32>,
    /// Greater than or equal to.
    pub gte: Option<i32>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

/// Conditions on an exact big-integer field (amounts); all given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct BigIntFilter {
    /// Equal to.
    pub eq: Option<BigInt>,
    /// Not equal to.
    pub ne: Option<BigInt>,
    /// Less than.
    pub lt: Option<BigInt>,
    /// Less than or equal to.
    pub lte: Option<BigInt>,
    /// Greater than.
    pub gt: Option<BigInt>,
    /// Greater than or equal to.
    pub gte: Option<BigInt>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

/// Conditions on a date (for partial dates, the first day of the period); all given must hold.
#[derive(Clone, Debug, Default, InputObject)]
pub struct DateFilter {
    /// On this day.
    pub eq: Option<Date>,
    /// Not on this day.
    pub ne: Option<Date>,
    /// Before.
    pub lt: Option<Date>,
    /// On or before.
    pub lte: Option<Date>,
    /// After.
    pub gt: Option<Date>,
    /// On or after.
    pub gte: Option<Date>,
    /// True: the date is unknown; false: it is known.
    pub is_null: Option<bool>,
}

/// Conditions on a true/false field.
#[derive(Clone, Debug, Default, InputObject)]
pub struct BooleanFilter {
    /// Equal to.
    pub eq: Option<bool>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

/// Conditions on an enumerated field; all given must hold.
#[derive(Clone, Debug, Default, InputObject)]
#[graphql(concrete(
    name = "InitiativeStatusFilter",
    params(crate::graphql::types::InitiativeStatus)
))]
#[graphql(concrete(name = "ConfidenceFilter", params(crate::graphql::types::Confidence)))]
#[graphql(concrete(
    name = "PrefectureKindFilter",
    params(crate::graphql::types::PrefectureKind)
))]
#[graphql(concrete(
    name = "IndianStateKindFilter",
    params(crate::graphql::types::IndianStateKind)
))]
#[graphql(concrete(
    name = "CounterpartKindFilter",
    params(crate::graphql::types::CounterpartKind)
))]
#[graphql(concrete(
    name = "PartnershipStatusFilter",
    params(crate::graphql::types::PartnershipStatus)
))]
#[graphql(concrete(
    name = "TargetStatusFilter",
    params(crate::graphql::types::TargetStatus)
))]
#[graphql(concrete(name = "TargetKindFilter", params(crate::graphql::types::TargetKind)))]
#[graphql(concrete(name = "EventKindFilter", params(crate::graphql::types::EventKind)))]
#[graphql(concrete(name = "SourceKindFilter", params(crate::graphql::types::SourceKind)))]
#[graphql(concrete(
    name = "InitiativeEventKindFilter",
    params(crate::graphql::types::InitiativeEventKind)
))]
pub struct EnumFilter<T: InputType> {
    /// Equal to.
    pub eq: Option<T>,
    /// Not equal to.
    pub ne: Option<T>,
    /// One of.
    #[graphql(name = "in")]
    pub in_: Option<Vec<T>>,
    /// None of.
    pub not_in: Option<Vec<T>>,
    /// True: the field is null; false: it is not.
    pub is_null: Option<bool>,
}

fn text(value: &str) -> Param {
    Param::Text(Some(value.to_owned()))
}

fn null_test(column: &'static str, is_null: Option<bool>, out: &mut Vec<Cond>) {
    if let Some(null) = is_null {
        out.push(Cond::IsNull { column, null });
    }
}

fn ordered(column: &'static str, ops: [(CmpOp, Option<Param>); 6], out: &mut Vec<Cond>) {
    for (op, value) in ops {
        if let Some(value) = value {
            out.push(Cond::Cmp { column, op, value });
        }
    }
}

impl StringFilter {
    /// The conditions on `column`.
    pub fn conds(&self, column: &'static str, out: &mut Vec<Cond>) {
        if let Some(v) = &self.eq {
            out.push(Cond::Cmp {
                column,
                op: CmpOp::Eq,
                value: text(v),
            });
        }
        if let Some(v) = &self.ne {
            out.push(Cond::Cmp {
                column,
                op: CmpOp::Ne,
                value: text(v),
            });
        }
        if let Some(values) = &self.in_ {
            out.push(Cond::In {
                column,
                values: values.iter().map(|v| text(v)).collect(),
                negated: false,
            });
        }
        if let Some(values) = &self.not_in {
            out.push(Cond::In {
                column,
                values: values.iter().map(|v| text(v)).collect(),
                negated: true,
            });
        }
        if let Some(v) = &self.contains {
            out.push(Cond::Like {
                column,
                pattern: format!("%{}%", like_escape(v)),
            });
        }
        if let Some(v) = &self.starts_with {
            out.push(Cond::Like {
                column,
                pattern: format!("{}%", like_escape(v)),
            });
        }
        null_test(column, self.is_null, out);
    }
}

impl IntFilter {
    /// The conditions on `column`.
    pub fn conds(&self, column: &'static str, out: &mut Vec<Cond>) {
        let p = |v: Option<i32>| v.map(|v| Param::Int(Some(i64::from(v))));
        ordered(
            column,
            [
                (CmpOp::Eq, p(self.eq)),
                (CmpOp::Ne, p(self.ne)),
                (CmpOp::Lt, p(self.lt)),
                (CmpOp::Lte, p(self.lte)),
                (CmpOp::Gt, p(self.gt)),
                (CmpOp::Gte, p(self.gte)),
            ],
            out,
        );
        let list = |values: &Vec<i32>| {
            values
                .iter()
                .map(|v| Param::Int(Some(i64::from(*v))))
                .collect()
        };
        if let Some(values) = &self.in_ {
            out.push(Cond::In {
                column,
                values: list(values),
                negated: false,
            });
        }
        if let Some(values) = &self.not_in {
            out.push(Cond::In {
                column,
                values: list(values),
                negated: true,
            });
        }
        null_test(column, self.is_null, out);
    }
}

impl BigIntFilter {
    /// The conditions on `column`.
    pub fn conds(&self, column: &'static str, out: &mut Vec<Cond>) {
        let p = |v: Option<BigInt>| v.map(|v| Param::Int(Some(v.0)));
        ordered(
            column,
            [
                (CmpOp::Eq, p(self.eq)),
                (CmpOp::Ne, p(self.ne)),
                (CmpOp::Lt, p(self.lt)),
                (CmpOp::Lte, p(self.lte)),
                (CmpOp::Gt, p(self.gt)),
                (CmpOp::Gte, p(self.gte)),
            ],
            out,
        );
        null_test(column, self.is_null, out);
    }
}

impl DateFilter {
    /// The conditions on `column`.
    pub fn conds(&self, column: &'static str, out: &mut Vec<Cond>) {
        let p = |v: Option<Date>| v.map(|v| Param::Date(Some(v.0)));
        ordered(
            column,
            [
                (CmpOp::Eq, p(self.eq)),
                (CmpOp::Ne, p(self.ne)),
                (CmpOp::Lt, p(self.lt)),
                (CmpOp::Lte, p(self.lte)),
                (CmpOp::Gt, p(self.gt)),
                (CmpOp::Gte, p(self.gte)),
            ],
            out,
        );
        null_test(column, self.is_null, out);
    }
}

impl BooleanFilter {
    /// The conditions on `column`.
    pub fn conds(&self, column: &'static str, out: &mut Vec<Cond>) {
        if let Some(v) = self.eq {
            out.push(Cond::Cmp {
                column,
                op: CmpOp::Eq,
                value: Param::Bool(Some(v)),
            });
        }
        null_test(column, self.is_null, out);
    }
}

impl<T: InputType + Copy> EnumFilter<T> {
    /// The conditions on `column`, whose stored words `word` gives.
    pub fn conds(
        &self,
        column: &'static str,
        word: impl Fn(T) -> &'static str,
        out: &mut Vec<Cond>,
    ) {
        if let Some(v) = self.eq {
            out.push(Cond::Cmp {
                column,
                op: CmpOp::Eq,
                value: text(word(v)),
            });
        }
        if let Some(v) = self.ne {
            out.push(Cond::Cmp {
                column,
                op: CmpOp::Ne,
                value: text(word(v)),
            });
        }
        if let Some(values) = &self.in_ {
            out.push(Cond::In {
                column,
                values: values.iter().map(|v| text(word(*v))).collect(),
                negated: false,
            });
        }
        if let Some(values) = &self.not_in {
            out.push(Cond::In {
                column,
                values: values.iter().map(|v| text(word(*v))).collect(),
                negated: true,
            });
        }
        null_test(column, self.is_null, out);
    }
}
