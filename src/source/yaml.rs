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
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
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

#[derive(Debug, Default)]
pub struct PositionIndex {
    /// path -> (key position, value position); positions are (line, col,
    /// len), 1-based, in characters.
    nodes: HashMap<String, (Option<Pos>, Pos)>,
}

impl PositionIndex {
    pub fn build(text: &str) -> PositionIndex {
        let mut builder = IndexBuilder::default();
        let mut parser = Parser::new_from_str(text);
        // A document with a syntax error still yields the nodes before it.
        let _ = parser.load(&mut builder, false);
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

impl MarkedEventReceiver for IndexBuilder {
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

/// Parse a YAML file; a syntax error becomes a diagnostic at its place.
pub fn parse(file: &Arc<SourceFile>) -> Result<Value, Diagnostic> {
    let text: &str = &file.text;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_yaml::from_str::<Value>(text).map_err(|e| {
        let msg = e.to_string();
        // serde_yaml appends " at line L column C"; the snippet says that.
        let msg = match msg.find(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        let loc = match e.location() {
            Some(l) => Loc::at(file, l.line(), l.column(), 1),
            None => Loc::file(file),
        };
        let help = if text.contains('\t') && msg.contains("tab")
            || msg.contains("found character that cannot start any token") && text.contains('\t')
        {
            "YAML does not allow tabs for indentation; indent with spaces"
        } else if msg.contains("recursion limit") || msg.contains("repetition limit") {
            "the file expands aliases too deeply; write the values out"
        } else {
            "check the indentation and quoting near this line"
        };
        Diagnostic::error(format!("invalid YAML: {msg}"), Some(loc)).with_help(help)
    })
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
            Value::String(s) => Some(s.clone()),
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
