//! The stages only look down: every `crate::<module>` reference in `src/`
//! is checked against one table, so an import that runs back up the stack
//! (or a circle of imports) fails the build's tests instead of growing
//! unnoticed. docs/architecture.md explains the stack; this file is the
//! one place that states it.

use std::collections::BTreeMap;
use std::path::Path;

#[path = "common/rust_tokens.rs"]
mod rust_tokens;

use rust_tokens::{Tok, find_cycle, tokens};

/// Top-level modules, from the top of the stack to the bottom. A module
/// may import only modules listed *below* it. A new top-level module must
/// be placed here (the test fails until it is).
const STACK: &[&str] = &[
    // The commands and the preview server.
    "cmd",
    "serve",
    // The orchestrator: calls the stages in order.
    "pipeline",
    // Link checking: the organizers' links against the files the render made.
    "links",
    // The leak gate as a stage: scans each file, reports leaks by source.
    "gate",
    // Publishes files (atomically) or hands them to serve.
    "output",
    // View types in, files in memory out.
    "render",
    // Records in, the typed, privacy-final view out.
    "public",
    // Files in, located records out.
    "source",
    // Leaves: no imports from the stages.
    "diagnostics",
    "privacy",
    "markdown",
    "timefmt",
    "lang",
    "urls",
    "ignore",
    "timings",
    "platform",
];

/// Edges that break the stack today and are being removed on other
/// branches. Each must still exist (a stale entry fails too), so whoever
/// merges the fix deletes its line here.
const KNOWN_EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// One `crate::<module>` reference: the module named, and where.
struct Reference {
    module: String,
    line: usize,
}

