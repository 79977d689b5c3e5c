//! Errors with a location, rendered like rustc's.
//!
//! Every problem in a site is collected as a [`Diagnostic`] before anything
//! is rendered, so an organizer sees all of them in one run. A diagnostic
//! points at a [`Loc`]: a file and either a YAML path (resolved to line and
//! column only when the diagnostic is printed) or a line and column.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// (line, column, length), 1-based, in characters.
pub type Pos = (usize, usize, usize);

/// Where each node of a YAML document is, by its path
/// (`participants[0].name`; the root is the empty string). Built by the
/// loader from the one parse of the file, and only when something has to
/// be pointed at.
#[derive(Debug, Default)]
pub struct PositionIndex {
    /// path -> (key position, value position).
    nodes: HashMap<String, (Option<Pos>, Pos)>,
}

impl PositionIndex {
    /// Record a node; a later node at the same path replaces an earlier.
    pub fn insert(&mut self, path: String, key: Option<Pos>, value: Pos) {
        self.nodes.insert(path, (key, value));
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

    pub fn find(&self, path: &str, key: bool) -> Option<Pos> {
        let (k, v) = self.nodes.get(path)?;
        if key { k.or(Some(*v)) } else { Some(*v) }
    }
}

/// Builds a file's [`PositionIndex`] from its text: the loader's YAML
/// parser, handed in so that this module parses nothing itself.
pub type IndexYaml = fn(&str) -> PositionIndex;

/// A source file the site was read from, kept for error reporting.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user (relative to the site root).
    pub display: String,
    pub path: PathBuf,
    pub text: SourceText,
    index: OnceLock<PositionIndex>,
    /// How to index the text when a position is asked for and the loader
    /// has not set the index (a YAML file read before, its text released).
    index_with: Option<IndexYaml>,
}

/// The text of a [`SourceFile`] (it derefs to `str`). Held while the file
/// is read; a loaded record keeps a [`SourceFile::released`] copy whose
/// text is read again from the file only when something asks for it (a
/// diagnostic quoting a line, the leak gate looking for a term's source),
/// and checked against a fingerprint of the text first read: a file that
/// changed since reads as empty (a diagnostic then names the file without
/// a line), never as lines that were not there.
pub struct SourceText {
    text: OnceLock<Arc<str>>,
    reread: Option<Reread>,
}

#[derive(Debug)]
struct Reread {
    path: PathBuf,
    len: usize,
    hash: u64,
}

impl SourceText {
    fn held(text: Arc<str>) -> SourceText {
        let cell = OnceLock::new();
        let _ = cell.set(text);
        SourceText {
            text: cell,
            reread: None,
        }
    }

    /// Is the text in memory now?
    pub fn is_held(&self) -> bool {
        self.text.get().is_some()
    }
}

impl std::ops::Deref for SourceText {
    type Target = str;

    fn deref(&self) -> &str {
        self.text.get_or_init(|| {
            let Some(r) = &self.reread else {
                return Arc::from("");
            };
            match reread_text(&r.path, r.len) {
                Some(t) if t.len() == r.len && text_hash(&t) == r.hash => t.into(),
                _ => Arc::from(""),
            }
        })
    }
}

impl std::fmt::Debug for SourceText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.text.get() {
            Some(t) => write!(f, "{:?}", &**t),
            None => write!(f, "<not held: {:?}>", self.reread),
        }
    }
}

/// A source file's bytes as text: a BOM dropped, a lone `\r` made `\n`.
/// The error holds the bytes (BOM dropped) when they are not UTF-8. Here,
/// beside [`SourceText`], because a released text is read again the way
/// the loader first read it.
pub fn decode(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    let bytes = match bytes.strip_prefix(b"\xef\xbb\xbf".as_slice()) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    let text = String::from_utf8(bytes)?;
    Ok(if text.contains('\r') {
        normalize_lone_cr(&text)
    } else {
        text
    })
}

