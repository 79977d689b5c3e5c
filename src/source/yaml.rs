//! YAML with positions, from one parse.
//!
//! granit-parser reads a file once into events that carry their spans;
//! [`parse`] builds from them a tree of [`Node`]s, each knowing its line and
//! column, and refuses on the way what a site file must not hold: aliases
//! that repeat too much, a key given twice, a second document, nesting past
//! a limit. [`Ctx`] and [`Map`] read the tree field by field, collecting
//! every problem instead of stopping at the first; a problem's place comes
//! from the same tree ([`index_tree`]), indexed only when a file has
//! something to report.
//!
//! The values are those serde_yaml gave (YAML 1.2 core schema: `yes` is
//! text, `0123` is text, `1_000` is text), so records read as they did.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError, Span};

use crate::diagnostics::{Diagnostic, Loc, Pos, PositionIndex, SourceFile, nearest};

/// Path of a node: `participants[0].name`; the root is the empty string.
pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub fn item(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// Deeper documents are refused (serde_yaml's limit, kept).
const MAX_DEPTH: usize = 128;

/// How many nodes `*alias`es may repeat in one file, in all. A real site
/// file repeats a few lists at most; past this, loading gets slow and
/// memory-hungry (a 70 KB file whose 5,000 aliases each repeat a list of
/// 5,000), and the classic "billion laughs" nests aliases to expand to
/// billions. Counted before anything is copied.
pub const ALIAS_BUDGET: u64 = 100_000;

/// A value and where it stands: (line, column, length), 1-based, in
/// characters. A mapping stands where its first key does; a scalar's
/// length is that of its text.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub at: Pos,
}

impl std::ops::Deref for Node {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.value
    }
}

/// Nodes are equal when their values are, wherever they stand.
impl PartialEq for Node {
    fn eq(&self, other: &Node) -> bool {
        self.value == other.value
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Sequence(Vec<Node>),
    Mapping(Mapping),
    /// A value with a tag of its own (`!name value`).
    Tagged(Box<Node>),
}

/// The entries of a mapping, in the order written. Keys are unique: a
/// repeated key is refused while parsing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping(Vec<(Node, Node)>);

impl Mapping {
    pub fn new() -> Mapping {
        Mapping::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Node, &Node)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Node> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The value of a text key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.0
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// Add an entry written by the program (it stands nowhere in a file).
    pub fn insert(&mut self, key: &str, value: Value) {
        let node = |value| Node {
            value,
            at: (0, 0, 0),
        };
        self.0.retain(|(k, _)| k.as_str() != Some(key));
        self.0
            .push((node(Value::String(key.to_string())), node(value)));
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    PosInt(u64),
    /// Always below zero.
    NegInt(i64),
    Float(f64),
}

impl fmt::Display for Number {
    /// As serde_yaml wrote numbers: `1`, `-2`, `1.5`, `1.0`, `.inf`, `.nan`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Number::PosInt(n) => write!(f, "{n}"),
            Number::NegInt(n) => write!(f, "{n}"),
            Number::Float(x) if x.is_nan() => f.write_str(".nan"),
            Number::Float(x) if x.is_infinite() => {
                f.write_str(if x < 0.0 { "-.inf" } else { ".inf" })
            }
            Number::Float(x) => f.write_str(&shortest(x)),
        }
    }
}

/// The shortest text that reads back as `x`, laid out as serde_yaml
/// (through ryu) wrote it: `1.0`, `0.001`, `1e20`, `1.5e-7`.
fn shortest(x: f64) -> String {
    // `{:e}` gives the shortest digits: `d.ddde±k`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let len = digits.len() as i32;
    // The decimal point stands after `kk` digits.
    let kk = exp + 1;
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let body = if (0..=16).contains(&kk) && kk >= len {
        format!("{digits}{}.0", "0".repeat((kk - len) as usize))
    } else if 0 < kk && kk <= 16 {
        format!("{}.{}", &digits[..kk as usize], &digits[kk as usize..])
    } else if -5 < kk && kk <= 0 {
        format!("0.{}{digits}", "0".repeat((-kk) as usize))
    } else if len == 1 {
        format!("{digits}e{}", kk - 1)
    } else {
        format!("{}.{}e{}", &digits[..1], &digits[1..], kk - 1)
    };
    format!("{sign}{body}")
}