/// The `crate::…` references of a Rust source file, outside comments,
/// strings and character literals; `use crate::{a::X, b}` names `a` and `b`.
fn crate_references(text: &str) -> Vec<Reference> {
    let toks = tokens(text);
    let mut refs = Vec::new();
    let mut t = 0;
    while t + 2 < toks.len() {
        if toks[t].0 == Tok::Ident("crate".into()) && toks[t + 1].0 == Tok::PathSep {
            match &toks[t + 2] {
                (Tok::Ident(m), l) => refs.push(Reference {
                    module: m.clone(),
                    line: *l,
                }),
                (Tok::Open, _) => {
                    // `crate::{a::X, b, c::{…}}`: the first name of each item.
                    let mut depth = 0;
                    let mut expect = true;
                    for (tok, l) in &toks[t + 2..] {
                        match tok {
                            Tok::Open => {
                                depth += 1;
                                expect = depth == 1;
                            }
                            Tok::Close => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            Tok::Comma if depth == 1 => expect = true,
                            Tok::Ident(m) if expect && depth == 1 => {
                                refs.push(Reference {
                                    module: m.clone(),
                                    line: *l,
                                });
                                expect = false;
                            }
                            _ => {
                                if depth == 1 {
                                    expect = false;
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        t += 1;
    }
    refs
}

/// The top-level module a file of `src/` belongs to; `None` for the crate
/// roots (`lib.rs` declares the modules, `main.rs` uses the library by
/// name).
fn top_module(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    if rel.components().count() == 1 {
        let stem = first.strip_suffix(".rs")?;
        return (!matches!(stem, "lib" | "main")).then(|| stem.to_string());
    }
    Some(first)
}

/// module -> imported module -> the places (`file:line`) that import it.
type Edges = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn edges(src: &Path) -> Edges {
    let mut edges = Edges::new();
    let mut files = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    for path in files {
        let rel = path.strip_prefix(src).unwrap();
        let Some(from) = top_module(rel) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let entry = edges.entry(from.clone()).or_default();
        for r in crate_references(&text) {
            if r.module != from {
                entry.entry(r.module).or_default().push(format!(
                    "src/{}:{}",
                    rel.display(),
                    r.line
                ));
            }
        }
    }
    edges
}

fn is_exception(from: &str, to: &str) -> bool {
    KNOWN_EXCEPTIONS
        .iter()
        .any(|(f, t, _)| *f == from && *t == to)
}

/// A circle among `edges` (without the known exceptions), if any.
fn import_cycle(edges: &Edges) -> Option<Vec<String>> {
    find_cycle(edges.keys().cloned(), |m: &String| {
        edges
            .get(m)
            .into_iter()
            .flat_map(|t| t.keys())
            .filter(|to| !is_exception(m, to))
            .cloned()
            .collect()
    })
}

/// Every problem with the imports of the tree at `src`.
fn problems(src: &Path) -> Vec<String> {
    let edges = edges(src);
    let rank = |m: &str| STACK.iter().position(|s| *s == m);
    let mut problems = Vec::new();
    for (from, tos) in &edges {
        let Some(rf) = rank(from) else {
            problems.push(format!(
                "`{from}` is not in the stack: place it in STACK in tests/architecture.rs"
            ));
            continue;
        };
        for (to, places) in tos {
            let Some(rt) = rank(to) else {
                continue; // reported as a module of its own
            };
            if rt <= rf && !is_exception(from, to) {
                problems.push(format!(
                    "`{from}` imports `{to}`, which is not below it ({})",
                    places.join(", ")
                ));
            }
        }
    }
    for (from, to, _) in KNOWN_EXCEPTIONS {
        if !edges.get(*from).is_some_and(|t| t.contains_key(*to)) {
            problems.push(format!(
                "`{from}` no longer imports `{to}`: remove it from KNOWN_EXCEPTIONS"
            ));
        }
    }
    if let Some(cycle) = import_cycle(&edges) {
        problems.push(format!("import cycle: {}", cycle.join(" → ")));
    }
    problems
}

#[test]
fn every_import_runs_down_the_stack() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = problems(&src);
    assert!(
        problems.is_empty(),
        "the imports between top-level modules break the stack \
         (see docs/architecture.md):\n  {}",
        problems.join("\n  ")
    );
}

/// The edges between top-level modules, for the record (`cargo test --test
/// architecture -- --nocapture`).
#[test]
fn the_edges_can_be_listed() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (from, tos) in edges(&src) {
        let tos: Vec<&str> = tos.keys().map(String::as_str).collect();
        println!("{from} -> {}", tos.join(", "));
    }
}

#[test]
fn references_are_found_in_code_only() {
    let text = r##"
use crate::a::X;
use crate::{b::Y, c, d::{e, f}};
// crate::commented
/* crate::block /* nested */ crate::still */
let s = "crate::in_string";
let r = r#"crate::raw "quoted""#;
let c = '"'; let l: &'static str = x(crate::g::h);
format!("{}", crate::i::j());
"##;
    let found: Vec<(String, usize)> = crate_references(text)
        .into_iter()
        .map(|r| (r.module, r.line))
        .collect();
    let want = [("a", 2), ("b", 3), ("c", 3), ("d", 3), ("g", 8), ("i", 9)];
    let want: Vec<(String, usize)> = want.iter().map(|(m, l)| (m.to_string(), *l)).collect();
    assert_eq!(found, want);
}

#[test]
fn an_upward_import_and_a_cycle_fail() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "pub mod source; pub mod render;").unwrap();
    std::fs::write(src.join("source.rs"), "use crate::render::X;").unwrap();
    std::fs::create_dir(src.join("render")).unwrap();
    std::fs::write(src.join("render/mod.rs"), "use crate::source::Y;").unwrap();
    std::fs::write(src.join("extra.rs"), "").unwrap();
    let p = problems(src);
    assert!(
        p.iter()
            .any(|p| p.starts_with("`source` imports `render`") && p.contains("src/source.rs:1")),
        "{p:?}"
    );
    assert!(p.iter().any(|p| p.starts_with("import cycle:")), "{p:?}");
    assert!(
        !p.iter().any(|p| p.starts_with("`render` imports")),
        "{p:?}"
    );
}
