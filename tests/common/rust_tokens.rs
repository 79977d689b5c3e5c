//! Rust source read just far enough to follow its paths: the tokens the
//! import tests need (names, `::`, braces, `,`, `;`, `#`), without
//! comments, strings and character literals, and a circle finder. Used by
//! `tests/architecture.rs` (the stages) and `tests/source_files.rs` (the
//! files of `src/source/`), each through `#[path]`.

#![allow(dead_code)]

use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Semi,
    Hash,
    Other,
}

/// The tokens of `text`, each with its 1-based line.
pub fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let b = text.as_bytes();
    let mut toks: Vec<(Tok, usize)> = Vec::new();
    let (mut i, mut line) = (0, 1);
    let count_lines = |s: &[u8]| s.iter().filter(|&&c| c == b'\n').count();
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            line += count_lines(&b[start..i]);
        } else if (c == b'r' || (c == b'b' && b.get(i + 1) == Some(&b'r'))) && {
            let j = if c == b'b' { i + 2 } else { i + 1 };
            let mut k = j;
            while b.get(k) == Some(&b'#') {
                k += 1;
            }
            b.get(k) == Some(&b'"')
        } {
            // A raw string: r"…", r#"…"#, br"…".
            let j = if c == b'b' { i + 2 } else { i + 1 };
            let mut k = j;
            while b[k] == b'#' {
                k += 1;
            }
            let hashes = k - j;
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            i = k + 1;
            while i < b.len() && !b[i..].starts_with(&close) {
                i += 1;
            }
            i = (i + close.len()).min(b.len());
            line += count_lines(&b[start..i]);
        } else if c == b'"' || (c == b'b' && b.get(i + 1) == Some(&b'"')) {
            i += if c == b'b' { 2 } else { 1 };
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            line += count_lines(&b[start..i.min(b.len())]);
        } else if c == b'\'' {
            // A character literal ('x', '\n', '\u{1F600}', 'あ') or a lifetime.
            if b.get(i + 1) == Some(&b'\\') {
                i += 2;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            } else {
                let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                if b.get(i + 1 + ch_len) == Some(&b'\'') {
                    i += 2 + ch_len;
                } else {
                    i += 1; // a lifetime: its name is read as an identifier
                }
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            toks.push((Tok::Ident(text[start..i].to_string()), line));
        } else if b[i..].starts_with(b"::") {
            toks.push((Tok::PathSep, line));
            i += 2;
        } else {
            toks.push((
                match c {
                    b'{' => Tok::Open,
                    b'}' => Tok::Close,
                    b',' => Tok::Comma,
                    b';' => Tok::Semi,
                    b'#' => Tok::Hash,
                    _ => Tok::Other,
                },
                line,
            ));
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    toks
}

/// A circle in the graph whose nodes are `nodes` and whose arrows from a
/// node are `next(node)`, if any: the nodes along it, the first repeated
/// at the end.
pub fn find_cycle<N: Ord + Clone>(
    nodes: impl IntoIterator<Item = N>,
    next: impl Fn(&N) -> Vec<N>,
) -> Option<Vec<N>> {
    fn visit<N: Ord + Clone>(
        m: &N,
        next: &dyn Fn(&N) -> Vec<N>,
        path: &mut Vec<N>,
        done: &mut BTreeSet<N>,
    ) -> Option<Vec<N>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.clone());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.clone());
        for to in next(m) {
            if let Some(c) = visit(&to, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.clone());
        None
    }
    let mut done = BTreeSet::new();
    nodes
        .into_iter()
        .find_map(|m| visit(&m, &next, &mut Vec::new(), &mut done))
}
