//! A fast reader for the plain shape of YAML that site files are written
//! in: block mappings and sequences, one-line plain, single- and
//! double-quoted scalars (no escapes), one-line flow sequences of those,
//! comments. It gives exactly the `serde_yaml::Value` serde_yaml gives, or
//! `None` for anything else (anchors, tags, block scalars, escapes,
//! multi-line scalars, numbers other than plain decimals, every syntax
//! error...), and the caller then parses with serde_yaml as before, so its
//! diagnostics are unchanged. libyaml and the event-to-value step were
//! two thirds of loading a site (2 CPU-s at 10,000 labs).

use serde_yaml::{Mapping, Number, Value};

/// serde_yaml refuses deeper documents; this stays well below.
const MAX_DEPTH: usize = 64;

struct Line<'a> {
    indent: usize,
    /// A sequence entry's `-` (what follows it is a line of its own).
    dash: bool,
    content: &'a str,
}

/// The document as serde_yaml reads it, when it is in the plain shape.
pub fn parse(text: &str) -> Option<Value> {
    let b = text.as_bytes();
    // Tabs, CR (libyaml's line breaks: CR, NEL, U+2028, U+2029), DEL and
    // C1 controls (libyaml refuses them), U+FEFF: left to serde_yaml.
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\t' | b'\r' | 0x7f => return None,
            0xc2 if b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) => return None,
            0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) => {
                return None;
            }
            // U+FEFF; U+FFFE, U+FFFF.
            0xef if matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
            ) =>
            {
                return None;
            }
            c if c < 0x20 && c != b'\n' => return None,
            _ => {}
        }
    }
    let mut lines = Vec::new();
    for raw in text.split('\n') {
        let content = raw.trim_start_matches(' ');
        let mut indent = raw.len() - content.len();
        let mut content = content.trim_end_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with("---") || content.starts_with("...") {
            return None;
        }
        while let Some(rest) = content.strip_prefix('-') {
            if !(rest.is_empty() || rest.starts_with(' ')) {
                break;
            }
            lines.push(Line {
                indent,
                dash: true,
                content: "",
            });
            let after = rest.trim_start_matches(' ');
            if after.is_empty() {
                content = after;
                break;
            }
            // `- - x`, `- # x`: left to serde_yaml.
            if after.starts_with(['-', '#']) {
                return None;
            }
            indent += 1 + (rest.len() - after.len());
            content = after;
        }
        if !content.is_empty() {
            lines.push(Line {
                indent,
                dash: false,
                content,
            });
        }
    }
    if lines.is_empty() {
        return None;
    }
    let mut p = Parser { lines, i: 0 };
    let v = p.node(0)?;
    (p.i == p.lines.len()).then_some(v)
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    i: usize,
}

impl Parser<'_> {
    fn next_indent(&self) -> Option<usize> {
        self.lines.get(self.i).map(|l| l.indent)
    }

    /// The node that starts at the current line.
    fn node(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let line = &self.lines[self.i];
        let indent = line.indent;
        if line.dash {
            return self.sequence(indent, depth);
        }
        if key_of(line.content)?.is_some() {
            return self.mapping(indent, depth);
        }
        // A scalar on a line of its own: nothing may continue it.
        let v = scalar(line.content)?;
        self.i += 1;
        Some(v)
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.lines.get(self.i)
            && line.indent == indent
            && line.dash
        {
            self.i += 1;
            let item = match self.next_indent() {
                Some(n) if n > indent => self.node(depth + 1)?,
                _ => Value::Null,
            };
            items.push(item);
            if self.next_indent().is_some_and(|n| n > indent) {
                return None;
            }
        }
        Some(Value::Sequence(items))
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let mut map = Mapping::new();
        while let Some(line) = self.lines.get(self.i)
            && line.indent == indent
        {
            if line.dash {
                return None;
            }
            let (key, rest) = key_of(line.content)??;
            self.i += 1;
            let value = if rest.is_empty() {
                match self.lines.get(self.i) {
                    Some(n) if n.indent > indent => self.node(depth + 1)?,
                    Some(n) if n.indent == indent && n.dash => self.sequence(indent, depth + 1)?,
                    _ => Value::Null,
                }
            } else {
                inline(rest)?
            };
            if self.next_indent().is_some_and(|n| n > indent) {
                return None;
            }
            let key = Value::String(key.to_string());
            if map.contains_key(&key) {
                return None;
            }
            map.insert(key, value);
        }
        Some(Value::Mapping(map))
    }
}

/// `key: rest` (or `key:`): Some((key, rest)); a line that is no mapping
/// entry: None; a mapping entry in a shape left to serde_yaml: outer None.
#[allow(clippy::option_option)]
fn key_of(content: &str) -> Option<Option<(&str, &str)>> {
    if content.starts_with(['"', '\'', '[', '{']) {
        return Some(None);
    }
    let colon = match content.find(": ") {
        Some(i) => i,
        None if content.ends_with(':') => content.len() - 1,
        None => return Some(None),
    };
    let key = &content[..colon];
    let plain_key = key
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        && !is_special_word(key);
    if !plain_key {
        return None;
    }
    Some(Some((key, content[colon + 1..].trim_start_matches(' '))))
}