static NULL: Value = Value::Null;

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(Number::PosInt(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match self {
            Value::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&Mapping> {
        match self {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// The value of `key`, when this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_mapping()?.get(key)
    }
}

/// `value["key"]`: null when there is no such key (as serde_yaml did).
impl std::ops::Index<&str> for Value {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        self.get(key).map_or(&NULL, |n| &n.value)
    }
}

/// `value[i]`: null past the end or on anything but a list.
impl std::ops::Index<usize> for Value {
    type Output = Value;

    fn index(&self, i: usize) -> &Value {
        match self {
            Value::Sequence(items) => items.get(i).map_or(&NULL, |n| &n.value),
            _ => &NULL,
        }
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<i64> for Value {
    fn eq(&self, other: &i64) -> bool {
        match self {
            Value::Number(Number::PosInt(n)) => i64::try_from(*n).ok() == Some(*other),
            Value::Number(Number::NegInt(n)) => n == other,
            _ => false,
        }
    }
}

impl serde::Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(Number::PosInt(n)) => s.serialize_u64(*n),
            Value::Number(Number::NegInt(n)) => s.serialize_i64(*n),
            Value::Number(Number::Float(x)) => s.serialize_f64(*x),
            Value::String(t) => s.serialize_str(t),
            Value::Sequence(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Value::Mapping(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m.iter() {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Value::Tagged(inner) => inner.serialize(s),
        }
    }
}

/// A plain scalar as the YAML 1.2 core schema reads it (serde_yaml's rules:
/// null, booleans, integers in decimal, `0x`, `0o` and `0b`, floats; digits
/// with a leading zero are text).
fn resolve_plain(text: std::borrow::Cow<'_, str>) -> Value {
    let s: &str = &text;
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    // Only text that starts like a number can be one.
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Value::String(text.into_owned());
    }
    if let Some(n) = parse_int(s) {
        return Value::Number(n);
    }
    if !digits_but_not_number(s)
        && let Some(x) = parse_float(s)
    {
        return Value::Number(Number::Float(x));
    }
    Value::String(text.into_owned())
}

fn parse_int(s: &str) -> Option<Number> {
    let (negative, unsigned) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if unsigned.starts_with(['+', '-']) {
        return None;
    }
    let (digits, radix) = if let Some(r) = unsigned.strip_prefix("0x") {
        (r, 16)
    } else if let Some(r) = unsigned.strip_prefix("0o") {
        (r, 8)
    } else if let Some(r) = unsigned.strip_prefix("0b") {
        (r, 2)
    } else {
        if digits_but_not_number(s) {
            return None;
        }
        (unsigned, 10)
    };
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let n = u64::from_str_radix(digits, radix).ok()?;
    if !negative {
        return Some(Number::PosInt(n));
    }
    if n == 0 {
        return Some(Number::PosInt(0));
    }
    0i64.checked_sub_unsigned(n).map(Number::NegInt)
}

fn parse_float(s: &str) -> Option<f64> {
    let unsigned = match s.strip_prefix('+') {
        Some(u) if u.starts_with(['+', '-']) => return None,
        Some(u) => u,
        None => s,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    match s {
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Leading zero(s) followed by digits is text in YAML 1.2.
fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// A scalar's value by its style and tag.
fn scalar_value(
    s: std::borrow::Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&granit_parser::Tag>,
) -> Value {
    let plain = |s: std::borrow::Cow<'_, str>| match style {
        ScalarStyle::Plain => resolve_plain(s),
        _ => Value::String(s.into_owned()),
    };
    match tag {
        None => plain(s),
        Some(t) if t.handle() == "tag:yaml.org,2002:" => match t.suffix() {
            "str" => Value::String(s.into_owned()),
            _ => resolve_plain(s),
        },
        Some(_) => Value::Tagged(Box::new(Node {
            value: plain(s),
            at: (0, 0, 0),
        })),
    }
}

fn pos(span: &Span, len: usize) -> Pos {
    (span.start.line(), span.start.col() + 1, len.max(1))
}

/// What the text of a key is, to tell repeated keys (as serde_yaml
/// compared them: `1` and `"1"` differ).
/// Only scalar keys are compared; below a few entries the values are
/// compared directly, and the identity is made (and allocated) only for
/// mappings larger than that.
fn key_identity(v: &Value) -> Option<KeyId<'_>> {
    match v {
        Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => Some(KeyId(v)),
        _ => None,
    }
}

struct KeyId<'a>(&'a Value);

impl KeyId<'_> {
    fn owned(&self) -> (u8, String) {
        match self.0 {
            Value::String(s) => (b's', s.clone()),
            Value::Number(n) => (b'n', n.to_string()),
            Value::Bool(b) => (b'b', b.to_string()),
            _ => (b'z', String::new()),
        }
    }
}

/// The text a key is shown and pathed by.
fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        _ => "?".to_string(),
    }
}

/// A collection being read.
struct Open {
    at: Pos,
    anchor: usize,
    tagged: bool,
    /// Nodes in it, aliases expanded: for the alias budget.
    size: u64,
    kind: OpenKind,
}

enum OpenKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// Keys seen, and where: built once the mapping grows past a few
        /// (below that, a scan of the entries is quicker).
        seen: HashMap<(u8, String), (usize, usize)>,
    },
}

/// Why a document was refused, and where.
enum Refusal {
    Syntax(ScanError),
    Aliases(Pos),
    Duplicate {
        key: String,
        at: Pos,
        first: (usize, usize),
    },
    TooDeep(Pos),
    SecondDocument(Pos),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, (Node, u64)>,
    repeated: u64,
    root: Option<Node>,
    /// Collections opened past [`MAX_DEPTH`] and not yet closed: skipped.
    skipping: usize,
    /// A refusal that a later syntax error takes precedence over (as in
    /// serde_yaml, which read the whole stream before building values).
    later: Option<Refusal>,
}