/// The text of a source file read again, as [`decode`] made it, if it
/// still decodes and is no longer than `len` bytes of text (a BOM
/// besides). For [`SourceText`]: the caller checks that it is the text
/// first read.
fn reread_text(path: &Path, len: usize) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    if size > len as u64 + 3 {
        return None;
    }
    decode(std::fs::read(path).ok()?).ok()
}

/// `\r` not followed by `\n` becomes `\n`; `\r\n` stays.
fn normalize_lone_cr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// A fingerprint of a text, to tell whether a file read again is the one
/// first read (not for anything adversarial: the reader is the site's
/// own author).
fn text_hash(text: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = text.len() as u64;
    let mut chunks = text.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
        h = (h.rotate_left(23) ^ w).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(23) ^ u64::from(b)).wrapping_mul(K);
    }
    // Final mix (murmur3's), so every input bit reaches every output bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl SourceFile {
    pub fn new(root: &Path, path: &Path, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        let display = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        Arc::new(SourceFile {
            display,
            path: path.to_path_buf(),
            text: SourceText::held(text.into()),
            index: OnceLock::new(),
            index_with: None,
        })
    }

    /// A file whose text may be YAML: `index_with` finds its nodes'
    /// positions when one is asked for.
    pub fn new_yaml(
        root: &Path,
        path: &Path,
        text: impl Into<Arc<str>>,
        index_with: IndexYaml,
    ) -> Arc<SourceFile> {
        let mut file = SourceFile::new(root, path, text);
        if let Some(f) = Arc::get_mut(&mut file) {
            f.index_with = Some(index_with);
        }
        file
    }

    /// The front matter of a Markdown file, as a YAML file of its own that
    /// keeps the Markdown file's name and line numbers.
    pub fn front_matter(markdown: &SourceFile, yaml: String, index_with: IndexYaml) -> SourceFile {
        SourceFile {
            display: markdown.display.clone(),
            path: markdown.path.clone(),
            text: SourceText::held(yaml.into()),
            index: OnceLock::new(),
            index_with: Some(index_with),
        }
    }

    /// The same file, its text not held: read again from `path` when it
    /// is asked for (see [`SourceText`]). For the records kept after
    /// loading; diagnostics made while reading keep the file they were
    /// given, text and all.
    pub fn released(&self) -> Arc<SourceFile> {
        let text = match self.text.text.get() {
            Some(t) if !t.is_empty() => SourceText {
                text: OnceLock::new(),
                reread: Some(Reread {
                    path: self.path.clone(),
                    len: t.len(),
                    hash: text_hash(t),
                }),
            },
            Some(t) => SourceText::held(t.clone()),
            None => SourceText {
                text: OnceLock::new(),
                reread: self.text.reread.as_ref().map(|r| Reread {
                    path: r.path.clone(),
                    len: r.len,
                    hash: r.hash,
                }),
            },
        };
        Arc::new(SourceFile {
            display: self.display.clone(),
            path: self.path.clone(),
            text,
            index: OnceLock::new(),
            index_with: self.index_with,
        })
    }

    /// The YAML position index. The loader sets it from its parse when a
    /// file has something to report; otherwise it is built on first use
    /// (only files with errors, or gate hits, pay for it).
    pub fn yaml_index(&self) -> &PositionIndex {
        self.index.get_or_init(|| match self.index_with {
            Some(index) => index(&self.text),
            None => PositionIndex::default(),
        })
    }

    /// Set the YAML position index (a no-op if it is already set).
    pub fn set_yaml_index(&self, index: impl FnOnce() -> PositionIndex) {
        self.index.get_or_init(index);
    }
}

/// Where in a source file something is.
#[derive(Clone, Debug)]
pub enum Span {
    /// The whole file.
    File,
    /// A 1-based line and column (in characters), and a length in characters.
    At { line: usize, col: usize, len: usize },
    /// A node of a YAML document by its path (`participants[0].name`); `key`
    /// points at the key rather than the value.
    Yaml { path: String, key: bool },
    /// Text inside the YAML value at `path`: the `nth` (0-based) place
    /// `find` is written there (a link inside Markdown from YAML). The
    /// value itself when it is not found as written (an escape in a
    /// quoted string, a line folded).
    /// (Boxed: a location is in every diagnostic, and this is the rare,
    /// large kind.)
    YamlText(Box<TextInValue>),
    /// A cell of a spreadsheet or CSV export: a 1-based row and a 1-based
    /// column, shown as a letter (`survey.xlsx:7:D`). Never rendered with
    /// a snippet: a row's cells are the respondents' own words.
    Cell { row: usize, col: usize },
}

