//! The leak gate as a stage of the build: every file is scanned for
//! identity terms (with `privacy::gate`) as it is made, before it reaches
//! the sink, and a file that fails becomes an error that names the term's
//! owner, the output files and the source lines the term came from. The
//! privacy rules in `public` are the first line of defence; this is the
//! second.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::diagnostics::{Diagnostic, Loc, SourceFile};
use crate::output::Sink;
use crate::privacy::gate::Gate;
use crate::privacy::terms::{IdentityTerm, TermOwner};
use crate::public::Origin;
use crate::render::OutputFile;
use crate::source::lab::PRIVATE_PATHS;
use crate::source::terms::collect_terms;
use crate::source::{Lab, Site, line_col};

/// A file that failed the leak gate.
pub struct Leak {
    path: String,
    origins: Vec<Origin>,
    terms: Vec<usize>,
}

/// Gates each file as it is made and hands the clean ones to the sink;
/// collects what went wrong on the way, from many threads.
pub struct GatedSink<'a> {
    gate: &'a Gate,
    sink: &'a dyn Sink,
    leaks: Mutex<Vec<Leak>>,
    /// Per allowed pattern: the files it is in.
    allowed: Mutex<HashMap<u32, Vec<String>>>,
    io_errors: Mutex<Vec<String>>,
    paths: Mutex<Vec<String>>,
    render_errors: Mutex<Vec<Diagnostic>>,
    /// The pages whose element ids are kept (the targets of `#fragment`
    /// links), and their ids.
    id_pages: HashSet<String>,
    ids: Mutex<HashMap<String, HashSet<String>>>,
}

/// What a gated render left behind.
pub struct Gated {
    /// Every path emitted (clean or not), unsorted.
    pub paths: Vec<String>,
    pub leaks: Vec<Leak>,
    /// Each `privacy.allow` term found in the output, as written, with the
    /// files it is in (sorted).
    pub allowed: Vec<(String, Vec<String>)>,
    pub render_errors: Vec<Diagnostic>,
    pub io_errors: Vec<String>,
    /// The element ids of the pages asked for with [`GatedSink::keep_ids_of`].
    pub ids: HashMap<String, HashSet<String>>,
}

impl<'a> GatedSink<'a> {
    pub fn new(gate: &'a Gate, sink: &'a dyn Sink) -> GatedSink<'a> {
        GatedSink {
            gate,
            sink,
            leaks: Mutex::new(Vec::new()),
            allowed: Mutex::new(HashMap::new()),
            io_errors: Mutex::new(Vec::new()),
            paths: Mutex::new(Vec::new()),
            render_errors: Mutex::new(Vec::new()),
            id_pages: HashSet::new(),
            ids: Mutex::new(HashMap::new()),
        }
    }

    /// Keep the element ids of these pages as they pass (for checking the
    /// `#fragment` of links to them).
    pub fn keep_ids_of(mut self, pages: HashSet<String>) -> Self {
        self.id_pages = pages;
        self
    }

    /// Scan `file`; hand it on if it is clean, else keep it as a leak.
    pub fn emit(&self, file: OutputFile) {
        let terms = self.scan(&file.path, &String::from_utf8_lossy(&file.bytes));
        self.deliver(file, terms);
    }

    /// [`GatedSink::emit`] for an image: `text` is what it shows (a share
    /// card's SVG), scanned in place of its bytes, which the gate cannot
    /// read.
    pub fn emit_showing(&self, file: OutputFile, text: &str) {
        let terms = self.scan(&file.path, text);
        self.deliver(file, terms);
    }

    /// Scan `text` (what the file at `path` shows): the terms found, and
    /// each allowed pattern noted as being in `path`.
    fn scan(&self, path: &str, text: &str) -> Vec<usize> {
        let scan = self.gate.scan_file(text);
        if !scan.allowed.is_empty()
            && let Ok(mut a) = self.allowed.lock()
        {
            for p in scan.allowed {
                a.entry(p).or_default().push(path.to_string());
            }
        }
        scan.hits.into_iter().map(|h| h.term).collect()
    }

    /// Hand `file` on if `terms` (what its scan found) is empty, else keep
    /// it as a leak.
    fn deliver(&self, file: OutputFile, mut terms: Vec<usize>) {
        if let Ok(mut p) = self.paths.lock() {
            p.push(file.path.clone());
        }
        if self.id_pages.contains(&file.path) {
            let ids = html_ids(&String::from_utf8_lossy(&file.bytes));
            if let Ok(mut all) = self.ids.lock() {
                all.insert(file.path.clone(), ids);
            }
        }
        if !terms.is_empty() {
            terms.sort_unstable();
            terms.dedup();
            if let Ok(mut l) = self.leaks.lock() {
                l.push(Leak {
                    path: file.path,
                    origins: file.origins,
                    terms,
                });
            }
            return;
        }
        if let Err(e) = self.sink.emit(file) {
            self.io_error(e);
        }
    }

    /// A page whose template failed.
    pub fn render_error(&self, d: Diagnostic) {
        if let Ok(mut e) = self.render_errors.lock() {
            e.push(d);
        }
    }

    /// A file that could not be read or written.
    pub fn io_error(&self, e: String) {
        if let Ok(mut errs) = self.io_errors.lock() {
            errs.push(e);
        }
    }

    /// The paths emitted so far.
    pub fn paths(&self) -> Vec<String> {
        self.paths.lock().map(|p| p.clone()).unwrap_or_default()
    }

    pub fn finish(self) -> Gated {
        let gate = self.gate;
        let mut allowed: Vec<(String, Vec<String>)> = self
            .allowed
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(p, mut files)| {
                files.sort();
                Some((gate.allowed_term(p)?.to_string(), files))
            })
            .collect();
        allowed.sort();
        Gated {
            paths: self.paths.into_inner().unwrap_or_default(),
            leaks: self.leaks.into_inner().unwrap_or_default(),
            allowed,
            render_errors: self.render_errors.into_inner().unwrap_or_default(),
            io_errors: self.io_errors.into_inner().unwrap_or_default(),
            ids: self.ids.into_inner().unwrap_or_default(),
        }
    }
}

