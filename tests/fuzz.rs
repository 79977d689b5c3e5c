//! No input makes labsite panic: property tests over everything user text
//! reaches first (the YAML loaders, the position index, the front-matter
//! splitter, the Markdown renderer, the diagnostic printer).
//!
//! Each property runs 512 cases by default, a few seconds in all; set
//! `PROPTEST_CASES` for a longer session, e.g.
//! `PROPTEST_CASES=20000 cargo test --release --test fuzz`. Inputs that once
//! crashed are kept below as plain tests.

use std::path::Path;
use std::sync::Arc;

use labsite::diagnostics::{Diagnostic, Loc, SourceFile};
use labsite::markdown::{Trust, render};
use labsite::source::lab::read_lab;
use labsite::source::page::{read_markdown, split_front_matter};
use labsite::source::site::read_site;
use labsite::source::yaml::{PositionIndex, parse};
use labsite::urls::Urls;
use proptest::prelude::*;
use proptest::test_runner::Config;

const MINIMAL_LAB: &str = include_str!("sites/minimal/content/labs/2025-11-13/lab.yaml");
const MINIMAL_SITE: &str = include_str!("sites/minimal/content/site.yaml");
const MINIMAL_REPORT: &str = include_str!("sites/minimal/content/labs/2025-11-13/report.md");

fn config() -> Config {
    let mut c = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 512;
    }
    // Crashes become explicit tests in this file, not seed files.
    c.failure_persistence = None;
    c
}

fn file(name: &str, text: &str) -> Arc<SourceFile> {
    SourceFile::new(Path::new("/site"), &Path::new("/site").join(name), text)
}

/// Lines as YAML counts them. The loaders get text from `read_source`,
/// which makes a lone `\r` a `\n`; here they get it raw.
fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .count()
}

/// Every diagnostic prints, and points inside its file (or at its end).
fn check_diags(diags: &[Diagnostic]) {
    for d in diags {
        let out = d.render();
        assert!(out.starts_with("error: ") || out.starts_with("warning: "));
        if let Some(loc) = &d.loc
            && let Some((line, col, _)) = loc.resolve()
        {
            let lines = line_count(&loc.file.text);
            assert!(line >= 1 && col >= 1, "{line}:{col} in\n{out}");
            assert!(line <= lines + 1, "line {line} of {lines}:\n{out}");
        }
    }
}

/// Pieces YAML is made of, and the ones that break it.
const YAML_TOKENS: &[&str] = &[
    "a",
    "title",
    "participants",
    "id",
    "p1",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "- ",
    "\"",
    "'",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "\t",
    "日本語",
    "? ",
    "!",
    "!!str ",
    "|",
    ">",
    "---",
    "...",
    "%YAML 1.2",
    "@",
    "`",
    "\r",
    "\r\n",
    "\\",
    "\\x01",
    "\u{feff}",
    "\u{2028}",
    "\u{85}",
    "1",
    "-1",
    "99999999999999999999",
    "0x1F",
    "~",
    "null",
    "true",
    "<<: *a",
    "😀",
    "ｱ",
    "\u{0}",
];

/// Text made of YAML pieces.
fn yamlish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(YAML_TOKENS), 0..80).prop_map(|v| v.concat())
}

#[derive(Clone, Debug)]
enum Edit {
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Insert { at: usize, piece: &'static str },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), 1..200usize).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        (any::<usize>(), prop::sample::select(YAML_TOKENS))
            .prop_map(|(at, piece)| Edit::Insert { at, piece }),
    ]
}

/// Apply edits at character boundaries (the files are UTF-8 by then).
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len().max(1);
        match *e {
            Edit::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(chars.len());
                if at < end {
                    chars.drain(at..end);
                }
            }
            Edit::Duplicate { at, len } => {
                let at = at % n;
                let end = (at + len).min(chars.len());
                if at < end {
                    let copy: Vec<char> = chars[at..end].to_vec();
                    chars.splice(end..end, copy);
                }
            }
            Edit::Insert { at, piece } => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, piece.chars());
            }
        }
    }
    chars.into_iter().collect()
}

