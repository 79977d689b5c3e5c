//! YAML with positions.
//!
//! serde_yaml parses the document (and reports syntax errors with a
//! location), but a value checked later, such as an unknown participant id,
//! carries none. [`PositionIndex`] maps each node's path to its line and
//! column, from a YAML event parser that keeps markers; it is built only
//! when a file has something to report. [`Ctx`] and [`Map`] read the parsed
//! value field by field, collecting every problem instead of stopping at
//! the first.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use serde_yaml::Value;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::{Diagnostic, Loc, SourceFile, nearest};

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

/// (line, column, length), 1-based, in characters.
type Pos = (usize, usize, usize);

/// serde_yaml refuses documents nested deeper than this.
const MAX_DEPTH: usize = 128;

#[derive(Debug, Default)]
pub struct PositionIndex {
    /// path -> (key position, value position); positions are (line, col,
    /// len), 1-based, in characters.
    nodes: HashMap<String, (Option<Pos>, Pos)>,
}

impl PositionIndex {
    pub fn build(text: &str) -> PositionIndex {
        let mut builder = IndexBuilder::default();
        // A document with a syntax error still yields the nodes before it.
        // Past serde_yaml's nesting limit nothing is looked up, and each
        // level would copy a longer path (quadratic in the depth).
        walk_events(text, |ev, mark| {
            builder.on_event(ev, mark);
            builder.stack.len() <= MAX_DEPTH
        });
        PositionIndex {
            nodes: builder.nodes,
        }
    }

    /// The first line after `start` that holds a node outside `path`: where
    /// the block of `path` ends.
    pub fn next_line_after(&self, path: &str, start: usize) -> Option<usize> {
        self.nodes
            .iter()
            .filter(|(p, _)| {
                !(p.as_str() == path
                    || p.starts_with(&format!("{path}."))
                    || p.starts_with(&format!("{path}[")))
            })
            .map(|(_, (k, v))| k.unwrap_or(*v).0)
            .filter(|l| *l > start)
            .min()
    }

    pub fn find(&self, path: &str, key: bool) -> Option<(usize, usize, usize)> {
        let (k, v) = self.nodes.get(path)?;
        if key { k.or(Some(*v)) } else { Some(*v) }
    }
}

enum Frame {
    Map {
        path: String,
        key: Option<(String, (usize, usize, usize))>,
        /// The parser marks a block mapping where its first value is; the
        /// mapping is better pointed at by its first key.
        first: bool,
    },
    Seq {
        path: String,
        next: usize,
    },
}

#[derive(Default)]
struct IndexBuilder {
    stack: Vec<Frame>,
    nodes: HashMap<String, (Option<Pos>, Pos)>,
}

impl IndexBuilder {
    /// Called for every node in value position; returns its path, or None
    /// when the node is a mapping key.
    fn place(&mut self, pos: (usize, usize, usize), scalar: Option<&str>) -> Option<String> {
        match self.stack.last_mut() {
            None => {
                self.nodes.entry(String::new()).or_insert((None, pos));
                Some(String::new())
            }
            Some(Frame::Seq { path, next }) => {
                let p = item(path, *next);
                *next += 1;
                self.nodes.insert(p.clone(), (None, pos));
                Some(p)
            }
            Some(Frame::Map { path, key, first }) => match key.take() {
                None => {
                    if *first {
                        *first = false;
                        if let Some(entry) = self.nodes.get_mut(path.as_str()) {
                            entry.1 = pos;
                        }
                    }
                    *key = Some((scalar.unwrap_or("?").to_string(), pos));
                    None
                }
                Some((k, kpos)) => {
                    let p = child(path, &k);
                    self.nodes.insert(p.clone(), (Some(kpos), pos));
                    Some(p)
                }
            },
        }
    }
}

impl IndexBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = |len: usize| (mark.line(), mark.col() + 1, len);
        match ev {
            Event::Scalar(s, ..) => {
                let len = s.chars().count().max(1);
                self.place(pos(len), Some(&s));
            }
            Event::Alias(_) => {
                self.place(pos(1), Some("*"));
            }
            Event::MappingStart(..) => {
                let path = self.place(pos(1), None);
                self.stack.push(Frame::Map {
                    path: path.unwrap_or_default(),
                    key: None,
                    first: true,
                });
            }
            Event::SequenceStart(..) => {
                let path = self.place(pos(1), None);
                self.stack.push(Frame::Seq {
                    path: path.unwrap_or_default(),
                    next: 0,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// The events of the first document of `text`, in order, until `f`
/// returns false or the parser meets an error. Iterative on purpose:
/// yaml_rust2's `Parser::load` recurses once per nesting level, and a file
/// of `- - - - …` a few thousand deep overflows the stack.
fn walk_events(text: &str, mut f: impl FnMut(Event, Marker) -> bool) {
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd | Event::DocumentEnd, _)) | Err(_) => break,
            Ok((ev, mark)) => {
                if !f(ev, mark) {
                    break;
                }
            }
        }
    }
}