/// Text written inside a YAML value: see [`Span::YamlText`].
#[derive(Clone, Debug)]
pub struct TextInValue {
    pub path: String,
    pub find: String,
    pub nth: usize,
}

#[derive(Clone, Debug)]
pub struct Loc {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Loc {
    pub fn file(file: &Arc<SourceFile>) -> Loc {
        Loc {
            file: file.clone(),
            span: Span::File,
        }
    }

    pub fn at(file: &Arc<SourceFile>, line: usize, col: usize, len: usize) -> Loc {
        Loc {
            file: file.clone(),
            span: Span::At { line, col, len },
        }
    }

    pub fn yaml(file: &Arc<SourceFile>, path: &str, key: bool) -> Loc {
        Loc {
            file: file.clone(),
            span: Span::Yaml {
                path: path.to_string(),
                key,
            },
        }
    }

    /// `find` as written inside the YAML value at `path` (its `nth`
    /// occurrence there, 0-based); resolved, like a path, only when shown.
    pub fn yaml_text(file: &Arc<SourceFile>, path: &str, find: &str, nth: usize) -> Loc {
        Loc {
            file: file.clone(),
            span: Span::YamlText(Box::new(TextInValue {
                path: path.to_string(),
                find: find.to_string(),
                nth,
            })),
        }
    }

    /// A cell of an export (`row` and `col` 1-based).
    pub fn cell(file: &Arc<SourceFile>, row: usize, col: usize) -> Loc {
        Loc {
            file: file.clone(),
            span: Span::Cell { row, col },
        }
    }

    /// Line, column (1-based) and caret length, when known.
    pub fn resolve(&self) -> Option<(usize, usize, usize)> {
        match &self.span {
            Span::File => None,
            Span::At { line, col, len } => Some((*line, *col, *len)),
            Span::Cell { row, col } => Some((*row, *col, 1)),
            Span::Yaml { path, key } => self.file.yaml_index().find(path, *key),
            Span::YamlText(t) => {
                let index = self.file.yaml_index();
                let value = index.find(&t.path, false)?;
                let end = index.next_line_after(&t.path, value.0);
                Some(find_after(&self.file.text, value, end, &t.find, t.nth).unwrap_or(value))
            }
        }
    }
}

/// Where the `nth` occurrence of `find` is in `text`, from the position
/// `from` to the start of line `end` (or the end of the text).
fn find_after(text: &str, from: Pos, end: Option<usize>, find: &str, nth: usize) -> Option<Pos> {
    if find.is_empty() {
        return None;
    }
    // Byte offsets of the line starts, as far as needed.
    let line_start = |line: usize| -> Option<usize> {
        if line <= 1 {
            return Some(0);
        }
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
    };
    let first = line_start(from.0)?;
    let start = first
        + text[first..]
            .char_indices()
            .nth(from.1.saturating_sub(1))
            .map(|(i, _)| i)?;
    let stop = end.and_then(line_start).unwrap_or(text.len()).max(start);
    let (at, _) = text[start..stop].match_indices(find).nth(nth)?;
    let at = start + at;
    let line = text[..at].matches('\n').count() + 1;
    let bol = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col = text[bol..at].chars().count() + 1;
    Some((line, col, find.chars().count()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub loc: Option<Loc>,
    /// What was expected, or what to do.
    pub help: Option<String>,
    /// Further locations that explain the error (e.g. the source of a leak).
    pub notes: Vec<(String, Option<Loc>)>,
    /// Print locations without the source line (a leak report must not
    /// copy the leaked term into a CI log).
    pub hide_source: bool,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, loc: Option<Loc>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            loc,
            help: None,
            notes: Vec::new(),
            hide_source: false,
        }
    }

    pub fn warning(message: impl Into<String>, loc: Option<Loc>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, loc)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>, loc: Option<Loc>) -> Diagnostic {
        self.notes.push((note.into(), loc));
        self
    }

