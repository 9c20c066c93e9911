//! Compiling a query into a plan over the snapshot, and running the plan straight into JSON.
//!
//! A plan is the operation's selection with fragments expanded, fields of one response key
//! merged, `@skip`/`@include` decided and every field resolved to what it reads from the
//! snapshot. Running it walks the snapshot and writes the response bytes, in selection order,
//! without building an intermediate value tree.
//!
//! Plans cover the core graph only: directions, initiatives, sectors, prefectures and Indian
//! states, their plain fields, the links between them, and connections paged with
//! `first`/`after`/`last`/`before` in the default order. Anything else — another field, a
//! `filter` or `orderBy`, a directive that depends on a variable — makes compilation return
//! `None`, and the request runs through async-graphql as before. At run time the plan also
//! gives up (returns `None`) on anything that would be an error (a page size over the maximum,
//! a cursor that does not decode, a variable of the wrong type), so errors keep coming from one
//! place, with one wording.

use super::graph::{Graph, Table};
use crate::config::Limits;
use crate::graphql::relay::{NodeKind, decode_cursor, global_id, page_size};
use crate::graphql::types::common::Timestamp;
use crate::graphql::types::{
    Confidence, DirectionMapping, IndianStateKind, InitiativeStatus, PrefectureKind,
};
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{EnumType, Name, Positioned, Value, Variables};
use std::collections::HashMap;
use std::io::Write as _;

/// An object type a plan can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Direction,
    Initiative,
    Sector,
    Prefecture,
    IndianState,
}

impl Node {
    fn name(self) -> &'static str {
        match self {
            Node::Direction => "Direction",
            Node::Initiative => "Initiative",
            Node::Sector => "Sector",
            Node::Prefecture => "Prefecture",
            Node::IndianState => "IndianState",
        }
    }

    fn connection(self) -> &'static str {
        match self {
            Node::Direction => "DirectionConnection",
            Node::Initiative => "InitiativeConnection",
            Node::Sector => "SectorConnection",
            Node::Prefecture => "PrefectureConnection",
            Node::IndianState => "IndianStateConnection",
        }
    }

    fn edge(self) -> &'static str {
        match self {
            Node::Direction => "DirectionEdge",
            Node::Initiative => "InitiativeEdge",
            Node::Sector => "SectorEdge",
            Node::Prefecture => "PrefectureEdge",
            Node::IndianState => "IndianStateEdge",
        }
    }

    fn kind(self) -> NodeKind {
        match self {
            Node::Direction => NodeKind::Direction,
            Node::Initiative => NodeKind::Initiative,
            Node::Sector => NodeKind::Sector,
            Node::Prefecture => NodeKind::Prefecture,
            Node::IndianState => NodeKind::IndianState,
        }
    }

    fn table(self) -> &'static str {
        self.kind().table()
    }

    /// Abstract types this object belongs to, for fragments' type conditions.
    fn belongs_to(self, abstract_type: &str) -> bool {
        match abstract_type {
            "Node" => true,
            "SearchResult" => matches!(
                self,
                Node::Initiative | Node::Prefecture | Node::IndianState
            ),
            _ => false,
        }
    }
}

/// The type a selection set is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Query,
    Object(Node),
    Connection(Node),
    Edge(Node),
    PageInfo,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::Query => "QueryRoot",
            Scope::Object(node) => node.name(),
            Scope::Connection(node) => node.connection(),
            Scope::Edge(node) => node.edge(),
            Scope::PageInfo => "PageInfo",
        }
    }

    fn matches(self, condition: &str) -> bool {
        condition == self.name()
            || matches!(self, Scope::Object(node) if node.belongs_to(condition))
    }
}

/// A plain field of a node.
#[derive(Clone, Copy, Debug)]
enum Leaf {
    Id,
    Slug,
    Name,
    Number,
    NameVariants,
    JaLabel,
    Summary,
    SummaryNote,
    Description,
    Status,
    Confidence,
    DirectionMapping,
    Notes,
    CreatedAt,
    UpdatedAt,
    NameJa,
    Kind,
    JisCode,
    IsoCode,
    Region,
    Capital,
}