/// How many nodes `*alias`es may repeat in one file, in all. A real site
/// file repeats a few lists at most; past this, parsing gets slow and
/// memory-hungry (a 70 KB file whose 5,000 aliases each repeat a list of
/// 5,000 takes serde_yaml a minute and 7 GB), and the classic "billion
/// laughs" nests aliases to expand to billions.
pub const ALIAS_BUDGET: u64 = 100_000;

/// Where the alias that overdraws [`ALIAS_BUDGET`] is, if one does:
/// (line, column), 1-based.
fn alias_overflow(text: &str) -> Option<(usize, usize)> {
    if !text.contains('*') {
        return None;
    }
    // Size (in nodes, aliases expanded) of each anchored node, and of the
    // collections still open.
    let mut sizes: HashMap<usize, u64> = HashMap::new();
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut repeated: u64 = 0;
    let mut hit = None;
    walk_events(text, |ev, mark| {
        let done = match ev {
            Event::Scalar(_, _, anchor, _) => {
                if anchor > 0 {
                    sizes.insert(anchor, 1);
                }
                Some(1)
            }
            Event::Alias(anchor) => {
                let n = sizes.get(&anchor).copied().unwrap_or(1);
                repeated = repeated.saturating_add(n);
                if repeated > ALIAS_BUDGET {
                    hit = Some((mark.line(), mark.col() + 1));
                    return false;
                }
                Some(n)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => open.pop().map(|(anchor, n)| {
                if anchor > 0 {
                    sizes.insert(anchor, n);
                }
                n
            }),
            _ => None,
        };
        if let (Some(n), Some(parent)) = (done, open.last_mut()) {
            parent.1 = parent.1.saturating_add(n);
        }
        true
    });
    hit
}

/// The place of the key that repeats one before it in the same mapping,
/// and of that first one: ((line, col, len), (line, col)).
fn duplicate_key(text: &str) -> Option<(String, Pos, (usize, usize))> {
    enum Open {
        Map {
            keys: HashMap<String, (usize, usize)>,
            expect_key: bool,
        },
        Seq,
    }
    let mut open: Vec<Open> = Vec::new();
    let mut found = None;
    walk_events(text, |ev, mark| {
        // Is this node a key of the innermost mapping?
        let is_key = match open.last_mut() {
            Some(Open::Map { expect_key, .. }) => {
                let k = *expect_key;
                *expect_key = !k;
                k
            }
            _ => false,
        };
        match ev {
            Event::Scalar(s, ..) if is_key => {
                let here = (mark.line(), mark.col() + 1);
                if let Some(Open::Map { keys, .. }) = open.last_mut() {
                    if let Some(first) = keys.get(&s) {
                        let len = s.chars().count().max(1);
                        found = Some((s, (here.0, here.1, len), *first));
                        return false;
                    }
                    keys.insert(s, here);
                }
            }
            Event::MappingStart(..) => open.push(Open::Map {
                keys: HashMap::new(),
                expect_key: true,
            }),
            Event::SequenceStart(..) => open.push(Open::Seq),
            Event::MappingEnd | Event::SequenceEnd => {
                open.pop();
            }
            _ => {}
        }
        true
    });
    found
}

/// Where the second document of a stream starts, (line, col).
fn second_document(text: &str) -> Option<(usize, usize)> {
    let mut parser = Parser::new_from_str(text);
    let mut starts = 0;
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) | Err(_) => return None,
            Ok((Event::DocumentStart, mark)) => {
                starts += 1;
                if starts == 2 {
                    return Some((mark.line(), mark.col() + 1));
                }
            }
            Ok(_) => {}
        }
    }
}

