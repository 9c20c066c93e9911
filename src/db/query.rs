//! The query language's SQL: conditions (the `filter` argument), orderings with keyset
//! positions (`orderBy`, `after`, `before`), and their rendering with bound parameters for
//! SQLite and PostgreSQL.
//!
//! Client values are always bound parameters. Table and column names come from `'static`
//! strings chosen in this crate, never from clients.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DbBackend, Value};
use std::fmt::Write;

/// A bound value. Typed even when null, so PostgreSQL compares it with the column's type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
    Timestamp(Option<DateTime<Utc>>),
}

impl Param {
    fn value(&self) -> Value {
        match self {
            Param::Int(v) => Value::BigInt(*v),
            Param::Text(v) => Value::String(v.clone()),
            Param::Bool(v) => Value::Bool(*v),
            Param::Date(v) => Value::ChronoDate(*v),
            Param::Timestamp(v) => Value::ChronoDateTimeUtc(*v),
        }
    }

    /// True for a typed null.
    pub fn is_null(&self) -> bool {
        match self {
            Param::Int(v) => v.is_none(),
            Param::Text(v) => v.is_none(),
            Param::Bool(v) => v.is_none(),
            Param::Date(v) => v.is_none(),
            Param::Timestamp(v) => v.is_none(),
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl CmpOp {
    fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Lte => "<=",
            CmpOp::Gt => ">",
            CmpOp::Gte => ">=",
        }
    }
}

/// How a related table hangs off the row a condition is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Link {
    /// To-one: `related.id = row.<column>`.
    ToOne {
        table: &'static str,
        column: &'static str,
    },
    /// To-many by foreign key: `related.<column> = row.id`.
    Back {
        table: &'static str,
        column: &'static str,
    },
    /// To-many through a junction table `junction(row_column, related_column)`.
    Junction {
        table: &'static str,
        junction: &'static str,
        row_column: &'static str,
        related_column: &'static str,
    },
}

/// Which related rows must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    Some,
    None,
    Every,
}

/// A condition on a row (the `filter` argument, compiled).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Cmp {
        column: &'static str,
        op: CmpOp,
        value: Param,
    },
    In {
        column: &'static str,
        values: Vec<Param>,
        negated: bool,
    },
    /// Case-insensitive match of an already escaped LIKE pattern.
    Like {
        column: &'static str,
        pattern: String,
    },
    IsNull {
        column: &'static str,
        null: bool,
    },
    Related {
        link: Link,
        quantifier: Quantifier,
        cond: Box<Cond>,
    },
}

impl Cond {
    /// How deeply the condition nests: all levels (`And`, `Or`, `Not`, `Related`), and related
    /// levels alone (each joins more tables into the statement).
    pub fn depth(&self) -> (usize, usize) {
        let deepest = |conds: &[Cond]| {
            conds
                .iter()
                .map(Cond::depth)
                .fold((0, 0), |(a, b), (c, d)| (a.max(c), b.max(d)))
        };
        match self {
            Cond::And(conds) | Cond::Or(conds) => {
                let (all, related) = deepest(conds);
                (all + 1, related)
            }
            Cond::Not(cond) => {
                let (all, related) = cond.depth();
                (all + 1, related)
            }
            Cond::Related { cond, .. } => {
                let (all, related) = cond.depth();
                (all + 1, related + 1)
            }
            Cond::Cmp { .. } | Cond::In { .. } | Cond::Like { .. } | Cond::IsNull { .. } => (1, 0),
        }
    }

    /// All of `conds` (true when empty).
    pub fn all(mut conds: Vec<Cond>) -> Cond {
        if conds.len() == 1 {
            conds.remove(0)
        } else {
            Cond::And(conds)
        }
    }
}

/// Escapes `%`, `_` and the escape character for a LIKE pattern.
pub fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// The type of a sort key's values, for reading them back and for cursors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    Int,
    Text,
    Date,
    Timestamp,
}

/// One sort key: a column of the row, ascending or descending; nullable keys sort last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrderTerm {
    pub column: &'static str,
    pub kind: KeyKind,
    pub descending: bool,
    pub nullable: bool,
}

impl OrderTerm {
    /// Reads this key's value from a row where it was selected as `alias`.
    pub fn read(&self, row: &sea_orm::QueryResult, alias: &str) -> Result<Param, sea_orm::DbErr> {
        Ok(match self.kind {
            KeyKind::Int => Param::Int(row.try_get::<Option<i64>>("", alias).or_else(|_| {
                row.try_get::<Option<i32>>("", alias)
                    .map(|v| v.map(i64::from))
            })?),
            KeyKind::Text => Param::Text(row.try_get("", alias)?),
            KeyKind::Date => Param::Date(row.try_get("", alias)?),
            KeyKind::Timestamp => Param::Timestamp(row.try_get("", alias)?),
        })
    }
}

/// Which slice of the ordered rows a page is: the first `n` after a position, or the last `n`
/// before one. Positions hold the sort keys' values and the row id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Window {
    First {
        n: u32,
        after: Option<(Vec<Param>, i64)>,
    },
    Last {
        n: u32,
        before: Option<(Vec<Param>, i64)>,
    },
}