fn load_lab(text: &str) {
    let f = file("content/labs/x/lab.yaml", text);
    let (_, diags) = read_lab("x", &f);
    check_diags(&diags);
}

fn load_site(text: &str) {
    let f = file("content/site.yaml", text);
    let (_, diags) = read_site(&f, None);
    check_diags(&diags);
    let (_, diags) = read_site(&f, Some("https://example.org/x/"));
    check_diags(&diags);
}

fn load_markdown(text: &str) {
    let f = file("content/labs/x/report.md", text);
    let (doc, diags) = read_markdown(&f, "the report");
    check_diags(&diags);
    if let Some(doc) = doc {
        assert!(text.ends_with(doc.body.as_str()));
    }
}

fn index(text: &str, paths: &[String]) {
    let idx = PositionIndex::build(text);
    let lines = line_count(text);
    for p in paths {
        for key in [false, true] {
            if let Some((line, col, len)) = idx.find(p, key) {
                assert!(line >= 1 && col >= 1 && len >= 1);
                assert!(line <= lines + 1, "{p}: line {line} of {lines}");
            }
        }
        let _ = idx.next_line_after(p, 1);
    }
}

const PATHS: &[&str] = &[
    "",
    "title",
    "a",
    "participants",
    "participants[0]",
    "participants[0].name",
    "survey.responses[0].answers.satisfaction",
    "[0]",
    "a.a.a",
];

fn paths() -> Vec<String> {
    PATHS.iter().map(|s| s.to_string()).collect()
}

/// Markdown pieces, hostile ones included.
const MD_TOKENS: &[&str] = &[
    "# ",
    "## ",
    "###### ",
    "####### ",
    "[x](",
    "](",
    ")",
    "[",
    "]",
    "(..)",
    "../",
    "%2e%2e/",
    "..\\",
    "![i](",
    "<",
    ">",
    "<script>",
    "</script>",
    "<a href=\"",
    "\"",
    "'",
    "javascript:",
    "JaVaScRiPt:",
    "data:text/html,",
    "<javascript:alert(1)>",
    "[^1]",
    "[^1]: ",
    "|",
    "| a | b |",
    "|---|---|",
    "---",
    "***",
    "*",
    "_",
    "`",
    "```",
    "~~",
    "- [ ] ",
    "- [x] ",
    "> ",
    "    ",
    "1. ",
    "<!--",
    "-->",
    "{#id}",
    "{.c onclick=x}",
    "{onmouseover=\"x\"}",
    "&amp;",
    "&#0;",
    "&",
    "\\",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    " ",
    "日本語",
    "😀",
    "\u{0}",
    "\u{200b}",
    "<https://example.org>",
    "mailto:a@b",
    "/abs/path",
    "?q=1#f",
    "<img src=x onerror=alert(1)>",
];

fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(MD_TOKENS), 0..60).prop_map(|v| v.concat())
}

/// Tags and attributes pulldown-cmark writes for Markdown from YAML.
const DATA_TAGS: &[&str] = &[
    "p",
    "a",
    "img",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "sup",
    "div",
    "input",
    "span",
];
const DATA_ATTRS: &[&str] = &[
    "href", "src", "alt", "title", "id", "class", "type", "checked", "disabled", "start", "style",
];

/// Every tag in `html`, with its attributes (name, value). Text never
/// holds a raw `<` that starts a tag, since escaped text shows it as `&lt;`.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if i < b.len() && b[i] == b'/' {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let a = i;
            while i < b.len() && !b"= \t\n>/".contains(&b[i]) {
                i += 1;
            }
            let name = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                let v;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    i += 1;
                    v = i;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = html[v..i.min(b.len())].to_string();
                    i += 1;
                } else {
                    v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
            attrs.push((name, value));
        }
        out.push((name, attrs));
    }
    out
}

