//! One way through: load → check → publicize → render → gate. `build`,
//! `check` and `serve` all run this; only what they do with the files
//! differs.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde_json::json;

use crate::diagnostics::{Diagnostic, Loc, SourceFile};
use crate::privacy::gate::Gate;
use crate::privacy::redact::Redactor;
use crate::privacy::terms::{
    IdentityTerm, ParticipantIdentity, TermOwner, deny_terms, participant_terms, term_problem,
};
use crate::public::survey::PrivacyStats;
use crate::public::{Origin, PageSpec, PublicLab, PublicSite, lab_paths};
use crate::render::feeds::{self, FeedInfo};
use crate::render::templates::{CommonContext, Theme};
use crate::source::{LoadError, LoadOptions, Site, load_site};
use crate::urls::Urls;

/// A file of the built site, in memory.
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Relative to the output root, with `/`.
    pub path: String,
    pub bytes: Vec<u8>,
    pub origins: Vec<Origin>,
}

pub struct Built {
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub stats: PrivacyStats,
    pub warnings: Vec<Diagnostic>,
    pub elapsed_ms: u128,
}

#[derive(Debug)]
pub enum BuildError {
    Io(String),
    Content(Vec<Diagnostic>),
}

impl From<LoadError> for BuildError {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Io(s) => BuildError::Io(s),
            LoadError::Content(d) => BuildError::Content(d),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub load: LoadOptions,
    pub now: Option<DateTime<Utc>>,
    /// Injected before `</body>` (serve's live reload).
    pub live_reload_html: String,
    /// Print leaked terms in gate errors (off by default: CI logs are public).
    pub show_terms: bool,
}

/// Every identity term of every lab, plus `privacy.deny`. Terms that would
/// make the gate useless are errors in the records.
pub fn collect_terms(site: &Site) -> (Vec<IdentityTerm>, Vec<Diagnostic>) {
    let mut terms = Vec::new();
    let mut diags = Vec::new();
    for lab in &site.labs {
        for p in &lab.record.participants {
            let identity = ParticipantIdentity {
                lab: &lab.record.id,
                id: &p.id,
                name: p.name.as_deref(),
                company: p.company.as_deref(),
                aliases: &p.aliases,
                email: p.email.as_deref(),
            };
            for t in participant_terms(&identity) {
                if let Some(problem) = term_problem(&t.normalized) {
                    diags.push(
                        Diagnostic::error(
                            format!("an identity term of participant `{}` is {problem}", p.id),
                            Some(Loc::yaml(&lab.record.file, &p.path, false)),
                        )
                        .with_help("write the full name, company and aliases; a term the leak gate cannot check is not allowed"),
                    );
                } else {
                    terms.push(t);
                }
            }
        }
    }
    for t in deny_terms(&site.config.privacy.deny) {
        if let Some(problem) = term_problem(&t.normalized) {
            diags.push(
                Diagnostic::error(
                    format!("a `privacy.deny` term is {problem}"),
                    Some(Loc::yaml(&site.config.file, "privacy.deny", false)),
                )
                .with_help("list whole names, not single characters"),
            );
        } else {
            terms.push(t);
        }
    }
    (terms, diags)
}

fn common_context(
    site: &Site,
    theme: &Theme,
    urls: &Urls,
    public_has_program: bool,
    has_highlights: bool,
    live_reload_html: &str,
) -> CommonContext {
    let cfg = &site.config;
    let words: BTreeMap<String, String> = theme
        .words
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let w = |k: &str, ja: &str, en: &str| {
        theme.words.get(k).cloned().unwrap_or_else(|| {
            if cfg.language.code() == "ja" {
                ja.into()
            } else {
                en.into()
            }
        })
    };
    let mut nav = vec![
        (w("nav_home", "ホーム", "Home"), urls.path("index.html")),
        (
            w("nav_labs", "ラボ一覧", "Labs"),
            urls.path("labs/index.html"),
        ),
    ];
    if public_has_program {
        nav.push((
            w("nav_program", "プログラム", "Program"),
            urls.path("program/index.html"),
        ));
    }
    if has_highlights {
        nav.push((
            w("nav_highlights", "アンケートから", "Survey"),
            urls.path("highlights/index.html"),
        ));
    }
    for p in &site.pages {
        nav.push((
            p.doc.front.title.clone().unwrap_or_else(|| p.slug.clone()),
            urls.path(&format!("{}/index.html", p.slug)),
        ));
    }
    CommonContext {
        urls: urls.clone(),
        site: json!({
            "title": cfg.title,
            "description": cfg.description,
            "base_url": urls.base_url(),
            "base_path": urls.base_path(),
            "language": cfg.language.code(),
            "organizer": {"name": cfg.organizer.name, "url": cfg.organizer.url, "email": cfg.organizer.email},
        }),
        words,
        lang: cfg.language.code().into(),
        links: json!({
            "home": urls.path("index.html"),
            "labs": urls.path("labs/index.html"),
            "program": if public_has_program { urls.path("program/index.html") } else { String::new() },
            "highlights": if has_highlights { urls.path("highlights/index.html") } else { String::new() },
            "feed": urls.path("feed.xml"),
            "css": urls.path("style.css"),
        }),
        nav,
        generator: format!("labsite {}", env!("CARGO_PKG_VERSION")),
        live_reload_html: live_reload_html.to_string(),
    }
}