/// Everything that selects a page, apart from its parent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageSpec {
    pub filter: Option<Cond>,
    pub order: Vec<OrderTerm>,
    pub window: Window,
    pub want_total: bool,
}

/// SQL text with its bound parameters, in the backend's placeholder syntax.
pub struct SqlWriter {
    backend: DbBackend,
    pub sql: String,
    pub values: Vec<Value>,
    aliases: usize,
}

impl SqlWriter {
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            sql: String::new(),
            values: Vec::new(),
            aliases: 0,
        }
    }

    pub fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    pub fn bind(&mut self, param: &Param) {
        self.values.push(param.value());
        match self.backend {
            DbBackend::Postgres => {
                let _ = write!(self.sql, "${}", self.values.len());
            }
            _ => self.sql.push('?'),
        }
    }

    fn alias(&mut self) -> String {
        self.aliases += 1;
        format!("r{}", self.aliases)
    }

    fn null_safe_eq(&self) -> &'static str {
        match self.backend {
            DbBackend::Postgres => "IS NOT DISTINCT FROM",
            _ => "IS",
        }
    }

    fn like(&self) -> &'static str {
        // SQLite's LIKE ignores ASCII case already; PostgreSQL's does not.
        match self.backend {
            DbBackend::Postgres => "ILIKE",
            _ => "LIKE",
        }
    }

    /// Writes `cond` about the row aliased `row`.
    pub fn cond(&mut self, cond: &Cond, row: &str) {
        match cond {
            Cond::And(parts) | Cond::Or(parts) if parts.is_empty() => {
                self.push(if matches!(cond, Cond::And(_)) {
                    "1 = 1"
                } else {
                    "1 = 0"
                });
            }
            Cond::And(parts) | Cond::Or(parts) => {
                let joiner = if matches!(cond, Cond::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                self.push("(");
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.push(joiner);
                    }
                    self.cond(part, row);
                }
                self.push(")");
            }
            Cond::Not(inner) => {
                // NOT over a comparison with NULL is NULL, which would drop the row from both a
                // filter and its negation; COALESCE makes "not" the complement.
                self.push("NOT COALESCE(");
                self.cond(inner, row);
                self.push(", 1 = 0)");
            }
            Cond::Cmp { column, op, value } => {
                let _ = write!(self.sql, "{row}.{column} {} ", op.sql());
                self.bind(value);
            }
            Cond::In {
                column,
                values,
                negated,
            } => {
                if values.is_empty() {
                    self.push(if *negated { "1 = 1" } else { "1 = 0" });
                    return;
                }
                let _ = write!(
                    self.sql,
                    "{row}.{column} {}IN (",
                    if *negated { "NOT " } else { "" }
                );
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.bind(value);
                }
                self.push(")");
            }
            Cond::Like { column, pattern } => {
                let like = self.like();
                let _ = write!(self.sql, "{row}.{column} {like} ");
                self.bind(&Param::Text(Some(pattern.clone())));
                self.push(" ESCAPE '\\'");
            }
            Cond::IsNull { column, null } => {
                let _ = write!(
                    self.sql,
                    "{row}.{column} IS {}NULL",
                    if *null { "" } else { "NOT " }
                );
            }
            Cond::Related {
                link,
                quantifier,
                cond,
            } => {
                let inner = self.alias();
                let exists = match quantifier {
                    Quantifier::Some => "EXISTS",
                    Quantifier::None | Quantifier::Every => "NOT EXISTS",
                };
                match link {
                    Link::ToOne { table, column } => {
                        let _ = write!(
                            self.sql,
                            "{exists} (SELECT 1 FROM {table} {inner} WHERE {inner}.id = {row}.{column} AND "
                        );
                    }
                    Link::Back { table, column } => {
                        let _ = write!(
                            self.sql,
                            "{exists} (SELECT 1 FROM {table} {inner} WHERE {inner}.{column} = {row}.id AND "
                        );
                    }
                    Link::Junction {
                        table,
                        junction,
                        row_column,
                        related_column,
                    } => {
                        let j = self.alias();
                        let _ = write!(
                            self.sql,
                            "{exists} (SELECT 1 FROM {junction} {j} JOIN {table} {inner} ON {inner}.id = {j}.{related_column} \
                             WHERE {j}.{row_column} = {row}.id AND "
                        );
                    }
                }
                if *quantifier == Quantifier::Every {
                    // "every related row matches" = "no related row fails to match".
                    self.cond(&Cond::Not(cond.clone()), &inner);
                } else {
                    self.cond(cond, &inner);
                }
                self.push(")");
            }
        }
    }

    /// The expression of a sort key. Text sorts by code point on both databases (PostgreSQL's
    /// database collation could otherwise order it differently from SQLite).
    fn key_expr(&self, term: &OrderTerm, row: &str) -> String {
        match (term.kind, self.backend) {
            (KeyKind::Text, DbBackend::Postgres) => format!("{row}.{} COLLATE \"C\"", term.column),
            _ => format!("{row}.{}", term.column),
        }
    }

    /// `ORDER BY` terms for the row aliased `row`, reversed when paging backwards; the id
    /// breaks ties so the order is total.
    pub fn order_by(&mut self, order: &[OrderTerm], row: &str, reverse: bool) {
        let dir = |descending: bool| if descending != reverse { "DESC" } else { "ASC" };
        for term in order {
            if term.nullable {
                // Nulls last in the requested direction, on both databases.
                let _ = write!(
                    self.sql,
                    "CASE WHEN {row}.{} IS NULL THEN 1 ELSE 0 END {}, ",
                    term.column,
                    if reverse { "DESC" } else { "ASC" }
                );
            }
            let expr = self.key_expr(term, row);
            let _ = write!(self.sql, "{expr} {}, ", dir(term.descending));
        }
        let _ = write!(
            self.sql,
            "{row}.id {}",
            if reverse { "DESC" } else { "ASC" }
        );
    }

    /// The condition "the row comes after `position`" in the (possibly reversed) order.
    pub fn after_position(
        &mut self,
        order: &[OrderTerm],
        row: &str,
        position: &(Vec<Param>, i64),
        reverse: bool,
    ) {
        let (values, id) = position;
        // Expand nullable keys into (is-null flag, value) pairs, as `order_by` sorts them.
        let mut keys: Vec<(String, bool, Param)> = Vec::new();
        for (term, value) in order.iter().zip(values) {
            if term.nullable {
                let flag = Param::Int(Some(i64::from(value.is_null())));
                keys.push((
                    format!(
                        "(CASE WHEN {row}.{} IS NULL THEN 1 ELSE 0 END)",
                        term.column
                    ),
                    false,
                    flag,
                ));
            }
            keys.push((self.key_expr(term, row), term.descending, value.clone()));
        }
        keys.push((format!("{row}.id"), false, Param::Int(Some(*id))));
        let eq = self.null_safe_eq();
        self.push("(");
        for i in 0..keys.len() {
            if i > 0 {
                self.push(" OR ");
            }
            self.push("(");
            for (expr, _, value) in &keys[..i] {
                let _ = write!(self.sql, "{expr} {eq} ");
                self.bind(value);
                self.push(" AND ");
            }
            let (expr, descending, value) = &keys[i];
            let greater = *descending == reverse;
            let _ = write!(self.sql, "{expr} {} ", if greater { ">" } else { "<" });
            self.bind(value);
            self.push(")");
        }
        self.push(")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_text_is_bound_never_spliced() {
        let mut w = SqlWriter::new(DbBackend::Postgres);
        let cond = Cond::Or(vec![
            Cond::Cmp {
                column: "name",
                op: CmpOp::Eq,
                value: Param::Text(Some("x'; DROP TABLE t;--".into())),
            },
            Cond::Like {
                column: "slug",
                pattern: format!("%{}%", like_escape("50%_off")),
            },
        ]);
        w.cond(&cond, "c");
        assert_eq!(w.sql, "(c.name = $1 OR c.slug ILIKE $2 ESCAPE '\\')");
        assert_eq!(w.values.len(), 2);
        assert_eq!(w.values[1], Value::String(Some("%50\\%\\_off%".into())));
    }

    #[test]
    fn every_is_written_as_no_related_row_failing() {
        let mut w = SqlWriter::new(DbBackend::Sqlite);
        let link = Link::Junction {
            table: "sectors",
            junction: "initiative_sectors",
            row_column: "initiative_id",
            related_column: "sector_id",
        };
        let inner = Cond::Cmp {
            column: "slug",
            op: CmpOp::Eq,
            value: Param::Text(Some("batteries".into())),
        };
        w.cond(
            &Cond::Related {
                link,
                quantifier: Quantifier::Every,
                cond: Box::new(inner),
            },
            "c",
        );
        assert!(
            w.sql
                .starts_with("NOT EXISTS (SELECT 1 FROM initiative_sectors r2 JOIN sectors r1"),
            "{}",
            w.sql
        );
        assert!(w.sql.contains("NOT COALESCE(r1.slug = ?"), "{}", w.sql);
    }

    #[test]
    fn keyset_positions_compare_key_by_key_then_by_id() {
        let mut w = SqlWriter::new(DbBackend::Sqlite);
        let order = [OrderTerm {
            column: "name",
            kind: KeyKind::Text,
            descending: true,
            nullable: false,
        }];
        w.after_position(
            &order,
            "c",
            &(vec![Param::Text(Some("M".into()))], 7),
            false,
        );
        assert_eq!(w.sql, "((c.name < ?) OR (c.name IS ? AND c.id > ?))");
        let mut back = SqlWriter::new(DbBackend::Sqlite);
        back.after_position(&order, "c", &(vec![Param::Text(Some("M".into()))], 7), true);
        assert_eq!(back.sql, "((c.name > ?) OR (c.name IS ? AND c.id < ?))");
    }
}