impl Builder {
    /// A node is complete: into its parent.
    fn complete(&mut self, node: Node, size: u64) {
        let Some(open) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        open.size = open.size.saturating_add(size);
        match &mut open.kind {
            OpenKind::Seq(items) => items.push(node),
            OpenKind::Map { entries, key, seen } => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    if entries.is_empty() {
                        // A mapping is pointed at by its first key.
                        open.at = node.at;
                    }
                    if let Some(id) = key_identity(&node) {
                        let first = if entries.len() < 16 {
                            entries
                                .iter()
                                .find(|(k, _)| k.value == node.value)
                                .map(|(k, _)| (k.at.0, k.at.1))
                        } else {
                            if seen.is_empty() {
                                for (k, _) in entries.iter() {
                                    if let Some(kid) = key_identity(k) {
                                        seen.entry(kid.owned()).or_insert((k.at.0, k.at.1));
                                    }
                                }
                            }
                            let id = id.owned();
                            let first = seen.get(&id).copied();
                            seen.entry(id).or_insert((node.at.0, node.at.1));
                            first
                        };
                        if let Some(first) = first
                            && self.later.is_none()
                        {
                            self.later = Some(Refusal::Duplicate {
                                key: key_text(&node),
                                at: node.at,
                                first,
                            });
                        }
                    }
                    *key = Some(node);
                }
            },
        }
    }

    fn open(&mut self, at: Pos, anchor: usize, tagged: bool, kind: OpenKind) {
        if self.skipping > 0 || self.stack.len() >= MAX_DEPTH {
            if self.skipping == 0 && self.later.is_none() {
                self.later = Some(Refusal::TooDeep(at));
            }
            self.skipping += 1;
            return;
        }
        self.stack.push(Open {
            at,
            anchor,
            tagged,
            size: 1,
            kind,
        });
    }

    fn close(&mut self) {
        if self.skipping > 0 {
            self.skipping -= 1;
            return;
        }
        let Some(open) = self.stack.pop() else {
            return;
        };
        let value = match open.kind {
            OpenKind::Seq(items) => Value::Sequence(items),
            OpenKind::Map {
                mut entries, key, ..
            } => {
                // A key without its value (a broken document) gets null.
                if let Some(k) = key {
                    let at = k.at;
                    entries.push((
                        k,
                        Node {
                            value: Value::Null,
                            at,
                        },
                    ));
                }
                Value::Mapping(Mapping(entries))
            }
        };
        self.finish(value, open.at, open.anchor, open.tagged, open.size);
    }

    fn finish(&mut self, value: Value, at: Pos, anchor: usize, tagged: bool, size: u64) {
        let value = if tagged {
            Value::Tagged(Box::new(Node { value, at }))
        } else {
            value
        };
        let node = Node { value, at };
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.complete(node, size);
    }

    /// Take one event; an error ends the document.
    fn event(&mut self, ev: Event, span: &Span) -> Result<(), Refusal> {
        match ev {
            Event::Scalar(s, style, anchor, tag) => {
                if self.skipping > 0 {
                    return Ok(());
                }
                let at = pos(span, s.chars().count());
                let value = scalar_value(s, style, tag.as_deref());
                let value = match value {
                    Value::Tagged(mut inner) => {
                        inner.at = at;
                        Value::Tagged(inner)
                    }
                    v => v,
                };
                self.finish(value, at, anchor, false, 1);
            }
            Event::Alias(anchor) => {
                if self.skipping > 0 {
                    return Ok(());
                }
                let at = pos(span, 1);
                let (node, size) = self
                    .anchors
                    .get(&anchor)
                    .map(|(n, size)| (n.value.clone(), *size))
                    .unwrap_or((Value::Null, 1));
                self.repeated = self.repeated.saturating_add(size);
                if self.repeated > ALIAS_BUDGET {
                    return Err(Refusal::Aliases(at));
                }
                self.complete(Node { value: node, at }, size);
            }
            Event::SequenceStart(_, anchor, tag) => {
                let tagged = tag.is_some_and(|t| t.handle() != "tag:yaml.org,2002:");
                self.open(pos(span, 1), anchor, tagged, OpenKind::Seq(Vec::new()));
            }
            Event::MappingStart(_, anchor, tag) => {
                let tagged = tag.is_some_and(|t| t.handle() != "tag:yaml.org,2002:");
                self.open(
                    pos(span, 1),
                    anchor,
                    tagged,
                    OpenKind::Map {
                        entries: Vec::new(),
                        key: None,
                        seen: HashMap::new(),
                    },
                );
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => {}
        }
        Ok(())
    }

    /// Close what is open: the part of a broken document read so far.
    fn close_all(&mut self) {
        self.skipping = 0;
        while !self.stack.is_empty() {
            self.close();
        }
    }
}