    /// A key for a stable order: file, line, column, message.
    pub fn sort_key(&self) -> (String, usize, usize, String) {
        match &self.loc {
            Some(loc) => {
                let (l, c, _) = loc.resolve().unwrap_or((0, 0, 0));
                (loc.file.display.clone(), l, c, self.message.clone())
            }
            None => (String::new(), 0, 0, self.message.clone()),
        }
    }

    /// `file:line:col`, or just the file, or nothing.
    pub fn location_label(&self) -> Option<String> {
        self.loc.as_ref().map(loc_label)
    }

    /// Plain text, rustc style:
    ///
    /// ```text
    /// error: unknown key `summry`
    ///   --> content/labs/2025-11-13/lab.yaml:9:1
    ///    |
    ///  9 | summry: 製造業と建設業のマネジャー4名
    ///    | ^^^^^^
    ///    = help: did you mean `summary`?
    /// ```
    pub fn render(&self) -> String {
        let mut out = String::new();
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{word}: {}", printable(&self.message));
        if let Some(loc) = &self.loc {
            render_snippet(&mut out, loc, self.hide_source);
        }
        for (note, loc) in &self.notes {
            let _ = writeln!(out, "   = note: {}", printable(note));
            if let Some(loc) = loc {
                render_snippet(&mut out, loc, self.hide_source);
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "   = help: {}", printable(help));
        }
        out
    }
}

/// Text from a site file, safe to print on one line of a terminal: each
/// control character (an escape sequence could rewrite the screen; a line
/// break would split the message) is shown by its picture (`␛`, `␊`),
/// which takes one column like the character did.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c as u32 {
            n @ 0..=0x1f => char::from_u32(0x2400 + n).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            _ if c.is_control() => '\u{fffd}',
            _ => c,
        })
        .collect::<String>()
        .into()
}

/// A spreadsheet's name for a 1-based column: 1 → `A`, 27 → `AA`.
pub fn column_letters(col: usize) -> String {
    let mut n = col.max(1);
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn loc_label(loc: &Loc) -> String {
    let file = printable(&loc.file.display);
    if let Span::Cell { row, col } = loc.span {
        return format!("{file}:{row}:{}", column_letters(col));
    }
    match loc.resolve() {
        Some((l, c, _)) => format!("{file}:{l}:{c}"),
        None => file.into_owned(),
    }
}

fn render_snippet(out: &mut String, loc: &Loc, hide_source: bool) {
    let _ = writeln!(out, "  --> {}", loc_label(loc));
    if hide_source || matches!(loc.span, Span::Cell { .. }) {
        return;
    }
    let Some((line, col, len)) = loc.resolve() else {
        return;
    };
    let Some(text) = loc.file.text.lines().nth(line.saturating_sub(1)) else {
        return;
    };
    let text = text.trim_end_matches('\r');
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let before: String = text.chars().take(col.saturating_sub(1)).collect();
    let marked: String = text
        .chars()
        .skip(col.saturating_sub(1))
        .take(len.max(1))
        .collect();
    let _ = writeln!(out, " {pad} |");
    let _ = writeln!(out, " {number} | {}", printable(&text.replace('\t', " ")));
    let _ = writeln!(
        out,
        " {pad} | {}{}",
        " ".repeat(display_width(&before)),
        "^".repeat(display_width(&marked).max(1))
    );
}

/// Terminal columns a string takes: East Asian wide characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F |
        0x20000..=0x3FFFD)
}