/// A list a connection pages through.
#[derive(Clone, Copy, Debug)]
enum List {
    Root(Node),
    DirectionInitiatives,
    InitiativeSectors,
    InitiativePrefectures,
    InitiativeIndianStates,
    SectorInitiatives,
    SectorChildren,
    PrefectureInitiatives,
    IndianStateInitiatives,
}

impl List {
    fn child(self) -> Node {
        match self {
            List::Root(node) => node,
            List::DirectionInitiatives
            | List::SectorInitiatives
            | List::PrefectureInitiatives
            | List::IndianStateInitiatives => Node::Initiative,
            List::InitiativeSectors | List::SectorChildren => Node::Sector,
            List::InitiativePrefectures => Node::Prefecture,
            List::InitiativeIndianStates => Node::IndianState,
        }
    }
}

/// A to-one link.
#[derive(Clone, Copy, Debug)]
enum Link {
    InitiativeDirection,
    SectorParent,
}

/// An argument value: absent (or null), a literal, or a variable.
#[derive(Clone, Debug)]
enum Arg {
    Absent,
    Literal(Value),
    Variable(Name),
}

#[derive(Clone, Debug)]
struct Paging {
    first: Arg,
    after: Arg,
    last: Arg,
    before: Arg,
}

#[derive(Debug)]
enum Op {
    Typename(&'static str),
    Leaf(Leaf),
    Link(Link, Vec<Sel>),
    Connection(List, Box<Paging>, Vec<Sel>),
    Nodes(Vec<Sel>),
    Edges(Vec<Sel>),
    TotalCount,
    PageInfo(Vec<Sel>),
    Cursor,
    EdgeNode(Vec<Sel>),
    HasNextPage,
    HasPreviousPage,
    StartCursor,
    EndCursor,
}

/// One response key and what fills it.
#[derive(Debug)]
struct Sel {
    /// `"key":`, escaped, ready to write.
    key: Box<[u8]>,
    op: Op,
}

/// A declared variable a plan reads.
#[derive(Debug)]
struct VarDef {
    non_null: bool,
    default: Option<Value>,
}

/// A compiled query.
#[derive(Debug)]
pub struct Plan {
    root: Vec<Sel>,
    variables: HashMap<Name, VarDef>,
}

/// Compiles the query `operation` of `document`; `None` when any part of it is outside what
/// plans cover. The document must already have passed validation.
pub fn compile(document: &ExecutableDocument, operation: &OperationDefinition) -> Option<Plan> {
    if operation.ty != OperationType::Query || !operation.directives.is_empty() {
        return None;
    }
    let mut variables = HashMap::new();
    for definition in &operation.variable_definitions {
        let definition = &definition.node;
        variables.insert(
            definition.name.node.clone(),
            VarDef {
                non_null: !definition.var_type.node.nullable,
                default: definition.default_value.as_ref().map(|v| v.node.clone()),
            },
        );
        // Only scalar variables of the types connection arguments take.
        match &definition.var_type.node.base {
            BaseType::Named(name) if matches!(name.as_str(), "Int" | "String") => {}
            _ => return None,
        }
    }
    let compiler = Compiler { document };
    let root = compiler.set(Scope::Query, &[&operation.selection_set.node])?;
    Some(Plan { root, variables })
}

struct Compiler<'d> {
    document: &'d ExecutableDocument,
}

/// Decides `@skip`/`@include` with literal conditions; `None` for any other directive or a
/// variable condition.
fn included(directives: &[Positioned<async_graphql::parser::types::Directive>]) -> Option<bool> {
    let mut include = true;
    for directive in directives {
        let directive = &directive.node;
        let condition = match directive
            .get_argument("if")
            .and_then(|v| v.node.clone().into_const())
        {
            Some(Value::Boolean(b)) => b,
            _ => return None,
        };
        match directive.name.node.as_str() {
            "skip" => include &= !condition,
            "include" => include &= condition,
            _ => return None,
        }
    }
    Some(include)
}