/// The tree of the first document of `text` (null when it holds none),
/// or why it is refused, with the part read so far.
fn build(text: &str) -> (Option<Node>, Result<(), Refusal>) {
    let options = granit_parser::options! {
        // As libyaml: a BOM inside the text is a character of it.
        bom_inside_document_as_content: true,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder::default();
    let mut documents = 0;
    let result = loop {
        match parser.next_event() {
            None | Some(Ok((Event::StreamEnd, _))) => break Ok(()),
            Some(Err(e)) => break Err(Refusal::Syntax(e)),
            Some(Ok((Event::DocumentStart(..), span))) => {
                documents += 1;
                if documents == 2 && b.later.is_none() {
                    b.later = Some(Refusal::SecondDocument(pos(&span, 3)));
                }
            }
            Some(Ok((ev, span))) => {
                if documents > 1 {
                    // Later documents are only checked for syntax.
                    continue;
                }
                if let Err(r) = b.event(ev, &span) {
                    break Err(r);
                }
            }
        }
    };
    let result = match (result, b.later.take()) {
        (Ok(()), Some(later)) => Err(later),
        (r, _) => r,
    };
    b.close_all();
    (b.root, result)
}

/// The positions of every node of `text`, by path: for a file whose tree
/// is gone (its records loaded, its text released) when a diagnostic
/// points into it. A broken document gives the nodes before the break.
pub fn index(text: &str) -> PositionIndex {
    let (root, _) = build(text);
    let mut idx = PositionIndex::default();
    if let Some(root) = &root {
        index_tree(root, &mut idx);
    }
    idx
}

/// The positions of every node under `root`, by path.
pub fn index_tree(root: &Node, idx: &mut PositionIndex) {
    // Iterative: a path per level, and no recursion to overflow.
    let mut todo: Vec<(String, Option<Pos>, &Node)> = vec![(String::new(), None, root)];
    while let Some((path, key, node)) = todo.pop() {
        match &node.value {
            Value::Sequence(items) => {
                for (i, n) in items.iter().enumerate().rev() {
                    todo.push((item(&path, i), None, n));
                }
            }
            Value::Mapping(m) => {
                for (k, v) in m.0.iter().rev() {
                    todo.push((child(&path, &key_text(k)), Some(k.at), v));
                }
            }
            _ => {}
        }
        idx.insert(path, key, node.at);
    }
}

/// The tree of a YAML text, or why it is refused (in the parser's words,
/// without a place): for reading a file that is not checked here.
pub fn parse_text(text: &str) -> Result<Node, String> {
    match build(text) {
        (root, Ok(())) => Ok(root.unwrap_or(Node {
            value: Value::Null,
            at: (1, 1, 1),
        })),
        (_, Err(Refusal::Syntax(e))) => Err(problem_text(e.kind())),
        (_, Err(_)) => Err("the document is refused".into()),
    }
}

/// Parse a YAML file into its tree; a refused document becomes a
/// diagnostic at its place.
pub fn parse(file: &Arc<SourceFile>) -> Result<Node, Diagnostic> {
    let text: &str = &file.text;
    let null = Node {
        value: Value::Null,
        at: (1, 1, 1),
    };
    if text.trim().is_empty() {
        return Ok(null);
    }
    match build(text) {
        (root, Ok(())) => Ok(root.unwrap_or(null)),
        (_, Err(refusal)) => Err(refused(file, refusal)),
    }
}

fn refused(file: &Arc<SourceFile>, refusal: Refusal) -> Diagnostic {
    match refusal {
        Refusal::Syntax(e) => syntax_error(file, &e),
        Refusal::Aliases((l, c, _)) => Diagnostic::error(
            format!("invalid YAML: the file's aliases repeat more than {ALIAS_BUDGET} values"),
            Some(Loc::at(file, l, c, 1)),
        )
        .with_help("`*name` repeats what `&name` marks; nested repeats multiply (a \"billion laughs\" file): write the values out instead"),
        Refusal::Duplicate { key, at: (l, c, len), first: (fl, fc) } => Diagnostic::error(
            format!("invalid YAML: the key `{key}` appears twice in the same mapping"),
            Some(Loc::at(file, l, c, len)),
        )
        .with_note("first given here", Some(Loc::at(file, fl, fc, len)))
        .with_help("keep one of the two"),
        Refusal::TooDeep((l, c, _)) => Diagnostic::error(
            "invalid YAML: recursion limit exceeded",
            Some(Loc::at(file, l, c, 1)),
        )
        .with_help("the values nest too deeply; a site file needs only a few levels"),
        Refusal::SecondDocument((l, c, _)) => Diagnostic::error(
            "invalid YAML: the file holds more than one document",
            Some(Loc::at(file, l, c, 3)),
        )
        .with_help(
            "a `---` line starts a second document; remove it (a file holds one mapping of keys)",
        ),
    }
}

/// A syntax error in the words of libyaml, which labsite's messages have
/// used so far (and which most YAML tools print), where they say the
/// same; the parser's own words otherwise.
fn problem_text(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::ExpectedBlockMappingKey => "did not find expected key".into(),
        ErrorKind::ExpectedBlockSequenceEntry => "did not find expected '-' indicator".into(),
        ErrorKind::ExpectedFlowSequenceSeparator => "did not find expected ',' or ']'".into(),
        ErrorKind::ExpectedFlowMappingSeparator => "did not find expected ',' or '}'".into(),
        ErrorKind::ExpectedNodeContent => "did not find expected node content".into(),
        ErrorKind::InvalidSimpleKey | ErrorKind::SimpleKeyExpected => {
            "could not find expected ':'".into()
        }
        ErrorKind::UnexpectedCharacter { .. }
        | ErrorKind::TabNotAllowed
        | ErrorKind::TabInIndentation
        | ErrorKind::TabInBlockIndentation => "found character that cannot start any token".into(),
        ErrorKind::UnknownQuotedScalarEscape => "found unknown escape character".into(),
        // Raised inside flow collections, most often an unclosed `[`.
        ErrorKind::InvalidColonPlacement => "did not find expected ',' or ']'".into(),
        ErrorKind::UnknownAnchor => "unknown anchor".into(),
        ErrorKind::RecursionLimitExceeded => "recursion limit exceeded".into(),
        other => other.to_string(),
    }
}