/// The nearest of `candidates` to `word`, for a `help: did you mean` line.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for &c in candidates {
        let d = edit_distance(word, c);
        let limit = (c.chars().count().max(word.chars().count()) / 3).max(1) + 1;
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Print every diagnostic to stderr, errors sorted by place.
pub fn report(diags: &mut [Diagnostic]) -> String {
    diags.sort_by_cached_key(|d| d.sort_key());
    let mut out = String::new();
    for d in diags.iter() {
        out.push_str(&d.render());
        out.push('\n');
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        let _ = writeln!(
            out,
            "error: the site has {errors} error{}{}",
            if errors == 1 { "" } else { "s" },
            if warnings > 0 {
                format!(" and {warnings} warning(s)")
            } else {
                String::new()
            }
        );
    }
    out
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_a_yaml_value_is_found_where_written_or_falls_back() {
        let text = "a:\n  x: |\n    one [l](u)\n    two [l](u)\n  y: [l](u)\n";
        // From the value at 2:6 to line 5 (the next node): the second `[l](u)`.
        assert_eq!(
            find_after(text, (2, 6, 1), Some(5), "[l](u)", 1),
            Some((4, 9, 6))
        );
        assert_eq!(
            find_after(text, (2, 6, 1), Some(5), "[l](u)", 0),
            Some((3, 9, 6))
        );
        // Not inside the value (only in the next node): not found.
        assert_eq!(find_after(text, (2, 6, 1), Some(5), "[l](u)", 2), None);
        assert_eq!(find_after(text, (2, 6, 1), Some(5), "[l](v)", 0), None);
        // Columns count characters.
        let ja = "a: 詳しくは[運営](/x/)\n";
        assert_eq!(
            find_after(ja, (1, 4, 1), None, "[運営](/x/)", 0),
            Some((1, 8, 9))
        );
    }

    #[test]
    fn cells_are_named_by_row_and_column_letter_without_a_snippet() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(702), "ZZ");
        assert_eq!(column_letters(703), "AAA");
        // Even a file whose text is held: its lines are never quoted.
        let file = SourceFile::new(Path::new("/"), Path::new("/s.csv"), "a,b\n1,secret\n");
        let r = Diagnostic::error("x", Some(Loc::cell(&file, 2, 2))).render();
        assert_eq!(r, "error: x\n  --> s.csv:2:B\n");
    }

    #[test]
    fn nearest_key_suggestion() {
        let keys = ["title", "summary", "status", "start"];
        assert_eq!(nearest("summry", &keys), Some("summary"));
        assert_eq!(nearest("titel", &keys), Some("title"));
        assert_eq!(nearest("zzzzzzzz", &keys), None);
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        let file = SourceFile::new(Path::new("/"), Path::new("/a.yaml"), "k\u{1b}[2J: v\n");
        let d = Diagnostic::error(
            "unknown key `k\u{1b}[2J`\nsecond",
            Some(Loc::at(&file, 1, 1, 5)),
        )
        .with_help("x\u{7}");
        let r = d.render();
        assert!(!r.chars().any(|c| c.is_control() && c != '\n'), "{r:?}");
        assert!(r.contains("k\u{241b}[2J`\u{240a}second"), "{r}");
        assert_eq!(r.lines().count(), 6, "{r}");
    }

    #[test]
    fn locations_past_the_text_render_without_a_snippet() {
        let file = SourceFile::new(Path::new("/"), Path::new("/a.yaml"), "a: 1\n");
        for (l, c, n) in [
            (0, 0, 0),
            (1, 99, 5),
            (7, 1, 1),
            (usize::MAX, usize::MAX, usize::MAX),
        ] {
            let r = Diagnostic::error("x", Some(Loc::at(&file, l, c, n))).render();
            assert!(r.contains("a.yaml:"), "{r}");
        }
    }

    #[test]
    fn snippet_has_caret_under_wide_chars() {
        let file = SourceFile::new(Path::new("/"), Path::new("/a.yaml"), "title: 日本語です\n");
        let d = Diagnostic::error("bad", Some(Loc::at(&file, 1, 8, 3)));
        let r = d.render();
        assert!(r.contains("a.yaml:1:8"), "{r}");
        assert!(r.contains("|        ^^^^^^"), "{r}");
    }
}