impl<'d> Compiler<'d> {
    /// The fields of `sets` on `scope`, grouped by response key in first-seen order.
    fn collect(
        &self,
        scope: Scope,
        sets: &[&'d SelectionSet],
    ) -> Option<Vec<(&'d str, Vec<&'d Field>)>> {
        let mut groups: Vec<(&'d str, Vec<&'d Field>)> = Vec::new();
        let mut visited: Vec<&'d str> = Vec::new();
        let mut stack: Vec<std::slice::Iter<'d, Positioned<Selection>>> =
            sets.iter().rev().map(|set| set.items.iter()).collect();
        // Depth-first, in document order: a fragment's fields go where the fragment is.
        while let Some(top) = stack.last_mut() {
            let Some(selection) = top.next() else {
                stack.pop();
                continue;
            };
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    if !included(&field.directives)? {
                        continue;
                    }
                    let key = field.alias.as_ref().unwrap_or(&field.name).node.as_str();
                    match groups.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(field),
                        None => groups.push((key, vec![field])),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    if !included(&fragment.directives)? {
                        continue;
                    }
                    if let Some(condition) = &fragment.type_condition
                        && !scope.matches(condition.node.on.node.as_str())
                    {
                        return None;
                    }
                    stack.push(fragment.selection_set.node.items.iter());
                }
                Selection::FragmentSpread(spread) => {
                    let spread = &spread.node;
                    if !included(&spread.directives)? {
                        continue;
                    }
                    let name = spread.fragment_name.node.as_str();
                    if visited.contains(&name) {
                        continue;
                    }
                    visited.push(name);
                    let fragment = &self.document.fragments.get(name)?.node;
                    if !fragment.directives.is_empty()
                        || !scope.matches(fragment.type_condition.node.on.node.as_str())
                    {
                        return None;
                    }
                    stack.push(fragment.selection_set.node.items.iter());
                }
            }
        }
        Some(groups)
    }

    fn set(&self, scope: Scope, sets: &[&'d SelectionSet]) -> Option<Vec<Sel>> {
        self.collect(scope, sets)?
            .into_iter()
            .map(|(key, fields)| {
                let mut quoted = serde_json::to_vec(key).ok()?;
                quoted.push(b':');
                Some(Sel {
                    key: quoted.into_boxed_slice(),
                    op: self.field(scope, &fields)?,
                })
            })
            .collect()
    }

    /// What fills one response key: `fields` all have the same name and arguments (validation
    /// guarantees it); their selection sets merge.
    fn field(&self, scope: Scope, fields: &[&'d Field]) -> Option<Op> {
        let first = fields.first()?;
        let name = first.name.node.as_str();
        let sub = |scope: Scope| {
            let sets: Vec<&'d SelectionSet> =
                fields.iter().map(|f| &f.selection_set.node).collect();
            self.set(scope, &sets)
        };
        if name == "__typename" {
            return Some(Op::Typename(scope.name()));
        }
        let leaf = |leaf| {
            // Plain fields take no arguments; a stray one is not ours to judge.
            first.arguments.is_empty().then_some(Op::Leaf(leaf))
        };
        let connection = |list: List| {
            let paging = paging(first)?;
            Some(Op::Connection(
                list,
                Box::new(paging),
                sub(Scope::Connection(list.child()))?,
            ))
        };
        match scope {
            Scope::Query => match name {
                "directions" => connection(List::Root(Node::Direction)),
                "initiatives" => connection(List::Root(Node::Initiative)),
                "sectors" => connection(List::Root(Node::Sector)),
                "prefectures" => connection(List::Root(Node::Prefecture)),
                "indianStates" => connection(List::Root(Node::IndianState)),
                _ => None,
            },
            Scope::Object(node) => match (node, name) {
                (_, "id") => leaf(Leaf::Id),
                (_, "slug") => leaf(Leaf::Slug),
                (_, "name") => leaf(Leaf::Name),
                (Node::Direction, "number") => leaf(Leaf::Number),
                (Node::Direction, "nameVariants") => leaf(Leaf::NameVariants),
                (Node::Direction, "jaLabel") => leaf(Leaf::JaLabel),
                (Node::Direction, "summary") => leaf(Leaf::Summary),
                (Node::Direction, "summaryNote") => leaf(Leaf::SummaryNote),
                (Node::Direction, "initiatives") => connection(List::DirectionInitiatives),
                (Node::Initiative, "description") => leaf(Leaf::Description),
                (Node::Initiative, "status") => leaf(Leaf::Status),
                (Node::Initiative, "confidence") => leaf(Leaf::Confidence),
                (Node::Initiative, "directionMapping") => leaf(Leaf::DirectionMapping),
                (Node::Initiative, "createdAt") => leaf(Leaf::CreatedAt),
                (Node::Initiative, "updatedAt") => leaf(Leaf::UpdatedAt),
                (Node::Initiative, "direction") if first.arguments.is_empty() => Some(Op::Link(
                    Link::InitiativeDirection,
                    sub(Scope::Object(Node::Direction))?,
                )),
                (Node::Initiative, "sectors") => connection(List::InitiativeSectors),
                (Node::Initiative, "prefectures") => connection(List::InitiativePrefectures),
                (Node::Initiative, "indianStates") => connection(List::InitiativeIndianStates),
                (Node::Sector, "parent") if first.arguments.is_empty() => Some(Op::Link(
                    Link::SectorParent,
                    sub(Scope::Object(Node::Sector))?,
                )),
                (Node::Sector, "children") => connection(List::SectorChildren),
                (Node::Sector, "initiatives") => connection(List::SectorInitiatives),
                (Node::Prefecture, "nameJa") => leaf(Leaf::NameJa),
                (Node::Prefecture, "jisCode") => leaf(Leaf::JisCode),
                (Node::Prefecture, "isoCode") => leaf(Leaf::IsoCode),
                (Node::Prefecture, "region") => leaf(Leaf::Region),
                (Node::Prefecture | Node::IndianState, "kind") => leaf(Leaf::Kind),
                (Node::Prefecture | Node::IndianState, "capital") => leaf(Leaf::Capital),
                (Node::Initiative | Node::Prefecture | Node::IndianState, "notes") => {
                    leaf(Leaf::Notes)
                }
                (Node::Prefecture, "initiatives") => connection(List::PrefectureInitiatives),
                (Node::IndianState, "initiatives") => connection(List::IndianStateInitiatives),
                _ => None,
            },
            Scope::Connection(node) => match name {
                "nodes" => Some(Op::Nodes(sub(Scope::Object(node))?)),
                "edges" => Some(Op::Edges(sub(Scope::Edge(node))?)),
                "totalCount" => Some(Op::TotalCount),
                "pageInfo" => Some(Op::PageInfo(sub(Scope::PageInfo)?)),
                _ => None,
            },
            Scope::Edge(node) => match name {
                "cursor" => Some(Op::Cursor),
                "node" => Some(Op::EdgeNode(sub(Scope::Object(node))?)),
                _ => None,
            },
            Scope::PageInfo => match name {
                "hasNextPage" => Some(Op::HasNextPage),
                "hasPreviousPage" => Some(Op::HasPreviousPage),
                "startCursor" => Some(Op::StartCursor),
                "endCursor" => Some(Op::EndCursor),
                _ => None,
            },
        }
    }
}

/// The paging arguments of a connection field; `None` when it has others (filter, orderBy).
fn paging(field: &Field) -> Option<Paging> {
    let mut paging = Paging {
        first: Arg::Absent,
        after: Arg::Absent,
        last: Arg::Absent,
        before: Arg::Absent,
    };
    for (name, value) in &field.arguments {
        // A value with a variable in it is, for these scalar arguments, the variable itself.
        let arg = match value.node.clone().into_const_with(Err) {
            Ok(Value::Null) => Arg::Absent,
            Ok(literal) => Arg::Literal(literal),
            Err(var) => Arg::Variable(var),
        };
        match name.node.as_str() {
            "first" => paging.first = arg,
            "after" => paging.after = arg,
            "last" => paging.last = arg,
            "before" => paging.before = arg,
            // `filter: null` and `orderBy: null` mean no filter and the default order.
            "filter" | "orderBy" if matches!(arg, Arg::Absent) => {}
            _ => return None,
        }
    }
    Some(paging)
}

/// Gave up at run time: the request goes to the general executor.
struct GiveUp;

type Run<T = ()> = Result<T, GiveUp>;

/// The children of one parent: a whole table (root lists) or an adjacency list, by position.
#[derive(Clone, Copy)]
enum Children<'g> {
    All(u32),
    Some(&'g [u32]),
}

impl Children<'_> {
    fn len(self) -> usize {
        match self {
            Children::All(n) => n as usize,
            Children::Some(list) => list.len(),
        }
    }

    fn get(self, index: usize) -> u32 {
        match self {
            Children::All(_) => index as u32,
            Children::Some(list) => list[index],
        }
    }
}