fn syntax_error(file: &Arc<SourceFile>, e: &ScanError) -> Diagnostic {
    let text: &str = &file.text;
    let mark = e.marker();
    let last_line = text.lines().count().max(1);

    if matches!(e.kind(), ErrorKind::UnclosedQuotedScalar) {
        // The parser marks where the quoted value opens.
        return Diagnostic::error(
            "invalid YAML: a quoted value is never closed",
            Some(Loc::at(file, mark.line(), mark.col() + 1, 1)),
        )
        .with_help("end the value with the same quote mark it starts with, on the same line");
    }

    let (l, mut c) = (mark.line(), mark.col() + 1);
    if matches!(
        e.kind(),
        ErrorKind::TabNotAllowed
            | ErrorKind::TabInIndentation
            | ErrorKind::TabInBlockIndentation
            | ErrorKind::UnexpectedCharacter { character: '\t' }
    ) {
        // The parser marks where it stopped, after the tab: point at the
        // tab, as an editor would show it.
        if let Some(i) = text
            .lines()
            .nth(l.saturating_sub(1))
            .and_then(|line| line.chars().take(c).position(|ch| ch == '\t'))
        {
            c = i + 1;
        }
    }
    let line = text.lines().nth(l.saturating_sub(1)).unwrap_or("");
    match e.kind() {
        // The parser marks the quoted value: point at the escape.
        ErrorKind::UnknownQuotedScalarEscape => {
            if let Some(i) = unknown_escape(line, c) {
                c = i;
            }
        }
        // `- x` where a key was expected: the parser marks the `x`; point
        // at the `-`, where the entry starts.
        ErrorKind::ExpectedBlockMappingKey => {
            let before: String = line.chars().take(c - 1).collect();
            let trimmed = before.trim_end_matches(' ');
            if trimmed.ends_with('-') && trimmed[..trimmed.len() - 1].trim().is_empty() {
                c = trimmed.chars().count();
            }
        }
        _ => {}
    }
    let loc = if l > last_line {
        // A problem at the very end points at the last line instead.
        Loc::at(
            file,
            last_line,
            text.lines()
                .nth(last_line - 1)
                .map(|s| s.trim_end_matches('\r').chars().count() + 1)
                .unwrap_or(1),
            1,
        )
    } else {
        Loc::at(file, l, c, 1)
    };
    let problem = problem_text(e.kind());
    let help = if text.contains('\t')
        && (problem.contains("tab") || problem.contains("cannot start any token"))
    {
        "YAML does not allow tabs for indentation; indent with spaces"
    } else if problem.contains("recursion limit") || problem.contains("nesting") {
        "the values nest too deeply; a site file needs only a few levels"
    } else if problem.contains("mapping values are not allowed") {
        "a value that contains `: ` must be quoted, e.g. `title: \"a: b\"`"
    } else {
        "check the indentation and quoting near this line"
    };
    let mut d = Diagnostic::error(format!("invalid YAML: {problem}"), Some(loc)).with_help(help);
    if let Some((l, c)) = unclosed_quote_before(text, l) {
        d = d.with_note(
            "this quoted value is not closed on its line; if it was meant to be, close it",
            Some(Loc::at(file, l, c, 1)),
        );
    }
    d
}

/// The column (1-based) of the first backslash at or after `from` in a
/// double-quoted value that does not start an escape YAML knows.
fn unknown_escape(line: &str, from: usize) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    let mut i = from.saturating_sub(1) + 1;
    while i < chars.len() {
        if chars[i] == '\\' {
            let known = chars
                .get(i + 1)
                .is_some_and(|n| "0abtnvfre \"/\\N_LPxuU\t".contains(*n));
            if !known {
                return Some(i + 1);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

/// The last line before `line` that opens a quoted value and does not
/// close it: a likely cause of a syntax error further down. (line, col).
fn unclosed_quote_before(text: &str, line: usize) -> Option<(usize, usize)> {
    let mut found = None;
    for (i, l) in text.lines().enumerate().take(line.saturating_sub(1)) {
        let l = l.trim_end_matches('\r');
        if l.trim_start().starts_with('#') {
            continue;
        }
        // The value after `key: ` or `- `.
        let Some(start) = value_start(l) else {
            continue;
        };
        let rest = &l[start..];
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if !closes(&rest[1..], q) {
            found = Some((i + 1, l[..start].chars().count() + 1));
        }
    }
    found
}

fn value_start(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if let Some(after) = trimmed.strip_prefix("- ") {
        let skip = after.len() - after.trim_start().len();
        let start = indent + 2 + skip;
        // `- key: "value`: look at the value.
        return Some(match line[start..].find(": ") {
            Some(i) if !line[start..].starts_with(['"', '\'']) => {
                let v = start + i + 2;
                v + (line[v..].len() - line[v..].trim_start().len())
            }
            _ => start,
        });
    }
    if trimmed.starts_with(['"', '\'']) {
        return None;
    }
    let i = line.find(": ")?;
    let v = i + 2;
    Some(v + (line[v..].len() - line[v..].trim_start().len()))
}

/// Does a quoted value opened with `q` close on the rest of its line?
fn closes(rest: &str, q: char) -> bool {
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
        } else if c == q {
            if q == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
                continue;
            }
            return true;
        }
    }
    false
}