/// Phase timings, printed with `LABSITE_TIMINGS=1` (for profiling).
struct Phases {
    on: bool,
    last: Instant,
    marks: Vec<(&'static str, u128)>,
}

impl Phases {
    fn new() -> Phases {
        Phases {
            on: std::env::var_os("LABSITE_TIMINGS").is_some(),
            last: Instant::now(),
            marks: Vec::new(),
        }
    }

    fn mark(&mut self, name: &'static str) {
        if self.on {
            self.marks.push((name, self.last.elapsed().as_micros()));
            self.last = Instant::now();
        }
    }

    /// Wall time per phase, then the privacy work's share of the CPU time.
    fn report(&self, scan_ns: u64, redact_ns: u64) {
        if self.on {
            let parts: Vec<String> = self
                .marks
                .iter()
                .map(|(n, us)| format!("{n} {:.1} ms", *us as f64 / 1000.0))
                .collect();
            eprintln!("timings: {}", parts.join(", "));
            let cpu_ms = process_cpu_ms();
            let share = |ns: u64| {
                if cpu_ms > 0.0 {
                    ns as f64 / 1e6 / cpu_ms * 100.0
                } else {
                    0.0
                }
            };
            eprintln!(
                "timings: CPU {cpu_ms:.0} ms; leak gate {:.0} ms ({:.1}%), redaction {:.1} ms ({:.2}%)",
                scan_ns as f64 / 1e6,
                share(scan_ns),
                redact_ns as f64 / 1e6,
                share(redact_ns)
            );
        }
    }
}

/// Where built files go: memory (serve, tests), a staging directory
/// (build), or nowhere (check). Called from many threads; every file has
/// passed the leak gate before it is emitted.
pub trait Sink: Sync {
    fn emit(&self, file: OutputFile) -> Result<(), String>;
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct MemorySink(Mutex<Vec<OutputFile>>);

impl Sink for MemorySink {
    fn emit(&self, file: OutputFile) -> Result<(), String> {
        self.0
            .lock()
            .map_err(|_| "a rendering thread panicked".to_string())?
            .push(file);
        Ok(())
    }
}

impl MemorySink {
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_default();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// Drops every file (`check`).
pub struct NullSink;

impl Sink for NullSink {
    fn emit(&self, _file: OutputFile) -> Result<(), String> {
        Ok(())
    }
}

/// A file that failed the leak gate.
struct Leak {
    path: String,
    origins: Vec<Origin>,
    terms: Vec<usize>,
}

/// Gates each file as it is made and hands the clean ones to the sink.
struct GatedSink<'a> {
    gate: &'a Gate,
    sink: &'a dyn Sink,
    leaks: Mutex<Vec<Leak>>,
    errors: Mutex<Vec<String>>,
    paths: Mutex<Vec<String>>,
    /// CPU time spent scanning, in nanoseconds, summed over threads.
    scan_ns: AtomicU64,
}

impl GatedSink<'_> {
    fn emit(&self, file: OutputFile) {
        let started = thread_cpu_ns();
        let mut terms: Vec<usize> = {
            let text = String::from_utf8_lossy(&file.bytes);
            self.gate.scan(&text).into_iter().map(|h| h.term).collect()
        };
        self.scan_ns
            .fetch_add(thread_cpu_ns().saturating_sub(started), Ordering::Relaxed);
        if let Ok(mut p) = self.paths.lock() {
            p.push(file.path.clone());
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
        if let Err(e) = self.sink.emit(file)
            && let Ok(mut errs) = self.errors.lock()
        {
            errs.push(e);
        }
    }
}

/// CPU time of the calling thread, in nanoseconds: what a phase costs,
/// whatever else the machine is doing.
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime fills the struct it is given.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return 0;
    }
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// User + system CPU time of this process so far, in milliseconds.
fn process_cpu_ms() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

/// Load, check, render and gate a site, in memory.
pub fn build_site(root: &Path, opts: &BuildOptions) -> Result<Built, BuildError> {
    let sink = MemorySink::default();
    let mut built = build_site_into(root, opts, &sink)?;
    built.files = sink.into_files();
    Ok(built)
}

/// Load, check, render and gate a site, handing each file to `sink` as soon
/// as it has passed the gate. On an error the sink may hold some files: the
/// caller discards them (nothing reaches the output directory).
pub fn build_site_into(
    root: &Path,
    opts: &BuildOptions,
    sink: &dyn Sink,
) -> Result<Built, BuildError> {
    let started = Instant::now();
    let mut phases = Phases::new();
    let now = opts.now.unwrap_or_else(Utc::now);
    let site = load_site(root, &opts.load)?;
    phases.mark("load");
    let urls = Urls::new(&site.config.base_url);

    let (terms, mut diags) = collect_terms(&site);
    let theme = match Theme::load(&site) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    let Some(theme) = theme.filter(|_| diags.is_empty()) else {
        return Err(BuildError::Content(diags));
    };
    phases.mark("terms+theme");
    let cfg = &site.config;
    let redactor = Redactor::new(&terms);
    let allow: Vec<String> = cfg.privacy.allow.iter().map(|a| a.term.clone()).collect();
    let gate = Gate::new(&terms, &allow);
    phases.mark("automata");

    let public = PublicSite::new(&site, &urls, now, &theme.words).map_err(|errs| {
        BuildError::Content(
            errs.into_iter()
                .map(|e| {
                    let file = site
                        .labs
                        .iter()
                        .find(|l| l.record.id == e.lab)
                        .map(|l| l.record.file.clone());
                    Diagnostic::error(e.message, file.map(|f| Loc::yaml(&f, "date", false)))
                        .with_help("choose a time that exists in the site's time zone")
                })
                .collect(),
        )
    })?;
    let highlights = public.highlights(&redactor);
    let common = common_context(
        &site,
        &theme,
        &urls,
        public.has_series_program(),
        !highlights.is_empty(),
        &opts.live_reload_html,
    );
    let out = GatedSink {
        gate: &gate,
        sink,
        leaks: Mutex::new(Vec::new()),
        errors: Mutex::new(Vec::new()),
        paths: Mutex::new(Vec::new()),
        scan_ns: AtomicU64::new(0),
    };
    let render_errors: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    let render = |page: &PageSpec| match theme.render_page(page, &common) {
        Ok(html) => out.emit(OutputFile {
            path: page.path.clone(),
            bytes: html.into_bytes(),
            origins: page.origins.clone(),
        }),
        Err(d) => {
            if let Ok(mut e) = render_errors.lock() {
                e.push(d);
            }
        }
    };

    // Each lab: its pages, calendar and assets, rendered, gated and emitted
    // in parallel; only the feed's few entries are kept.
    let per_lab: Vec<(usize, PrivacyStats, Option<String>, Vec<Diagnostic>)> = (0..site.labs.len())
        .into_par_iter()
        .map(|i| {
            let lab = &site.labs[i];
            let lab_out = public.lab_output(i, &redactor);
            let mut diags = Vec::new();
            if let Some(doc) = &lab.report {
                // The report page is at labs/<id>/: two folders below the root.
                for link in lab_out.dotted_links.iter().filter(|l| crate::render::markdown::climbs_out(l, 2)) {
                    diags.push(
                        Diagnostic::error(format!("the link `{link}` points outside the site"), Some(Loc::file(&doc.file)))
                            .with_help("link to files beside report.md, or to a page of the site with a path starting with `/`"),
                    );
                }
            }
            for page in &lab_out.pages {
                render(page);
            }
            if let Some(ics) = calendar_file(&public.labs[i], cfg, &urls, now) {
                out.emit(ics);
            }
            for a in &lab.assets {
                match std::fs::read(&a.path) {
                    Ok(bytes) => out.emit(OutputFile {
                        path: format!("labs/{}/{}", lab.record.id, a.rel),
                        bytes,
                        origins: vec![Origin::Lab(lab.record.id.clone())],
                    }),
                    Err(e) => {
                        if let Ok(mut errs) = out.errors.lock() {
                            errs.push(format!("{}: {e}", a.path.display()));
                        }
                    }
                }
            }
            let pages = lab_out.pages.len();
            (pages, lab_out.stats, lab_out.feed_html, diags)
        })
        .collect();
    let mut stats = PrivacyStats::default();
    let mut pages = 0;
    let mut feed_entries = Vec::new();
    for (i, (n, s, feed, d)) in per_lab.into_iter().enumerate() {
        pages += n;
        stats.add(&s);
        diags.extend(d);
        if let Some(html) = feed {
            feed_entries.push(public.feed_entry(i, html));
        }
    }
    let site_pages = public.site_pages(highlights);
    pages += site_pages.len();
    site_pages.par_iter().for_each(render);
    phases.mark("render+gate");

    let site_origin = vec![Origin::Site];
    let generator = format!("labsite {}", env!("CARGO_PKG_VERSION"));
    let author = if cfg.organizer.name.is_empty() {
        &cfg.title
    } else {
        &cfg.organizer.name
    };
    let feed = feeds::atom(
        &FeedInfo {
            title: &cfg.title,
            description: &cfg.description,
            author,
            lang: cfg.language.code(),
            generator: &generator,
        },
        &feed_entries,
        &urls,
    );
    let mut all_origins = site_origin.clone();
    all_origins.extend(feed_entries.iter().map(|(l, _)| Origin::Lab(l.id.clone())));
    out.emit(OutputFile {
        path: "feed.xml".into(),
        bytes: feed.into_bytes(),
        origins: all_origins,
    });
    let html_paths: Vec<String> = out
        .paths
        .lock()
        .map(|p| p.iter().filter(|p| p.ends_with(".html")).cloned().collect())
        .unwrap_or_default();
    out.emit(OutputFile {
        path: "sitemap.xml".into(),
        bytes: feeds::sitemap(&html_paths, &urls).into_bytes(),
        origins: site_origin.clone(),
    });
    out.emit(OutputFile {
        path: "robots.txt".into(),
        bytes: feeds::robots(&urls).into_bytes(),
        origins: site_origin.clone(),
    });
    for (rel, bytes) in &theme.static_files {
        out.emit(OutputFile {
            path: rel.clone(),
            bytes: bytes.clone(),
            origins: site_origin.clone(),
        });
    }
    phases.mark("feeds+static");
    phases.report(out.scan_ns.load(Ordering::Relaxed), stats.redact_ns);

    let mut render_errors = render_errors.into_inner().unwrap_or_default();
    if !render_errors.is_empty() {
        // One broken template fails every page: report each template once.
        render_errors.sort_by(|a, b| a.message.cmp(&b.message));
        render_errors.dedup_by(|a, b| {
            a.message.split(" failed to render").next()
                == b.message.split(" failed to render").next()
        });
        diags.extend(render_errors);
    }
    let mut paths = out.paths.into_inner().unwrap_or_default();
    paths.sort();
    if let Some(w) = paths.windows(2).find(|w| w[0] == w[1]) {
        diags.push(Diagnostic::error(
            format!("two sources write the same output file `{}`", w[0]),
            None,
        ));
    }
    let leaks = out.leaks.into_inner().unwrap_or_default();
    diags.extend(leak_diagnostics(
        &gate,
        &terms,
        leaks,
        &site,
        opts.show_terms,
    ));
    if !diags.is_empty() {
        return Err(BuildError::Content(diags));
    }
    let io_errors = out.errors.into_inner().unwrap_or_default();
    if !io_errors.is_empty() {
        return Err(BuildError::Io(io_errors.join("\n")));
    }
    Ok(Built {
        files: Vec::new(),
        pages,
        stats,
        warnings: site.warnings,
        elapsed_ms: started.elapsed().as_millis(),
    })
}

/// The `.ics` of a lab that recruits.
fn calendar_file(
    pl: &PublicLab,
    cfg: &crate::source::site::SiteConfig,
    urls: &Urls,
    now: DateTime<Utc>,
) -> Option<OutputFile> {
    pl.recruitment.as_ref()?;
    let (_, _, recruit_p, ics_p) = lab_paths(&pl.id);
    let host = urls
        .base_url()
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("labsite");
    let uid = format!("lab-{}@{}", pl.id, host);
    let page_url = urls.absolute(&recruit_p);
    let location = if pl.venue.online {
        if pl.venue.name.is_empty() {
            "Online".to_string()
        } else {
            format!("{} (online)", pl.venue.name)
        }
    } else if pl.venue.address.is_empty() {
        pl.venue.name.clone()
    } else {
        format!("{} {}", pl.venue.name, pl.venue.address)
            .trim()
            .to_string()
    };
    let description = format!("{}\n{}", pl.summary, page_url).trim().to_string();
    let ics = crate::render::ics::calendar(&crate::render::ics::CalendarEvent {
        uid: &uid,
        summary: &pl.title,
        description: &description,
        location: &location,
        url: &page_url,
        start: pl.start_utc,
        end: pl.end_utc,
        tz: cfg.timezone,
        stamp: now,
        cancelled: pl.status == "cancelled",
        organizer_name: &cfg.organizer.name,
        organizer_email: &cfg.organizer.email,
    });
    Some(OutputFile {
        path: ics_p,
        bytes: ics.into_bytes(),
        origins: vec![Origin::Lab(pl.id.clone())],
    })
}

/// Each file that failed the gate becomes an error naming the term's owner,
/// the output file and the sources that contain the term.
fn leak_diagnostics(
    gate: &Gate,
    terms: &[IdentityTerm],
    mut leaks: Vec<Leak>,
    site: &Site,
    show_terms: bool,
) -> Vec<Diagnostic> {
    leaks.sort_by(|a, b| a.path.cmp(&b.path));
    let mut diags = Vec::new();
    let mut source_cache: HashMap<(usize, String), Vec<Loc>> = HashMap::new();
    for f in &leaks {
        for &t in &f.terms {
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
            let mut d = Diagnostic::error(format!("leak gate: `{}` contains an identity term of {owner}{what}", f.path), None)
                .with_help("remove the name from the source, or, if it is not identifying, add it to `privacy.allow` in site.yaml with a reason");
            let sources = source_cache
                .entry((t, f.path.clone()))
                .or_insert_with(|| find_sources(gate, t, &f.origins, site));
            for loc in sources.iter().take(5) {
                d = d.with_note("the term comes from here", Some(loc.clone()));
            }
            if sources.is_empty() {
                d = d.with_note("no source file contains it as written: it may come from a template or a theme file", None);
            }
            d.hide_source = !show_terms;
            diags.push(d);
        }
    }
    diags
}

/// Source files that put term `t` into a page: Markdown and YAML of the
/// page's origins, outside the private parts of `lab.yaml`.
fn find_sources(gate: &Gate, t: usize, origins: &[Origin], site: &Site) -> Vec<Loc> {
    let mut candidates: Vec<(std::sync::Arc<SourceFile>, bool)> =
        vec![(site.config.file.clone(), false)];
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
                if let Some(l) = site.labs.iter().find(|l| &l.record.id == id) {
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
        }
    }
    let mut locs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (file, is_lab) in candidates {
        if !seen.insert(file.path.clone()) {
            continue;
        }
        let private = if is_lab {
            private_line_ranges(&file)
        } else {
            Vec::new()
        };
        for hit in gate.scan(&file.text) {
            if hit.term != t {
                continue;
            }
            let before = &file.text[..hit.original.start];
            let line = before.matches('\n').count() + 1;
            if private.iter().any(|r| r.contains(&line)) {
                continue;
            }
            let col = before
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(0)
                + 1;
            let len = file.text[hit.original.clone()].chars().count();
            locs.push(Loc::at(&file, line, col, len));
        }
    }
    locs
}

/// Lines of `participants` and `survey.responses` in a lab.yaml: private
/// records, where identity terms belong.
fn private_line_ranges(file: &SourceFile) -> Vec<std::ops::Range<usize>> {
    let idx = file.yaml_index();
    let total = file.text.lines().count() + 1;
    let mut out = Vec::new();
    for path in ["participants", "survey.responses"] {
        if let Some((start, _, _)) = idx.find(path, true) {
            let end = idx.next_line_after(path, start).unwrap_or(total + 1);
            out.push(start..end);
        }
    }
    out
}