/// Where a page sits: its rows (positions in the child table), and its neighbours.
struct Window {
    rows: Vec<u32>,
    has_next: bool,
    has_previous: bool,
    total: usize,
}

struct Runner<'a> {
    graph: &'a Graph,
    limits: &'a Limits,
    plan: &'a Plan,
    variables: &'a Variables,
    out: Vec<u8>,
}

/// Runs `plan` over `graph` and returns the response body, or `None` when the request should
/// go to the general executor (it would be an error, or a value is outside what plans handle).
pub fn run(plan: &Plan, graph: &Graph, limits: &Limits, variables: &Variables) -> Option<Vec<u8>> {
    let mut runner = Runner {
        graph,
        limits,
        plan,
        variables,
        out: Vec::with_capacity(4096),
    };
    runner.out.extend_from_slice(b"{\"data\":");
    runner.query(&plan.root).ok()?;
    runner.out.push(b'}');
    Some(runner.out)
}

impl<'a> Runner<'a> {
    fn write_str(&mut self, text: &str) {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, text);
    }

    fn write_opt_str(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.write_str(text),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    fn write_int(&mut self, n: i64) {
        let _ = write!(self.out, "{n}");
    }

    fn write_bool(&mut self, b: bool) {
        self.out
            .extend_from_slice(if b { b"true" } else { b"false" });
    }

    fn write_enum<T: EnumType>(&mut self, value: T) -> Run {
        let item = T::items()
            .iter()
            .find(|item| item.value == value)
            .ok_or(GiveUp)?;
        self.write_str(item.name);
        Ok(())
    }

    /// Writes a JSON object of `sels`: braces, commas and keys here, each value by `value`.
    fn object_of(&mut self, sels: &[Sel], mut value: impl FnMut(&mut Self, &Sel) -> Run) -> Run {
        self.out.push(b'{');
        for (i, sel) in sels.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(&sel.key);
            value(self, sel)?;
        }
        self.out.push(b'}');
        Ok(())
    }

    /// Writes a JSON array with one value per row.
    fn array_of(&mut self, rows: &[u32], mut value: impl FnMut(&mut Self, u32) -> Run) -> Run {
        self.out.push(b'[');
        for (i, &row) in rows.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            value(self, row)?;
        }
        self.out.push(b']');
        Ok(())
    }

    fn query(&mut self, sels: &[Sel]) -> Run {
        self.object_of(sels, |this, sel| {
            match &sel.op {
                Op::Typename(name) => this.write_str(name),
                Op::Connection(list, paging, sub) => this.connection(*list, None, paging, sub)?,
                _ => return Err(GiveUp),
            }
            Ok(())
        })
    }

    /// The value of a variable, or its default; `Null` when neither.
    fn variable(&self, name: &Name) -> Run<Value> {
        let definition = self.plan.variables.get(name).ok_or(GiveUp)?;
        let value = match self.variables.get(name) {
            Some(value) => value.clone(),
            None => definition.default.clone().unwrap_or(Value::Null),
        };
        if definition.non_null && value == Value::Null {
            return Err(GiveUp);
        }
        Ok(value)
    }

    fn arg(&self, arg: &Arg) -> Run<Value> {
        match arg {
            Arg::Absent => Ok(Value::Null),
            Arg::Literal(value) => Ok(value.clone()),
            Arg::Variable(name) => self.variable(name),
        }
    }

    fn int_arg(&self, arg: &Arg) -> Run<Option<i32>> {
        match self.arg(arg)? {
            Value::Null => Ok(None),
            Value::Number(n) => n
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .map(Some)
                .ok_or(GiveUp),
            _ => Err(GiveUp),
        }
    }

    fn string_arg(&self, arg: &Arg) -> Run<Option<String>> {
        match self.arg(arg)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            _ => Err(GiveUp),
        }
    }

    /// A page size as the general executor accepts it (`relay::page_size`); its refusals are
    /// the general executor's to word.
    fn size(&self, field: &str, n: Option<i32>) -> Run<usize> {
        page_size(self.limits, field, n)
            .map(|n| n as usize)
            .map_err(|_| GiveUp)
    }

    /// The id a cursor points at, for a list of `node`s in the default order.
    fn cursor_id(node: Node, field: &str, cursor: Option<String>) -> Run<Option<i64>> {
        cursor
            .map(|text| {
                decode_cursor(field, &text, node.table(), &[])
                    .map(|(_, id)| id)
                    .map_err(|_| GiveUp)
            })
            .transpose()
    }

    fn id_of(&self, node: Node, position: u32) -> i32 {
        let g = self.graph;
        match node {
            Node::Direction => g.directions.get(position).id,
            Node::Initiative => g.initiatives.get(position).id,
            Node::Sector => g.sectors.get(position).id,
            Node::Prefecture => g.prefectures.get(position).id,
            Node::IndianState => g.indian_states.get(position).id,
        }
    }

    fn children(&self, list: List, parent: Option<u32>) -> Run<Children<'a>> {
        let g = self.graph;
        let adjacency = match list {
            List::Root(Node::Direction) => return Ok(Children::All(g.directions.len() as u32)),
            List::Root(Node::Initiative) => return Ok(Children::All(g.initiatives.len() as u32)),
            List::Root(Node::Sector) => return Ok(Children::All(g.sectors.len() as u32)),
            List::Root(Node::Prefecture) => return Ok(Children::All(g.prefectures.len() as u32)),
            List::Root(Node::IndianState) => {
                return Ok(Children::All(g.indian_states.len() as u32));
            }
            List::DirectionInitiatives => &g.direction_initiatives,
            List::InitiativeSectors => &g.initiative_sectors,
            List::InitiativePrefectures => &g.initiative_prefectures,
            List::InitiativeIndianStates => &g.initiative_indian_states,
            List::SectorInitiatives => &g.sector_initiatives,
            List::SectorChildren => &g.sector_children,
            List::PrefectureInitiatives => &g.prefecture_initiatives,
            List::IndianStateInitiatives => &g.indian_state_initiatives,
        };
        let parent = parent.ok_or(GiveUp)?;
        Ok(Children::Some(
            adjacency
                .get(parent as usize)
                .map_or(&[][..], Vec::as_slice),
        ))
    }

    /// The page `paging` selects from `list` under `parent`, as `db::page` computes it: keyset
    /// on the id, one row beyond the page telling whether more follow.
    fn window(&self, list: List, parent: Option<u32>, paging: &Paging) -> Run<Window> {
        let node = list.child();
        let first = self.int_arg(&paging.first)?;
        let last = self.int_arg(&paging.last)?;
        let after = self.string_arg(&paging.after)?;
        let before = self.string_arg(&paging.before)?;
        let backwards = last.is_some() || before.is_some();
        if backwards && (first.is_some() || after.is_some()) {
            return Err(GiveUp);
        }
        let children = self.children(list, parent)?;
        let total = children.len();
        // Children are in ascending id order: the first whose id passes `below` by binary search.
        let split = |below: &dyn Fn(i64) -> bool| {
            let (mut lo, mut hi) = (0, total);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if below(i64::from(self.id_of(node, children.get(mid)))) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        let (start, end, has_next, has_previous) = if backwards {
            let n = self.size("last", last)?;
            let before = Self::cursor_id(node, "before", before)?;
            let end = before.map_or(total, |b| split(&|id| id < b));
            let start = end.saturating_sub(n);
            (start, end, before.is_some(), start > 0)
        } else {
            let n = self.size("first", first)?;
            let after = Self::cursor_id(node, "after", after)?;
            let start = after.map_or(0, |a| split(&|id| id <= a));
            let end = (start + n).min(total);
            (start, end, total > end, after.is_some())
        };
        Ok(Window {
            rows: (start..end).map(|i| children.get(i)).collect(),
            has_next,
            has_previous,
            total,
        })
    }

    fn cursor_of(&self, node: Node, position: u32) -> String {
        crate::graphql::relay::cursor(node.table(), &[], &[], self.id_of(node, position))
    }

    fn connection(
        &mut self,
        list: List,
        parent: Option<u32>,
        paging: &Paging,
        sels: &[Sel],
    ) -> Run {
        let node = list.child();
        let window = self.window(list, parent, paging)?;
        self.object_of(sels, |this, sel| {
            match &sel.op {
                Op::Typename(name) => this.write_str(name),
                Op::Nodes(sub) => {
                    this.array_of(&window.rows, |this, row| this.object(node, row, sub))?
                }
                Op::Edges(sub) => {
                    this.array_of(&window.rows, |this, row| this.edge(node, row, sub))?
                }
                Op::TotalCount => this.write_int(window.total as i64),
                Op::PageInfo(sub) => this.page_info(node, &window, sub)?,
                _ => return Err(GiveUp),
            }
            Ok(())
        })
    }

    fn edge(&mut self, node: Node, row: u32, sels: &[Sel]) -> Run {
        self.object_of(sels, |this, sel| {
            match &sel.op {
                Op::Typename(name) => this.write_str(name),
                Op::Cursor => {
                    let cursor = this.cursor_of(node, row);
                    this.write_str(&cursor);
                }
                Op::EdgeNode(sub) => this.object(node, row, sub)?,
                _ => return Err(GiveUp),
            }
            Ok(())
        })
    }

    fn page_info(&mut self, node: Node, window: &Window, sels: &[Sel]) -> Run {
        self.object_of(sels, |this, sel| {
            match &sel.op {
                Op::Typename(name) => this.write_str(name),
                Op::HasNextPage => this.write_bool(window.has_next),
                Op::HasPreviousPage => this.write_bool(window.has_previous),
                Op::StartCursor | Op::EndCursor => {
                    let row = if matches!(sel.op, Op::StartCursor) {
                        window.rows.first()
                    } else {
                        window.rows.last()
                    };
                    match row {
                        Some(&row) => {
                            let cursor = this.cursor_of(node, row);
                            this.write_str(&cursor);
                        }
                        None => this.out.extend_from_slice(b"null"),
                    }
                }
                _ => return Err(GiveUp),
            }
            Ok(())
        })
    }

    fn object(&mut self, node: Node, row: u32, sels: &[Sel]) -> Run {
        self.object_of(sels, |this, sel| {
            match &sel.op {
                Op::Typename(name) => this.write_str(name),
                Op::Leaf(leaf) => this.leaf(node, row, *leaf)?,
                Op::Link(link, sub) => this.link(row, *link, sub)?,
                Op::Connection(list, paging, sub) => {
                    this.connection(*list, Some(row), paging, sub)?
                }
                _ => return Err(GiveUp),
            }
            Ok(())
        })
    }

    fn link(&mut self, row: u32, link: Link, sels: &[Sel]) -> Run {
        let g = self.graph;
        let (node, target) = match link {
            Link::InitiativeDirection => (
                Node::Direction,
                g.initiatives
                    .get(row)
                    .direction_id
                    .map(|id| g.directions.position(id).ok_or(GiveUp))
                    .transpose()?,
            ),
            Link::SectorParent => (
                Node::Sector,
                g.sectors
                    .get(row)
                    .parent_id
                    .map(|id| g.sectors.position(id).ok_or(GiveUp))
                    .transpose()?,
            ),
        };
        match target {
            Some(target) => self.object(node, target, sels),
            None => {
                self.out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }

    fn leaf(&mut self, node: Node, row: u32, leaf: Leaf) -> Run {
        let g = self.graph;
        match node {
            Node::Direction => self.direction_leaf(&g.directions, row, leaf),
            Node::Initiative => self.initiative_leaf(&g.initiatives, row, leaf),
            Node::Sector => {
                let r = g.sectors.get(row);
                match leaf {
                    Leaf::Id => self.write_str(&global_id(NodeKind::Sector, r.id)),
                    Leaf::Slug => self.write_str(&r.slug),
                    Leaf::Name => self.write_str(&r.name),
                    _ => return Err(GiveUp),
                }
                Ok(())
            }
            Node::Prefecture => {
                let r = g.prefectures.get(row);
                match leaf {
                    Leaf::Id => self.write_str(&global_id(NodeKind::Prefecture, r.id)),
                    Leaf::Slug => self.write_str(&r.slug),
                    Leaf::Name => self.write_str(&r.name),
                    Leaf::NameJa => self.write_str(&r.name_ja),
                    Leaf::Kind => {
                        let kind =
                            crate::domain::PrefectureKind::from_word(&r.kind).ok_or(GiveUp)?;
                        self.write_enum(PrefectureKind::from(kind))?;
                    }
                    Leaf::JisCode => self.write_str(&r.jis_code),
                    Leaf::IsoCode => self.write_str(&r.iso_code),
                    Leaf::Region => self.write_str(&r.region),
                    Leaf::Capital => self.write_str(&r.capital),
                    Leaf::Notes => self.write_opt_str(r.notes.as_deref()),
                    _ => return Err(GiveUp),
                }
                Ok(())
            }
            Node::IndianState => {
                let r = g.indian_states.get(row);
                match leaf {
                    Leaf::Id => self.write_str(&global_id(NodeKind::IndianState, r.id)),
                    Leaf::Slug => self.write_str(&r.slug),
                    Leaf::Name => self.write_str(&r.name),
                    Leaf::Kind => {
                        let kind =
                            crate::domain::IndianStateKind::from_word(&r.kind).ok_or(GiveUp)?;
                        self.write_enum(IndianStateKind::from(kind))?;
                    }
                    Leaf::Capital => self.write_str(&r.capital),
                    Leaf::Notes => self.write_opt_str(r.notes.as_deref()),
                    _ => return Err(GiveUp),
                }
                Ok(())
            }
        }
    }

    fn direction_leaf(
        &mut self,
        table: &Table<entity::directions::Model>,
        row: u32,
        leaf: Leaf,
    ) -> Run {
        let r = table.get(row);
        match leaf {
            Leaf::Id => self.write_str(&global_id(NodeKind::Direction, r.id)),
            Leaf::Slug => self.write_str(&r.slug),
            Leaf::Name => self.write_str(&r.name),
            Leaf::Number => self.write_int(i64::from(r.number)),
            Leaf::NameVariants => {
                let variants = crate::graphql::types::common::string_list(&r.name_variants);
                self.out.push(b'[');
                for (i, variant) in variants.iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.write_str(variant);
                }
                self.out.push(b']');
            }
            Leaf::JaLabel => self.write_opt_str(r.ja_label.as_deref()),
            Leaf::Summary => self.write_opt_str(r.summary.as_deref()),
            Leaf::SummaryNote => self.write_opt_str(r.summary_note.as_deref()),
            _ => return Err(GiveUp),
        }
        Ok(())
    }

    fn initiative_leaf(
        &mut self,
        table: &Table<entity::initiatives::Model>,
        row: u32,
        leaf: Leaf,
    ) -> Run {
        let r = table.get(row);
        match leaf {
            Leaf::Id => self.write_str(&global_id(NodeKind::Initiative, r.id)),
            Leaf::Slug => self.write_str(&r.slug),
            Leaf::Name => self.write_str(&r.name),
            Leaf::Description => self.write_str(&r.description),
            Leaf::Status => {
                let status = crate::domain::InitiativeStatus::from_word(&r.status).ok_or(GiveUp)?;
                self.write_enum(InitiativeStatus::from(status))?;
            }
            Leaf::Confidence => match r.confidence.as_deref() {
                Some(word) => {
                    let value = crate::domain::Confidence::from_word(word).ok_or(GiveUp)?;
                    self.write_enum(Confidence::from(value))?;
                }
                None => self.out.extend_from_slice(b"null"),
            },
            Leaf::DirectionMapping => match r.direction_mapping.as_deref() {
                Some(word) => {
                    let value = crate::domain::DirectionMapping::from_word(word).ok_or(GiveUp)?;
                    self.write_enum(DirectionMapping::from(value))?;
                }
                None => self.out.extend_from_slice(b"null"),
            },
            Leaf::Notes => self.write_opt_str(r.notes.as_deref()),
            Leaf::CreatedAt => self.write_str(&Timestamp(r.created_at).text()),
            Leaf::UpdatedAt => self.write_str(&Timestamp(r.updated_at).text()),
            _ => return Err(GiveUp),
        }
        Ok(())
    }
}