/// Text that every output format can carry: no control characters but
/// tab and line breaks, and no U+FFFE/U+FFFF (XML 1.0 forbids them all,
/// and they are invisible in an editor). The first offender, if any.
pub fn forbidden_char(s: &str) -> Option<char> {
    // The forbidden characters are U+0000 to U+001F (but tab, LF, CR), one
    // byte each in UTF-8, and U+FFFE, U+FFFF (EF BF BE, EF BF BF): a scan
    // of the bytes finds them without decoding every character. A byte
    // below 0x20 or an 0xEF is always the first byte of a character.
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = b[from..]
        .iter()
        .position(|&c| (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r')) || c == 0xef)
    {
        let i = from + i;
        if b[i] < 0x20 {
            return Some(char::from(b[i]));
        }
        if b.get(i + 1) == Some(&0xbf) {
            match b.get(i + 2) {
                Some(0xbe) => return Some('\u{fffe}'),
                Some(0xbf) => return Some('\u{ffff}'),
                _ => {}
            }
        }
        from = i + 1;
    }
    None
}

/// Reading context for one YAML file: collects diagnostics.
pub struct Ctx<'t> {
    pub file: Arc<SourceFile>,
    pub diags: RefCell<Vec<Diagnostic>>,
    /// The file's tree: where the diagnostics point.
    tree: &'t Node,
}

impl<'t> Ctx<'t> {
    pub fn new(file: Arc<SourceFile>, tree: &'t Node) -> Ctx<'t> {
        Ctx {
            file,
            diags: RefCell::new(Vec::new()),
            tree,
        }
    }

    pub fn loc(&self, path: &str, key: bool) -> Loc {
        Loc::yaml(&self.file, path, key)
    }

    pub fn error(&self, path: &str, key: bool, msg: impl Into<String>, help: Option<String>) {
        let mut d = Diagnostic::error(msg, Some(self.loc(path, key)));
        d.help = help;
        self.diags.borrow_mut().push(d);
    }

    pub fn push(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    /// The diagnostics; the file's positions are indexed from the tree
    /// when there are any, so they are found without parsing again.
    pub fn into_diags(self) -> Vec<Diagnostic> {
        let diags = self.diags.into_inner();
        if !diags.is_empty() {
            let tree = self.tree;
            self.file.set_yaml_index(|| {
                let mut idx = PositionIndex::default();
                index_tree(tree, &mut idx);
                idx
            });
        }
        diags
    }

    pub fn has_errors(&self) -> bool {
        !self.diags.borrow().is_empty()
    }

    /// Read `value` at `path` as a mapping with the given keys.
    pub fn map<'a>(
        &'a self,
        value: &'a Node,
        path: &str,
        what: &str,
        keys: &[&'a str],
    ) -> Option<Map<'a>> {
        let Value::Mapping(m) = &value.value else {
            self.error(
                path,
                false,
                format!("expected {what} (a mapping of keys), found {}", kind(value)),
                None,
            );
            return None;
        };
        let mut fields = Vec::with_capacity(m.len());
        let mut misspelled = Vec::new();
        for (k, v) in m.iter() {
            let Some(name) = k.as_str() else {
                self.error(path, false, format!("a key in {what} is not text"), None);
                continue;
            };
            if !keys.contains(&name) {
                let help = match nearest(name, keys) {
                    Some(n) => {
                        misspelled.push(n);
                        format!("did you mean `{n}`?")
                    }
                    None => format!("expected one of {}", list(keys)),
                };
                self.error(
                    &child(path, name),
                    true,
                    format!("unknown key `{name}` in {what}"),
                    Some(help),
                );
                continue;
            }
            fields.push((name, v));
        }
        Some(Map {
            ctx: self,
            path: path.to_string(),
            what: what.to_string(),
            fields,
            misspelled,
        })
    }

    pub fn text(&self, value: &Node, path: &str) -> Option<String> {
        match &value.value {
            Value::String(s) => {
                if let Some(c) = forbidden_char(s) {
                    self.error(
                        path,
                        false,
                        format!("the text holds the control character U+{:04X}", c as u32),
                        Some("remove it (an escape such as `\\x01` in quotes writes one)".into()),
                    );
                    return None;
                }
                Some(s.clone())
            }
            Value::Number(n) => Some(n.to_string()),
            other => {
                self.error(
                    path,
                    false,
                    format!("expected text, found {}", kind(other)),
                    None,
                );
                None
            }
        }
    }

    pub fn seq<'a>(&self, value: &'a Node, path: &str, what: &str) -> Vec<(String, &'a Node)> {
        match &value.value {
            Value::Sequence(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (item(path, i), v))
                .collect(),
            Value::Null => Vec::new(),
            other => {
                self.error(
                    path,
                    false,
                    format!("expected a list of {what}, found {}", kind(other)),
                    Some("write each item on its own line starting with `- `".into()),
                );
                Vec::new()
            }
        }
    }
}

pub fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The known fields of one mapping.
pub struct Map<'a> {
    pub ctx: &'a Ctx<'a>,
    pub path: String,
    what: String,
    fields: Vec<(&'a str, &'a Node)>,
    /// Keys suggested for misspelled ones: not reported again as missing.
    misspelled: Vec<&'a str>,
}