fn render_both(md: &str) {
    let urls = Urls::new("https://example.org/lab/");
    let author = render(md, Trust::Author, &urls);
    assert!(author.toc.iter().all(|t| (2..=6).contains(&t.level)));
    let data = render(md, Trust::Data, &urls);
    for (name, attrs) in tags(&data.html) {
        assert!(
            DATA_TAGS.contains(&name.as_str()),
            "<{name}> from {md:?}:\n{}",
            data.html
        );
        for (a, value) in attrs {
            assert!(
                DATA_ATTRS.contains(&a.as_str()),
                "{a}= on <{name}> from {md:?}:\n{}",
                data.html
            );
            if a == "href" || a == "src" {
                // As a browser reads it: entities decoded, blanks dropped.
                let v: String = value
                    .replace("&amp;", "&")
                    .replace("&#x3A;", ":")
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !(v.starts_with("javascript:")
                        || v.starts_with("data:")
                        || v.starts_with("vbscript:")),
                    "{a}={value:?} from {md:?}:\n{}",
                    data.html
                );
            }
        }
    }
}

fn render_diag(text: &str, line: usize, col: usize, len: usize) {
    let f = file("content/x.yaml", text);
    let d = Diagnostic::error("message", Some(Loc::at(&f, line, col, len)))
        .with_note("note", Some(Loc::yaml(&f, "participants[0].name", true)))
        .with_note("note", Some(Loc::yaml(&f, "", false)))
        .with_help("help");
    let out = d.render();
    assert!(out.contains("content/x.yaml"));
    // The caret line never starts before the gutter.
    for l in out.lines() {
        assert!(!l.contains('\r'));
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn lab_yaml_from_yaml_pieces(text in yamlish()) {
        load_lab(&text);
    }

    #[test]
    fn lab_yaml_from_any_text(text in ".{0,400}") {
        load_lab(&text);
    }

    #[test]
    fn minimal_lab_yaml_mutated(edits in prop::collection::vec(edit(), 1..8)) {
        load_lab(&mutate(MINIMAL_LAB, &edits));
    }

    #[test]
    fn site_yaml_mutated(edits in prop::collection::vec(edit(), 1..8)) {
        load_site(&mutate(MINIMAL_SITE, &edits));
    }

    #[test]
    fn site_yaml_from_yaml_pieces(text in yamlish()) {
        load_site(&text);
    }

    #[test]
    fn yaml_parse_any_text(text in ".{0,300}") {
        let f = file("x.yaml", &text);
        if let Err(d) = parse(&f) {
            check_diags(&[d]);
        }
    }

    #[test]
    fn position_index_on_any_text(text in prop_oneof![yamlish(), ".{0,300}".boxed()]) {
        index(&text, &paths());
    }

    #[test]
    fn position_index_on_mutated_lab(edits in prop::collection::vec(edit(), 1..8)) {
        index(&mutate(MINIMAL_LAB, &edits), &paths());
    }

    #[test]
    fn front_matter_split_keeps_lines(
        head in prop::sample::select(&["", "---\n", "---\r\n", "\u{feff}---\n", "--- \n", "...\n"][..]),
        text in prop_oneof![yamlish(), markdownish(), ".{0,200}".boxed()],
    ) {
        let text = format!("{head}{text}");
        if let Ok((front, body, line)) = split_front_matter(&text) {
            prop_assert!(text.ends_with(body));
            let before = &text[..text.len() - body.len()];
            // (A closing `---` at the very end, with no line break, leaves
            // an empty body "on the next line".)
            if !body.is_empty() {
                prop_assert_eq!(before.matches('\n').count() + 1, line);
            }
            if let Some(front) = front {
                prop_assert_eq!(front.matches('\n').count() + 1, line - 1);
            }
        }
        load_markdown(&text);
    }

    #[test]
    fn report_mutated(edits in prop::collection::vec(edit(), 1..8)) {
        load_markdown(&mutate(MINIMAL_REPORT, &edits));
    }

    #[test]
    fn markdown_never_panics_and_data_stays_inert(md in prop_oneof![markdownish(), ".{0,300}".boxed()]) {
        render_both(&md);
    }

    #[test]
    fn diagnostics_render_anywhere(
        text in prop_oneof![".{0,200}", "[日本\t a\r\n😀ｱ]{0,80}"],
        line in prop_oneof![0..6usize, any::<usize>()],
        col in prop_oneof![0..30usize, any::<usize>()],
        len in prop_oneof![0..30usize, any::<usize>()],
    ) {
        render_diag(&text, line, col, len);
    }
}

// The whole pipeline (load, check, public view, render, gate) on a small
// site with one file mutated: what the loaders let through must not
// panic further down. Slower (a build per case), so fewer cases.

const PLANNED_LAB: &str = "title: テストラボ 第2回\nnumber: 2\ndate: 2026-01-22\nstart: \"18:00\"\nend: \"20:30\"\nvenue:\n  online: false\n  name: 会議室\n  address: 東京都千代田区1-1\nstatus: planned\nsummary: 次回\nprogram:\n  - title: オープニング\n    minutes: 20\n    description: 趣旨説明 [詳細](/about/)\n  - title: 1on1実践\n    minutes: 100\n    rounds: 2\n    round_minutes: 40\nframework:\n  title: 4つの軸\n  axes:\n    - name: 成果\n      prompts: [今期の成果は?]\n    - 自分\nrecruitment:\n  capacity: 8\n  taken: 3\n  deadline: 2026-01-15T23:59\n  waitlist: true\n  fee: 無料\n  audience: マネジャー\n  apply_url: https://forms.example.org/lab2\n  faq:\n    - q: 会社名は公開されますか?\n      a: いいえ。**載りません**。\n";

fn pipeline_config() -> Config {
    let mut c = config();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 128;
    }
    c
}