/// The values of the `id` attributes in an HTML page.
pub fn html_ids(html: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut from = 0;
    while let Some(i) = html[from..].find("id=") {
        let at = from + i;
        from = at + 3;
        // A whole attribute name: after white space.
        if !html[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let rest = &html[from..];
        let Some(q @ ('"' | '\'')) = rest.chars().next() else {
            continue;
        };
        if let Some(end) = rest[1..].find(q) {
            out.insert(unescape(&rest[1..1 + end]));
        }
    }
    out
}

/// The few entities an escaped attribute value holds.
fn unescape(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Each file that failed the gate becomes an error naming the term's owner,
/// the output file and the sources that contain the term.
pub fn leak_diagnostics(
    gate: &Gate,
    leaks: Vec<Leak>,
    site: &Site,
    show_terms: bool,
) -> Vec<Diagnostic> {
    if leaks.is_empty() {
        return Vec::new();
    }
    // The terms themselves are not kept (about 100 bytes each, 600,000
    // at 10,000 labs): a leak report makes them again, in the same
    // order, so the gate's term indices still apply.
    let terms = collect_terms(site).0;
    describe_leaks(gate, &terms, leaks, site, show_terms)
}

fn describe_leaks(
    gate: &Gate,
    terms: &[IdentityTerm],
    leaks: Vec<Leak>,
    site: &Site,
    show_terms: bool,
) -> Vec<Diagnostic> {
    // One error per term, naming the files it reached: a name in a shared
    // place (a deny term in the footer) would otherwise give one error per
    // page.
    let mut by_term: BTreeMap<usize, (Vec<String>, Vec<Origin>)> = BTreeMap::new();
    for leak in leaks {
        for &t in &leak.terms {
            let entry = by_term.entry(t).or_default();
            entry.0.push(leak.path.clone());
            for o in &leak.origins {
                if !entry.1.contains(o) {
                    entry.1.push(o.clone());
                }
            }
        }
    }
    let mut scanned = SourceScans::default();
    let mut diags = Vec::new();
    for (t, (mut paths, origins)) in by_term {
        paths.sort();
        let term = &terms[t];
        let owner = match &term.owner {
            TermOwner::Participant { lab, participant } => {
                format!("participant `{participant}` of lab `{lab}`")
            }
            TermOwner::Deny => "a `privacy.deny` entry".to_string(),
        };
        let what = if show_terms {
            format!(" (`{}`)", term.source)
        } else {
            String::new()
        };
        const LISTED: usize = 5;
        let mut listed = paths
            .iter()
            .take(LISTED)
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if paths.len() > LISTED {
            listed.push_str(&format!(" and {} more", paths.len() - LISTED));
        }
        let mut d = Diagnostic::error(format!("leak gate: {listed} contain{} an identity term of {owner}{what}", if paths.len() == 1 { "s" } else { "" }), None)
            .with_help("rewrite the sentence so that it names no one (「ある参加者は…」); `privacy.allow` in site.yaml is only for words that are not anyone's name, and a name part it lists still counts before an honorific (森田さん)");
        let sources = find_sources(gate, t, &origins, site, &mut scanned);
        for loc in sources.iter().take(5) {
            d = d.with_note("the term comes from here", Some(loc.clone()));
        }
        if sources.is_empty() {
            d = d.with_note("no source file contains it as written: it may come from a template or a theme file", None);
        } else if origins.iter().any(|o| matches!(o, Origin::Asset { .. })) {
            d = d.with_help("a file in the lab's folder is copied into the site as it is: remove the name from that file, or move the file under the lab's `private/` folder so it is not published");
        }
        d.hide_source = !show_terms;
        diags.push(d);
    }
    diags
}

/// Gate hits per source file, each file scanned once however many terms
/// and pages lead to it.
#[derive(Default)]
struct SourceScans(HashMap<PathBuf, Vec<(usize, Loc)>>);

impl SourceScans {
    fn hits(&mut self, gate: &Gate, file: &Arc<SourceFile>, is_lab: bool) -> &[(usize, Loc)] {
        self.0.entry(file.path.clone()).or_insert_with(|| {
            let private = if is_lab {
                private_line_ranges(file)
            } else {
                Vec::new()
            };
            gate.scan(&file.text)
                .into_iter()
                .filter_map(|hit| {
                    let (line, col) = line_col(&file.text, hit.original.start);
                    if private.iter().any(|r| r.contains(&line)) {
                        return None;
                    }
                    let len = file.text[hit.original.clone()].chars().count();
                    Some((hit.term, Loc::at(file, line, col, len)))
                })
                .collect()
        })
    }
}

/// Source files that put term `t` into a page: Markdown and YAML of the
/// pages' origins, outside the private parts of `lab.yaml`.
fn find_sources(
    gate: &Gate,
    t: usize,
    origins: &[Origin],
    site: &Site,
    scanned: &mut SourceScans,
) -> Vec<Loc> {
    let mut candidates: Vec<(Arc<SourceFile>, bool)> = vec![(site.config.file.clone(), false)];
    let labs: HashMap<&str, &Lab> = site
        .labs
        .iter()
        .map(|l| (l.record.id.as_str(), l))
        .collect();
    for o in origins {
        match o {
            Origin::Site => {
                for l in &site.labs {
                    candidates.push((l.record.file.clone(), true));
                }
                for p in &site.pages {
                    candidates.push((p.doc.file.clone(), false));
                }
            }
            Origin::Lab(id) => {
                if let Some(l) = labs.get(id.as_str()) {
                    candidates.push((l.record.file.clone(), true));
                    if let Some(r) = &l.report {
                        candidates.push((r.file.clone(), false));
                    }
                }
            }
            Origin::Page(slug) => {
                if let Some(p) = site.pages.iter().find(|p| &p.slug == slug) {
                    candidates.push((p.doc.file.clone(), false));
                }
            }
            Origin::Asset { lab, rel } => {
                // A copied file is its own source: read it again (only when
                // a leak is reported) and scan it like any other.
                if let Some(a) = labs
                    .get(lab.as_str())
                    .and_then(|l| l.assets.iter().find(|a| &a.rel == rel))
                    && let Ok(bytes) = std::fs::read(&a.path)
                {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    candidates.push((SourceFile::new(&site.root, &a.path, text), false));
                }
            }
        }
    }
    let mut locs = Vec::new();
    let mut seen = HashSet::new();
    for (file, is_lab) in candidates {
        if !seen.insert(file.path.clone()) {
            continue;
        }
        locs.extend(
            scanned
                .hits(gate, &file, is_lab)
                .iter()
                .filter(|(term, _)| *term == t)
                .map(|(_, loc)| loc.clone()),
        );
    }
    locs
}

/// Lines of a lab.yaml's private records ([`PRIVATE_PATHS`]), where
/// identity terms belong.
fn private_line_ranges(file: &SourceFile) -> Vec<Range<usize>> {
    let idx = file.yaml_index();
    let total = file.text.lines().count() + 1;
    let mut out = Vec::new();
    for path in PRIVATE_PATHS {
        if let Some((start, _, _)) = idx.find(path, true) {
            let end = idx.next_line_after(path, start).unwrap_or(total + 1);
            out.push(start..end);
        }
    }
    out
}