impl<'a> Map<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_null())
    }

    pub fn path_of(&self, key: &str) -> String {
        child(&self.path, key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn missing(&self, key: &str, expected: &str) {
        if self.misspelled.contains(&key) {
            return;
        }
        self.ctx.error(
            &self.path,
            true,
            format!("missing required key `{key}` in {}", self.what),
            Some(format!("add `{key}: {expected}`")),
        );
    }

    pub fn error(&self, key: &str, msg: impl Into<String>, help: Option<String>) {
        self.ctx.error(&self.path_of(key), false, msg, help);
    }

    pub fn opt_text(&self, key: &str) -> Option<String> {
        let v = self.get(key)?;
        self.ctx.text(v, &self.path_of(key))
    }

    pub fn req_text(&self, key: &str, expected: &str) -> Option<String> {
        if !self.has(key) {
            self.missing(key, expected);
            return None;
        }
        let t = self.opt_text(key)?;
        if t.trim().is_empty() {
            self.error(
                key,
                format!("`{key}` is empty"),
                Some(format!("write {expected}")),
            );
            return None;
        }
        Some(t)
    }

    pub fn opt_u32(&self, key: &str) -> Option<u32> {
        let v = self.get(key)?;
        match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                self.error(
                    key,
                    format!("expected a whole number for `{key}`, found {}", describe(v)),
                    None,
                );
                None
            }
        }
    }

    pub fn opt_bool(&self, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        match &v.value {
            Value::Bool(b) => Some(*b),
            other => {
                self.error(
                    key,
                    format!(
                        "expected `true` or `false` for `{key}`, found {}",
                        describe(other)
                    ),
                    None,
                );
                None
            }
        }
    }

    /// A list of texts (a single text is accepted as a list of one).
    pub fn text_list(&self, key: &str) -> Vec<String> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let path = self.path_of(key);
        if let Value::String(s) = &v.value {
            return vec![s.clone()];
        }
        self.ctx
            .seq(v, &path, "texts")
            .into_iter()
            .filter_map(|(p, v)| self.ctx.text(v, &p))
            .collect()
    }

    /// The texts of a list field of names or terms (nicknames,
    /// honorifics); an empty one is an error at its item (it names nobody,
    /// and as a term it would match everywhere). `what` names one item.
    pub fn non_empty_texts(&self, key: &str, what: &str) -> Vec<String> {
        let texts = self.text_list(key);
        let mut out = Vec::with_capacity(texts.len());
        for (i, t) in texts.into_iter().enumerate() {
            if t.trim().is_empty() {
                self.ctx.error(
                    &item(&self.path_of(key), i),
                    false,
                    format!("{what} in `{key}` is empty"),
                    Some("remove the empty item".into()),
                );
            } else {
                out.push(t);
            }
        }
        out
    }
}