/// libyaml (behind serde_yaml) counts CR, NEL, U+2028 and U+2029 as line
/// breaks; the rest of labsite counts `\n` only. Its (line, column) of a
/// character as ours.
fn from_libyaml_position(text: &str, line: usize, col: usize) -> (usize, usize) {
    let (mut l, mut c) = (1usize, 1usize);
    let (mut our_l, mut our_c) = (1usize, 1usize);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if (l, c) >= (line, col) {
            return (our_l, our_c);
        }
        match ch {
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                (l, c) = (l + 1, 1);
                (our_l, our_c) = (our_l + 1, 1);
            }
            '\n' => {
                (l, c) = (l + 1, 1);
                (our_l, our_c) = (our_l + 1, 1);
            }
            '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                (l, c) = (l + 1, 1);
                our_c += 1;
            }
            _ => {
                c += 1;
                our_c += 1;
            }
        }
    }
    (our_l, our_c)
}

/// The parts of serde_yaml's message: "PROBLEM at line L column C,
/// CONTEXT at line L column C" (each position optional).
struct SyntaxMessage {
    problem: String,
    context: Option<String>,
    context_at: Option<(usize, usize)>,
}

fn strip_position(s: &str) -> (&str, Option<(usize, usize)>) {
    let Some(i) = s.rfind(" at line ") else {
        return (s, None);
    };
    let mut words = s[i + " at line ".len()..].split(' ');
    let line = words.next().and_then(|w| w.parse().ok());
    let col = match (words.next(), words.next()) {
        (Some("column"), Some(w)) => w.parse().ok(),
        _ => None,
    };
    match (line, col) {
        (Some(l), Some(c)) => (&s[..i], Some((l, c))),
        _ => (s, None),
    }
}