fn is_special_word(s: &str) -> bool {
    matches!(
        s,
        "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    )
}

/// A value after `key: `: a scalar or a one-line flow sequence.
fn inline(s: &str) -> Option<Value> {
    let Some(inner) = s.strip_prefix('[') else {
        return scalar(s);
    };
    let inner = inner.strip_suffix(']')?;
    let mut items = Vec::new();
    let mut rest = inner.trim_matches(' ');
    while !rest.is_empty() {
        let (item, after) = match rest.as_bytes()[0] {
            q @ (b'"' | b'\'') => {
                let (v, len) = quoted(rest, q)?;
                (v, &rest[len..])
            }
            _ => {
                let end = rest.find(',').unwrap_or(rest.len());
                let word = rest[..end].trim_end_matches(' ');
                if word.contains(['[', ']', '{', '}', ':', '#', '"', '\'']) {
                    return None;
                }
                (plain(word)?, &rest[end..])
            }
        };
        items.push(item);
        let after = after.trim_start_matches(' ');
        rest = match after.strip_prefix(',') {
            Some(r) => {
                let r = r.trim_start_matches(' ');
                // `[a, ]`: left to serde_yaml.
                if r.is_empty() {
                    return None;
                }
                r
            }
            None if after.is_empty() => after,
            None => return None,
        };
    }
    Some(Value::Sequence(items))
}

/// A one-line scalar, the whole of `s`.
fn scalar(s: &str) -> Option<Value> {
    match s.as_bytes().first() {
        Some(&q @ (b'"' | b'\'')) => {
            let (v, len) = quoted(s, q)?;
            (len == s.len()).then_some(v)
        }
        _ => plain(s),
    }
}

/// A quoted scalar at the start of `s` (no escapes in double quotes, `''`
/// in single ones), and the bytes it takes.
fn quoted(s: &str, q: u8) -> Option<(Value, usize)> {
    let body = &s[1..];
    if q == b'"' {
        let end = body.find(['"', '\\'])?;
        if body.as_bytes()[end] == b'\\' {
            return None;
        }
        return Some((Value::String(body[..end].to_string()), end + 2));
    }
    let mut out = String::new();
    let mut rest = body;
    loop {
        let end = rest.find('\'')?;
        out.push_str(&rest[..end]);
        if rest[end + 1..].starts_with('\'') {
            out.push('\'');
            rest = &rest[end + 2..];
        } else {
            let used = s.len() - rest.len() + end + 1;
            return Some((Value::String(out), used));
        }
    }
}

/// A plain scalar, resolved as serde_yaml resolves it, or None when it is
/// in a shape left to serde_yaml.
fn plain(s: &str) -> Option<Value> {
    let first = *s.as_bytes().first()?;
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
    {
        return None;
    }
    match s {
        "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if first == b'+' || first == b'.' {
        return None;
    }
    if first.is_ascii_digit() {
        let digits = s.bytes().all(|c| c.is_ascii_digit());
        if digits && (s == "0" || !s.starts_with('0')) && s.len() <= 18 {
            return s
                .parse::<u64>()
                .ok()
                .map(|n| Value::Number(Number::from(n)));
        }
        // Every number serde_yaml reads (decimal, 0x, 0o, 0b, a float) is
        // made of these bytes: a scalar with any other is text to it.
        let numeric = s
            .bytes()
            .all(|c| c.is_ascii_hexdigit() || b".xob+-".contains(&c));
        if !numeric {
            return Some(Value::String(s.to_string()));
        }
        // A date: text to serde_yaml (no integer or float reads it).
        let date = s.len() == 10
            && s.bytes().enumerate().all(|(i, c)| match i {
                4 | 7 => c == b'-',
                _ => c.is_ascii_digit(),
            });
        return date.then(|| Value::String(s.to_string()));
    }
    Some(Value::String(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the fast reader accepts, serde_yaml reads the same.
    fn agree(doc: &str) -> bool {
        match parse(doc) {
            None => false,
            Some(v) => {
                let expected = serde_yaml::from_str::<Value>(doc);
                assert!(
                    matches!(&expected, Ok(e) if *e == v),
                    "{doc:?}\nfast: {v:?}\nserde_yaml: {expected:?}"
                );
                true
            }
        }
    }

    #[test]
    fn site_files_are_read_fast_and_the_same() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        for dir in ["content", "tests/sites"] {
            for e in walkdir::WalkDir::new(root.join(dir)) {
                let e = e.unwrap();
                if e.path().extension().is_some_and(|x| x == "yaml") {
                    let Ok(text) = std::fs::read_to_string(e.path()) else {
                        continue;
                    };
                    if agree(&text) {
                        read += 1;
                    }
                }
            }
        }
        assert!(read > 20, "{read}");
        for lab in [
            "content/labs/2025-11-13/lab.yaml",
            "tests/sites/minimal/content/labs/2025-11-13/lab.yaml",
        ] {
            let text = std::fs::read_to_string(root.join(lab)).unwrap();
            assert!(agree(&text), "{lab} not read");
        }
    }

    use std::path::Path;

    #[test]
    fn shapes_it_reads() {
        for doc in [
            "a: 1\nb: x\n",
            "a:\n  - x\n  - 'y''z'\n  -\n  - id: p1\n    name: \"q: r\"\n",
            "a:\n- x\n- y\nb: [1, \"2\", c d, 'e,f']\n",
            "a: []\nb: [ ]\nc:\nd: ~\ne: null\nf: True\ng: 0\nh: 2025-11-13\ni: 9:30\n",
            "a: 1on1実践\nb: 2026-01-14T23:59\nd: 0xzz\ne: 1_000\n",
            "# c\n\na: x#y\nb: http://x/y?z=1\n  # c\nc: it's\n",
            "- a\n- b: 1\n  c:\n    - d\n",
            "x",
            "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
            "a: 日本語 のテキスト  \n",
        ] {
            assert!(agree(doc), "{doc:?} not read");
        }
    }

    #[test]
    fn shapes_left_to_serde_yaml() {
        for doc in [
            "a: 1\na: 2\n",
            "a: \"x\\ty\"\n",
            "a: |\n  x\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1.5\n",
            "a: 1e3\n",
            "a: 0x1f\n",
            "a: .inf\n",
            "a: +1\n",
            "a: 007\n",
            "a: -1\n",
            "a: x\n  y\n",
            "a: 1\n- b\n",
            "a: b: c\n",
            "a: x # c\n",
            "a:\tb\n",
            "a: 1\r\n",
            "---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "'a': 1\n",
            "1: a\n",
            "true: a\n",
            "a: [x, ]\n",
            "a: {b: 1}\n",
            "- - a\n",
            "  a: 1\nb: 2\n",
            "a:\n    - x\n  - y\n",
            "a: \"open\nb: 1\n",
            "a: 99999999999999999999\n",
            "a: x\u{85}y\n",
            "a: x\u{7f}\n",
            "a: \u{feff}x\n",
        ] {
            assert!(parse(doc).is_none(), "{doc:?} was read");
        }
    }

    /// Random documents line by line: indentation, entries, keys and
    /// values mixed the way site files mix them, and the ways they break.
    #[test]
    fn random_block_documents_agree_with_serde_yaml() {
        const INDENTS: &[&str] = &["", "", "  ", "  ", "    ", " ", "   ", "      "];
        const LEADS: &[&str] = &["", "", "", "- ", "- ", "-", "- - ", "-  "];
        const KEYS: &[&str] = &[
            "a: ", "b: ", "a:", "c:", "id: ", "x y: ", "1: ", "", "", "'k': ",
        ];
        const VALUES: &[&str] = &[
            "",
            "1",
            "x",
            "日本 語",
            "'q''r'",
            "\"d\"",
            "[a, 'b']",
            "[]",
            "~",
            "true",
            "2025-11-13",
            "18:00",
            "1on1",
            "a: b",
            "x #c",
            "\"u\" #c",
            "|",
            "&a x",
            "*a",
            "0x10",
            "-",
            "?",
            "#c",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut read = 0;
        for _ in 0..300_000 {
            let mut doc = String::new();
            for _ in 0..1 + next(7) {
                doc.push_str(INDENTS[next(INDENTS.len())]);
                doc.push_str(LEADS[next(LEADS.len())]);
                doc.push_str(KEYS[next(KEYS.len())]);
                doc.push_str(VALUES[next(VALUES.len())]);
                doc.push('\n');
            }
            if agree(&doc) {
                read += 1;
            }
        }
        assert!(read > 10_000, "{read}");
    }

    /// Random documents from pieces near the edges of the shape: what is
    /// read agrees with serde_yaml.
    #[test]
    fn random_documents_agree_with_serde_yaml() {
        const PIECES: &[&str] = &[
            "a",
            "b",
            "id",
            "x y",
            "1",
            "0",
            "01",
            "18:00",
            "2025-11-13",
            "~",
            "null",
            "true",
            "日本",
            "'q'",
            "'q''r'",
            "\"d\"",
            "\"e: f\"",
            "[]",
            "[a, b]",
            "[\"a\", 'b']",
            ":",
            ": ",
            "- ",
            "-",
            " ",
            "  ",
            "#",
            " #",
            "\n",
            "\n  ",
            "\n    ",
            "\n- ",
            "\n  - ",
            ",",
            "[",
            "]",
            "{",
            "*",
            "&",
            "!",
            "|",
            ">",
            "?",
            "%",
            "@",
            "'",
            "\"",
            "x:",
            "http://h/p",
            "-1",
            "+1",
            ".5",
            "1.0",
            "1e3",
            "0x1f",
            "...",
            "---",
            "1on1",
            "0o7",
            "0b1",
            "12ab",
            "1_0",
            ".inf",
            "2026-01-14T23:59",
            "1-2",
            "1e",
            "0x",
            "9:30",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut read = 0;
        for _ in 0..200_000 {
            let n = 2 + next() % 14;
            let mut doc = String::new();
            for _ in 0..n {
                doc.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            doc.push('\n');
            if agree(&doc) {
                read += 1;
            }
        }
        assert!(read > 1_000, "{read}");
    }
}