fn build_mutated(which: usize, edits: &[Edit]) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let held = content.join("labs/2025-11-13");
    let planned = content.join("labs/2026-01-22");
    std::fs::create_dir_all(&held).unwrap();
    std::fs::create_dir_all(&planned).unwrap();
    let mut files = [
        (content.join("site.yaml"), MINIMAL_SITE.to_string()),
        (held.join("lab.yaml"), MINIMAL_LAB.to_string()),
        (held.join("report.md"), MINIMAL_REPORT.to_string()),
        (planned.join("lab.yaml"), PLANNED_LAB.to_string()),
    ];
    let n = files.len();
    files[which % n].1 = mutate(&files[which % n].1, edits);
    for (path, text) in &files {
        std::fs::write(path, text).unwrap();
    }
    let opts = labsite::pipeline::BuildOptions {
        now: Some("2026-01-05T03:00:00Z".parse().unwrap()),
        ..Default::default()
    };
    match labsite::pipeline::build_site(dir.path(), &opts) {
        Ok(built) => assert!(!built.files.is_empty()),
        Err(labsite::pipeline::BuildError::Content(diags)) => {
            assert!(!diags.is_empty());
            check_diags(&diags);
        }
        Err(labsite::pipeline::BuildError::Io(_)) => {}
    }
}

proptest! {
    #![proptest_config(pipeline_config())]

    #[test]
    fn whole_build_on_a_mutated_site(which in 0..4usize, edits in prop::collection::vec(edit(), 1..6)) {
        build_mutated(which, &edits);
    }
}

// Inputs that crashed or hung before this work (found by probing the
// loaders by hand; the property tests above cover their kinds), kept as
// plain tests.

#[test]
fn regression_deep_block_nesting_overflowed_the_stack() {
    // `- - - …`: yaml_rust2's recursive `load` aborted the process while
    // building the position index, and the index copied a path per level.
    let text = "- ".repeat(20_000) + "x\n";
    index(&text, &paths());
    load_lab(&text);
}

#[test]
fn regression_aliases_multiplying() {
    let text = "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
    load_lab(text);
}

#[test]
fn regression_rounds_times_round_minutes_overflow() {
    let lab = MINIMAL_LAB
        .replace("rounds: 2", "rounds: 99999")
        .replace("round_minutes: 40", "round_minutes: 99999");
    load_lab(&lab);
}