fn split_message(msg: &str) -> SyntaxMessage {
    let (head, context) = match msg.find(", while ") {
        Some(i) => (&msg[..i], Some(&msg[i + 2..])),
        None => (msg, None),
    };
    let (problem, _) = strip_position(head);
    let (context, context_at) = match context.map(strip_position) {
        Some((c, at)) => (Some(c.to_string()), at),
        None => (None, None),
    };
    SyntaxMessage {
        problem: problem.to_string(),
        context,
        context_at,
    }
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

/// Parse a YAML file; a syntax error becomes a diagnostic at its place.
pub fn parse(file: &Arc<SourceFile>) -> Result<Value, Diagnostic> {
    let text: &str = &file.text;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    // Most site files are in a plain shape read without libyaml; anything
    // else (and every error) goes to serde_yaml.
    if let Some(v) = super::simple_yaml::parse(text) {
        return Ok(v);
    }
    // Before serde_yaml expands anything.
    if let Some((line, col)) = alias_overflow(text) {
        return Err(Diagnostic::error(
            format!("invalid YAML: the file's aliases repeat more than {ALIAS_BUDGET} values"),
            Some(Loc::at(file, line, col, 1)),
        )
        .with_help("`*name` repeats what `&name` marks; nested repeats multiply (a \"billion laughs\" file): write the values out instead"));
    }
    serde_yaml::from_str::<Value>(text).map_err(|e| syntax_error(file, &e))
}

fn syntax_error(file: &Arc<SourceFile>, e: &serde_yaml::Error) -> Diagnostic {
    let text: &str = &file.text;
    let full = e.to_string();
    let msg = split_message(&full);
    let at = e
        .location()
        .map(|l| from_libyaml_position(text, l.line(), l.column()));
    let last_line = text.lines().count().max(1);

    if msg.problem.contains("duplicate entry with key")
        && let Some((key, (l, c, len), (fl, fc))) = duplicate_key(text)
    {
        return Diagnostic::error(
            format!("invalid YAML: the key `{key}` appears twice in the same mapping"),
            Some(Loc::at(file, l, c, len)),
        )
        .with_note("first given here", Some(Loc::at(file, fl, fc, len)))
        .with_help("keep one of the two");
    }
    if msg.problem.contains("more than one document") {
        let loc = match second_document(text) {
            Some((l, c)) => Loc::at(file, l, c, 3),
            None => Loc::file(file),
        };
        return Diagnostic::error(
            "invalid YAML: the file holds more than one document",
            Some(loc),
        )
        .with_help(
            "a `---` line starts a second document; remove it (a file holds one mapping of keys)",
        );
    }
    if msg.problem.contains("end of stream")
        && msg.context.as_deref() == Some("while scanning a quoted scalar")
        && let Some((l, c)) = msg.context_at
    {
        let (l, c) = from_libyaml_position(text, l, c);
        return Diagnostic::error(
            "invalid YAML: a quoted value is never closed",
            Some(Loc::at(file, l, c, 1)),
        )
        .with_help("end the value with the same quote mark it starts with, on the same line");
    }

    let loc = match at {
        // A problem at the very end points at the last line instead.
        Some((l, _)) if l > last_line => Loc::at(
            file,
            last_line,
            text.lines()
                .nth(last_line - 1)
                .map(|s| s.trim_end_matches('\r').chars().count() + 1)
                .unwrap_or(1),
            1,
        ),
        Some((l, c)) => Loc::at(file, l, c, 1),
        None => Loc::file(file),
    };
    let problem = &msg.problem;
    let help = if text.contains('\t')
        && (problem.contains("tab") || problem.contains("cannot start any token"))
    {
        "YAML does not allow tabs for indentation; indent with spaces"
    } else if problem.contains("recursion limit") {
        "the values nest too deeply; a site file needs only a few levels"
    } else if problem.contains("repetition limit") {
        "the file expands aliases too far; write the values out"
    } else if problem.contains("control characters") {
        "remove the control character (an invisible character copied from elsewhere?)"
    } else if problem.contains("mapping values are not allowed") {
        "a value that contains `: ` must be quoted, e.g. `title: \"a: b\"`"
    } else {
        "check the indentation and quoting near this line"
    };
    let mut d = Diagnostic::error(format!("invalid YAML: {problem}"), Some(loc)).with_help(help);
    if let Some((l, c)) = at.and_then(|(l, _)| unclosed_quote_before(text, l)) {
        d = d.with_note(
            "this quoted value is not closed on its line; if it was meant to be, close it",
            Some(Loc::at(file, l, c, 1)),
        );
    }
    d
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
pub struct Ctx {
    pub file: Arc<SourceFile>,
    pub diags: RefCell<Vec<Diagnostic>>,
}

impl Ctx {
    pub fn new(file: Arc<SourceFile>) -> Ctx {
        Ctx {
            file,
            diags: RefCell::new(Vec::new()),
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

    pub fn into_diags(self) -> Vec<Diagnostic> {
        self.diags.into_inner()
    }

    pub fn has_errors(&self) -> bool {
        !self.diags.borrow().is_empty()
    }

    /// Read `value` at `path` as a mapping with the given keys.
    pub fn map<'a>(
        &'a self,
        value: &'a Value,
        path: &str,
        what: &str,
        keys: &[&'a str],
    ) -> Option<Map<'a>> {
        let Value::Mapping(m) = value else {
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
        for (k, v) in m {
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

    pub fn text(&self, value: &Value, path: &str) -> Option<String> {
        match value {
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

    pub fn seq<'a>(&self, value: &'a Value, path: &str, what: &str) -> Vec<(String, &'a Value)> {
        match value {
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
    pub ctx: &'a Ctx,
    pub path: String,
    what: String,
    fields: Vec<(&'a str, &'a Value)>,
    /// Keys suggested for misspelled ones: not reported again as missing.
    misspelled: Vec<&'a str>,
}

impl<'a> Map<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Value> {
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
        match v {
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
        if let Value::String(s) = v {
            return vec![s.clone()];
        }
        self.ctx
            .seq(v, &path, "texts")
            .into_iter()
            .filter_map(|(p, v)| self.ctx.text(v, &p))
            .collect()
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
        let idx = PositionIndex::build(&text);
        assert!(idx.find("", false).is_some());
        assert!(parse(&file(&text)).is_err());
        let _ = alias_overflow(&format!("{text}*a"));
        let _ = duplicate_key(&text);
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
    fn libyaml_line_breaks_are_mapped_to_ours() {
        // U+2028 is a line break to libyaml, not to an editor.
        assert_eq!(from_libyaml_position("a\u{2028}b\nc", 3, 1), (2, 1));
        assert_eq!(from_libyaml_position("a\u{2028}b\nc", 2, 1), (1, 3));
        assert_eq!(from_libyaml_position("ab", 9, 9), (1, 3));
    }

    #[test]
    fn control_characters_in_values_are_errors() {
        let f = file("title: \"a\\x01b\"\n");
        let ctx = Ctx::new(f.clone());
        let v = parse(&f).unwrap();
        assert_eq!(ctx.text(&v["title"], "title"), None);
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
        let idx = PositionIndex::build(text);
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
        let ctx = Ctx::new(file.clone());
        let v = parse(&file).unwrap();
        ctx.map(&v, "", "a lab", &["title", "summary"]);
        let diags = ctx.into_diags();
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(diags[1].loc.as_ref().unwrap().resolve(), Some((2, 1, 6)));
    }
}
