//! Inside `src/source/`, the files look one way too: no circle of imports
//! between them (tests/architecture.rs checks the stages; this checks the
//! files of the loading stage). `lab.rs` reads `lab.yaml` and calls the
//! export readers in `forms/`, which fill the records of `record.rs`; a
//! type both need lives below both, not in one of them.
//!
//! Test code (`#[cfg(test)]` items) may look anywhere and is skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[path = "common/rust_tokens.rs"]
mod rust_tokens;

use rust_tokens::{Tok, find_cycle};

/// Tokens of Rust source, without comments, strings and characters.
fn tokens(text: &str) -> Vec<Tok> {
    rust_tokens::tokens(text)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

/// The tokens without `#[cfg(test)]` items.
fn without_tests(toks: Vec<Tok>) -> Vec<Tok> {
    let is = |t: &Tok, w: &str| matches!(t, Tok::Ident(x) if x == w);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // `# [ cfg ( test ) ]`: Hash, Other, cfg, Other, test, Other, Other.
        if toks[i] == Tok::Hash
            && toks.get(i + 2).is_some_and(|t| is(t, "cfg"))
            && toks.get(i + 4).is_some_and(|t| is(t, "test"))
            && toks.get(i + 5) == Some(&Tok::Other)
        {
            i += 7;
            // The item: up to its `;`, or its braces.
            let mut depth = 0;
            while i < toks.len() {
                match toks[i] {
                    Tok::Semi if depth == 0 => {
                        i += 1;
                        break;
                    }
                    Tok::Open => depth += 1,
                    Tok::Close => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

type Module = Vec<String>;

/// The module a file under the folder is: `lab.rs` → `[lab]`,
/// `forms/mod.rs` → `[forms]`, `mod.rs` → `[]`.
fn module_of(rel: &Path) -> Module {
    let mut m: Module = rel
        .with_extension("")
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if m.last().is_some_and(|s| s == "mod") {
        m.pop();
    }
    m
}

/// Which file each file's non-test code refers to, by module.
fn edges(files: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let known = |m: &Module| files.contains_key(m);
    // The longest module that `base` + `rest` names a file of.
    let resolve = |base: &Module, rest: &[String]| -> Module {
        let mut best = base.clone();
        let mut m = base.clone();
        for seg in rest {
            m.push(seg.clone());
            if known(&m) {
                best = m.clone();
            } else {
                break;
            }
        }
        best
    };
    let mut out: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, text) in files {
        let toks = without_tests(tokens(text));
        let ident = |k: usize| match toks.get(k) {
            Some(Tok::Ident(s)) => Some(s.as_str()),
            _ => None,
        };
        let mut to = BTreeSet::new();
        for i in 0..toks.len() {
            if i > 0 && toks[i - 1] == Tok::PathSep {
                continue;
            }
            // Where a path starts: `crate::source`, `super` (repeated),
            // `self`, or a child module named bare.
            let (mut base, mut k) = match ident(i) {
                Some("crate")
                    if toks.get(i + 1) == Some(&Tok::PathSep) && ident(i + 2) == Some("source") =>
                {
                    (Vec::new(), i + 3)
                }
                Some("super") | Some("self") => {
                    let mut base = module.clone();
                    let mut k = i;
                    while let Some(w @ ("super" | "self")) = ident(k) {
                        if w == "super" {
                            base.pop();
                        }
                        if toks.get(k + 1) != Some(&Tok::PathSep) {
                            break;
                        }
                        k += 2;
                    }
                    (base, k)
                }
                Some(w) if toks.get(i + 1) == Some(&Tok::PathSep) => {
                    let mut child = module.clone();
                    child.push(w.to_string());
                    if !known(&child) {
                        continue;
                    }
                    (module.clone(), i)
                }
                _ => continue,
            };
            if toks.get(k) == Some(&Tok::PathSep) {
                k += 1;
            }
            // `use super::{a::X, b}`: each element.
            let mut heads: Vec<Vec<String>> = Vec::new();
            if toks.get(k) == Some(&Tok::Open) {
                let mut depth = 0;
                let mut fresh = true;
                while k < toks.len() {
                    match &toks[k] {
                        Tok::Open => {
                            depth += 1;
                            fresh = depth == 1;
                        }
                        Tok::Close => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        Tok::Comma | Tok::Other if depth == 1 => fresh = true,
                        Tok::Ident(w) if depth == 1 && fresh => {
                            let mut path = vec![w.clone()];
                            let mut j = k;
                            while toks.get(j + 1) == Some(&Tok::PathSep) {
                                match ident(j + 2) {
                                    Some(next) => path.push(next.to_string()),
                                    None => break,
                                }
                                j += 2;
                            }
                            heads.push(path);
                            fresh = false;
                        }
                        _ => {}
                    }
                    k += 1;
                }
            } else {
                let mut path = Vec::new();
                while let Some(w) = ident(k) {
                    path.push(w.to_string());
                    if toks.get(k + 1) != Some(&Tok::PathSep) {
                        break;
                    }
                    k += 2;
                }
                heads.push(path);
            }
            for head in heads {
                let target = resolve(&base, &head);
                if target != *module && known(&target) {
                    to.insert(target);
                }
            }
            base.clear();
        }
        out.insert(module.clone(), to);
    }
    out
}

/// A circle among the edges, if any.
fn import_cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    find_cycle(edges.keys().cloned(), |m: &Module| {
        edges.get(m).into_iter().flatten().cloned().collect()
    })
}

fn read_folder(dir: &Path) -> BTreeMap<Module, String> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "rs") {
            let rel = p.strip_prefix(dir).unwrap();
            files.insert(module_of(rel), std::fs::read_to_string(p).unwrap());
        }
    }
    files
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "mod.rs".into()
    } else {
        format!("{}.rs", m.join("/"))
    }
}

#[test]
fn the_files_of_source_import_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/source");
    let files = read_folder(&src);
    let edges = edges(&files);
    // The arrows the circle used to run back along.
    let lab = vec!["lab".to_string()];
    assert!(
        edges[&lab].contains(&vec!["record".to_string()]),
        "{edges:?}"
    );
    assert!(
        edges[&vec!["forms".to_string(), "records".to_string()]]
            .contains(&vec!["record".to_string()])
    );
    if let Some(cycle) = import_cycle(&edges) {
        panic!(
            "import circle in src/source: {}",
            cycle.iter().map(name).collect::<Vec<_>>().join(" → ")
        );
    }
}

#[test]
fn a_circle_is_found_and_test_code_is_not_counted() {
    let file = |m: &[&str], text: &str| {
        (
            m.iter().map(|s| s.to_string()).collect::<Module>(),
            text.to_string(),
        )
    };
    let mut files: BTreeMap<Module, String> = [
        file(&[], "pub mod a;\npub mod b;\nuse a::X;\n"),
        file(
            &["a"],
            "use super::b::{Y, Z};\nfn f() { let s = \"super::c\"; let c = '{'; }\n",
        ),
        file(
            &["b"],
            "#[cfg(test)]\nmod tests {\n    use super::super::a::X;\n}\n",
        ),
        file(&["c"], "// super::a\n"),
    ]
    .into_iter()
    .collect();
    let e = edges(&files);
    assert_eq!(e[&vec!["a".to_string()]].len(), 1, "{e:?}");
    assert!(import_cycle(&e).is_none(), "{e:?}");
    files.insert(
        vec!["b".into()],
        "pub fn g() { crate::source::a::f() }\n".into(),
    );
    let cycle = import_cycle(&edges(&files)).expect("a ↔ b");
    assert_eq!(cycle.len(), 3, "{cycle:?}");
}