/// A value as the user wrote it, for messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::Bool(b) => format!("`{b}`"),
        other => kind(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn file(text: &str) -> Arc<SourceFile> {
        SourceFile::new(Path::new("/"), Path::new("/x.yaml"), text)
    }

    fn at(d: &Diagnostic) -> Option<(usize, usize, usize)> {
        d.loc.as_ref().and_then(|l| l.resolve())
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        // yaml_rust2's `load` recursed once per level and aborted the process.
        let text = "- ".repeat(50_000) + "x\n";
        let idx = index(&text);
        assert!(idx.find("", false).is_some());
        assert!(parse(&file(&text)).is_err());
        assert!(parse(&file(&format!("{text}*a"))).is_err());
    }

    #[test]
    fn a_billion_laughs_fails_fast_at_the_alias() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let started = std::time::Instant::now();
        let d = parse(&file(&text)).unwrap_err();
        assert!(started.elapsed().as_secs() < 5);
        assert!(
            d.message.contains("aliases repeat more than"),
            "{}",
            d.message
        );
        assert_eq!(at(&d).map(|(l, _, _)| l), Some(6));
    }

    #[test]
    fn many_aliases_of_a_long_list_are_refused_before_serde_expands_them() {
        // Quadratic rather than exponential: 5,000 aliases of a list of
        // 5,000 took serde_yaml a minute and 7 GB.
        let n = 5000;
        let mut text = format!("a: &a [{}]\nb:\n", vec!["1"; n].join(","));
        for _ in 0..n {
            text.push_str("  - *a\n");
        }
        let started = std::time::Instant::now();
        let d = parse(&file(&text)).unwrap_err();
        assert!(started.elapsed().as_secs() < 5);
        assert_eq!(at(&d), Some((22, 5, 1)));
        // A few small aliases are fine.
        let v = parse(&file("o: &o [x, y]\np: *o\nq: *o\n")).unwrap();
        assert_eq!(v["q"][1].as_str(), Some("y"));
    }

    #[test]
    fn syntax_errors_point_where_the_mistake_is() {
        let d = parse(&file("title: a\nsummary: \"open\nstatus: held\n")).unwrap_err();
        assert!(d.message.contains("never closed"), "{}", d.message);
        assert_eq!(at(&d), Some((2, 10, 1)));

        let d = parse(&file("title: \"open\nnumber: 1\nstart: \"18:00\"\n")).unwrap_err();
        assert_eq!(d.notes.len(), 1, "{}", d.render());
        assert_eq!(
            d.notes[0].1.as_ref().and_then(Loc::resolve),
            Some((1, 8, 1))
        );

        let d = parse(&file("x:\n  y: 1\n  z: 2\n  y: 3\n")).unwrap_err();
        assert!(d.message.contains("`y` appears twice"), "{}", d.message);
        assert_eq!(at(&d), Some((4, 3, 1)));
        assert_eq!(
            d.notes[0].1.as_ref().and_then(Loc::resolve),
            Some((2, 3, 1))
        );

        let d = parse(&file("a: 1\n---\nb: 2\n")).unwrap_err();
        assert!(d.message.contains("more than one document"));
        assert_eq!(at(&d), Some((2, 1, 3)));

        // A problem at the very end points at the last line.
        let d = parse(&file("a: [1, 2\n")).unwrap_err();
        assert_eq!(at(&d).map(|(l, _, _)| l), Some(1));
    }

    #[test]
    fn control_characters_in_values_are_errors() {
        let f = file("title: \"a\\x01b\"\n");
        let v = parse(&f).unwrap();
        let ctx = Ctx::new(f.clone(), &v);
        assert_eq!(ctx.text(v.get("title").unwrap(), "title"), None);
        assert!(ctx.into_diags()[0].message.contains("U+0001"));
        assert_eq!(forbidden_char("tab\there\r\n"), None);
        assert_eq!(forbidden_char("a\u{ffff}"), Some('\u{ffff}'));
    }

    #[test]
    fn forbidden_char_agrees_with_the_character_rule() {
        let rule = |s: &str| {
            s.chars().find(|&c| {
                (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{7f}'..='\u{9f}'))
                    || matches!(c, '\u{fffe}' | '\u{ffff}')
            })
        };
        let pieces = [
            "a",
            "日本",
            "\t",
            "\n",
            "\r",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            "\u{85}",
            "\u{9f}",
            "\u{fffd}",
            "\u{fffe}",
            "\u{ffff}",
            "\u{ff21}",
            "\u{efbf}",
            "\u{10000}",
            "\u{0}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(forbidden_char(&s), rule(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn numbers_read_and_print_as_serde_yaml_did() {
        let v = |s: &str| resolve_plain(s.into());
        assert_eq!(v("012"), Value::String("012".into()));
        assert_eq!(v("0x10"), Value::Number(Number::PosInt(16)));
        assert_eq!(v("-3"), Value::Number(Number::NegInt(-3)));
        assert_eq!(v("+5"), Value::Number(Number::PosInt(5)));
        assert_eq!(v("1_000"), Value::String("1_000".into()));
        assert_eq!(v("yes"), Value::String("yes".into()));
        assert_eq!(v("~"), Value::Null);
        for (x, text) in [
            (1.0, "1.0"),
            (1.5, "1.5"),
            (-0.25, "-0.25"),
            (0.001, "0.001"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e16"),
            (1e20, "1e20"),
            (123.456, "123.456"),
        ] {
            assert_eq!(Number::Float(x).to_string(), text);
        }
        assert_eq!(Number::Float(f64::NAN).to_string(), ".nan");
    }

    #[test]
    fn unclosed_quote_heuristic() {
        assert_eq!(
            unclosed_quote_before("a: \"x\nb: 'y'\nc: 1\n", 3),
            Some((1, 4))
        );
        assert_eq!(unclosed_quote_before("a: \"x\\\"\"\nb: 'it''s'\n", 3), None);
        assert_eq!(unclosed_quote_before("- name: 'x\n", 2), Some((1, 9)));
        assert_eq!(unclosed_quote_before("# a: \"x\n", 2), None);
    }

    #[test]
    fn index_finds_nested_keys_and_values() {
        let text = "title: 日本語\nparticipants:\n  - id: p1\n    name: 山田 太郎\n  - id: p2\n";
        let idx = index(text);
        assert_eq!(idx.find("title", true), Some((1, 1, 5)));
        assert_eq!(idx.find("title", false), Some((1, 8, 3)));
        assert_eq!(idx.find("participants[0].name", false), Some((4, 11, 5)));
        assert_eq!(idx.find("participants[1].id", true), Some((5, 5, 2)));
    }

    #[test]
    fn unknown_keys_are_all_reported_with_suggestions() {
        let file = SourceFile::new(
            Path::new("/"),
            Path::new("/x.yaml"),
            "titel: a\nsumary: b\n",
        );
        let v = parse(&file).unwrap();
        let ctx = Ctx::new(file.clone(), &v);
        ctx.map(&v, "", "a lab", &["title", "summary"]);
        let diags = ctx.into_diags();
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(diags[1].loc.as_ref().unwrap().resolve(), Some((2, 1, 6)));
    }
}
