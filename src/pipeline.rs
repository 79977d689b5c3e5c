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
    IdentityTerm, ParticipantIdentity, TermOwner, TermTable, deny_terms, participant_terms,
    term_problem,
};
use crate::public::survey::PrivacyStats;
use crate::public::{Origin, PageSpec, PublicLab, PublicSite, lab_paths};
use crate::render::feeds::{self, FeedInfo};
use crate::render::share_card::{Card, CardStats, ShareCards};
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
    /// Share cards drawn and taken from the cache.
    pub share_cards: crate::render::share_card::CardStats,
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
    /// Lay share cards out and gate their text, but draw no image and
    /// touch no cache (`check`, which writes nothing).
    pub skip_card_images: bool,
    /// Make no share cards at all (`--no-share-cards`).
    pub no_share_cards: bool,
}

/// Every identity term of every lab, plus `privacy.deny`. Terms that would
/// make the gate useless are errors in the records.
pub fn collect_terms(site: &Site) -> (Vec<IdentityTerm>, Vec<Diagnostic>) {
    let mut terms = Vec::new();
    let diags = visit_terms(site, |t| t, |t| terms.push(t));
    (terms, diags)
}

/// The terms of `privacy.allow`, which the leak gate does not report.
pub fn allowed_terms(site: &Site) -> Vec<String> {
    let allow = &site.config.privacy.allow;
    allow.iter().map(|a| a.term.clone()).collect()
}

/// The table of [`collect_terms`]'s terms (same indices), made without
/// holding every term at once.
pub fn collect_term_table(site: &Site) -> (TermTable, Vec<Diagnostic>) {
    let mut table = TermTable::default();
    // The owner and the term as written are dropped on the worker threads;
    // only the normalized form comes to the (one-thread) table.
    let diags = visit_terms(
        site,
        |t| (t.normalized, t.kind),
        |(normalized, kind)| table.push(normalized, kind),
    );
    (table.finish(), diags)
}

/// Hand every usable identity term, as `map` makes it, to `visit`, in
/// order: the labs' (made and mapped in parallel, a batch of labs at a
/// time), then `privacy.deny`. Returns the errors for unusable ones.
fn visit_terms<T: Send>(
    site: &Site,
    map: impl Fn(IdentityTerm) -> T + Sync,
    mut visit: impl FnMut(T),
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for batch in site.labs.chunks(256) {
        let per_lab: Vec<(Vec<T>, Vec<Diagnostic>)> = batch
            .par_iter()
            .map(|lab| {
                let mut terms = Vec::new();
                let mut diags = Vec::new();
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
                            terms.push(map(t));
                        }
                    }
                }
                (terms, diags)
            })
            .collect();
        for (t, d) in per_lab {
            t.into_iter().for_each(&mut visit);
            diags.extend(d);
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
            visit(map(t));
        }
    }
    diags
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
    render_errors: Mutex<Vec<Diagnostic>>,
}

impl GatedSink<'_> {
    fn emit(&self, file: OutputFile) {
        let text = String::from_utf8_lossy(&file.bytes).into_owned();
        self.emit_showing(file, &text);
    }

    /// Emit `file` (an image) if `text`, what it shows, passes the gate.
    fn emit_showing(&self, file: OutputFile, text: &str) {
        let started = thread_cpu_ns();
        let mut terms: Vec<usize> = self.gate.scan(text).into_iter().map(|h| h.term).collect();
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
    let (prepared, rendered) = full_build(root, opts, sink)?;
    let built = Built {
        files: Vec::new(),
        share_cards: rendered.share_cards.stats,
        pages: rendered.pages,
        stats: rendered.stats,
        warnings: prepared.site.warnings.clone(),
        elapsed_ms: started.elapsed().as_millis(),
    };
    // Freeing the loaded site and the automaton (hundreds of MB at 10,000
    // labs, about half a second) need not hold up publishing: it happens
    // on another thread, or not at all if the process ends first.
    std::thread::spawn(move || drop((prepared, rendered.cards)));
    Ok(built)
}

/// Every page of the site, rendered and gated into `sink`: the one
/// sequence behind `build`, `check` and `serve`'s first build.
fn full_build(
    root: &Path,
    opts: &BuildOptions,
    sink: &dyn Sink,
) -> Result<(Prepared, Rendered), BuildError> {
    let mut phases = Phases::new();
    let mut prepared = Prepared::new(root, opts, &mut phases)?;
    let all: Vec<usize> = (0..prepared.site.labs.len()).collect();
    let out = prepared.gated(sink);
    let rendered = prepared.render(&all, &out, opts, None);
    let paths = out.paths.lock().map(|p| p.clone()).unwrap_or_default();
    prepared.emit_sitemap(&paths, &out);
    phases.mark("render+gate");
    let mut rendered = rendered?;
    phases.report(
        out.scan_ns.load(Ordering::Relaxed),
        rendered.stats.redact_ns,
    );
    prepared.finish(out, opts)?;
    prepared
        .site
        .warnings
        .append(&mut rendered.share_cards.warnings);
    Ok((prepared, rendered))
}

/// A loaded and checked site with its theme and privacy automata: what a
/// render needs, kept by `serve` between rebuilds.
pub struct Prepared {
    pub site: Site,
    theme: Theme,
    redactor: Redactor,
    gate: Gate,
    urls: Urls,
    now: DateTime<Utc>,
}

impl Prepared {
    fn new(root: &Path, opts: &BuildOptions, phases: &mut Phases) -> Result<Prepared, BuildError> {
        let now = opts.now.unwrap_or_else(Utc::now);
        let site = load_site(root, &opts.load)?;
        phases.mark("load");
        let urls = Urls::new(&site.config.base_url);
        let (terms, mut diags) = collect_term_table(&site);
        let allow = allowed_terms(&site);
        // The theme loads while the automaton builds (about a second, on
        // one thread, at 10,000 labs). One automaton serves both: the
        // gate's quick pass uses the redactor's, and the gate builds its
        // own exact one only if a file may leak.
        let terms_ok = diags.is_empty();
        let (theme, privacy) = rayon::join(
            || Theme::load(&site),
            || {
                terms_ok.then(|| {
                    let (redactor, gate) = rayon::join(
                        || Redactor::from_table(&terms),
                        || Gate::from_table(&terms, &allow),
                    );
                    let quick = redactor.automaton();
                    (redactor, gate.with_quick_automaton(quick))
                })
            },
        );
        drop(terms);
        let theme = match theme {
            Ok(t) => Some(t),
            Err(d) => {
                diags.extend(d);
                None
            }
        };
        let (Some(theme), Some((redactor, gate))) = (theme.filter(|_| diags.is_empty()), privacy)
        else {
            return Err(BuildError::Content(diags));
        };
        phases.mark("terms+theme+automaton");
        Ok(Prepared {
            site,
            theme,
            redactor,
            gate,
            urls,
            now,
        })
    }

    fn gated<'a>(&'a self, sink: &'a dyn Sink) -> GatedSink<'a> {
        GatedSink {
            gate: &self.gate,
            sink,
            leaks: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
            paths: Mutex::new(Vec::new()),
            scan_ns: AtomicU64::new(0),
            render_errors: Mutex::new(Vec::new()),
        }
    }

    /// Render the pages of the labs `labs` (indices into `site.labs`) and
    /// every site-wide file but the sitemap, through the gate into `out`.
    /// Returns the number of pages and what the privacy rules did.
    fn render(
        &self,
        labs: &[usize],
        out: &GatedSink,
        opts: &BuildOptions,
        cards: Option<Vec<PublicLab>>,
    ) -> Result<Rendered, BuildError> {
        let (site, urls, now) = (&self.site, &self.urls, self.now);
        let cfg = &site.config;
        let partial = cards.is_some();
        let public = PublicSite::with_cards(site, urls, now, &self.theme.words, cards, labs)
            .map_err(|errs| {
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
        let highlights = public.highlights(&self.redactor);
        let common = common_context(
            site,
            &self.theme,
            urls,
            public.has_series_program(),
            !highlights.is_empty(),
            &opts.live_reload_html,
        );
        let share = ShareCards::new(&self.theme, site, urls, !opts.skip_card_images)
            .filter(|_| !opts.no_share_cards);
        // Each thread renders in a context of its own holding the common
        // variables; a page's own variables are moved in and out of it.
        let page_context = || self.theme.page_context(&common);
        let render = |page: &PageSpec,
                      context: serde_json::Value,
                      ctx: &mut crate::render::templates::PageContext| {
            match self.theme.render_page_in(page, context, &common, ctx) {
                Ok(html) => out.emit(OutputFile {
                    path: page.path.clone(),
                    bytes: html,
                    origins: page.origins.clone(),
                }),
                Err(d) => {
                    if let Ok(mut e) = out.render_errors.lock() {
                        e.push(d);
                    }
                }
            }
        };
        // A partial rebuild whose labs' public records did not change (a
        // write-up edited, a file added) leaves every listing as it was;
        // when they changed, the caller rebuilds everything (the
        // navigation of every page may change with them).
        let site_wide = !partial;
        // The site-wide pages are rendered alongside the labs' pages: the
        // labs index alone (every lab's card) keeps a thread busy for a
        // while, a one-thread tail when it came after them.
        let site_pages = || {
            if !site_wide {
                return 0;
            }
            let mut site_pages = public.site_pages(highlights);
            if let Some(share) = &share {
                emit_cards(out, share.site(site, &mut site_pages).map(|c| vec![c]));
            }
            let n = site_pages.len();
            site_pages
                .into_par_iter()
                .for_each_init(page_context, |ctx, mut page| {
                    let context = std::mem::take(&mut page.context);
                    render(&page, context, ctx);
                });
            n
        };
        // Each lab: its pages, calendar and assets, rendered, gated and
        // emitted in parallel.
        let lab_pages = || -> Vec<(usize, PrivacyStats)> {
            labs.par_iter()
                .map_init(page_context, |ctx, &i| {
                    let lab = &site.labs[i];
                    let mut lab_out = public.lab_output(i, &self.redactor);
                    if let Some(share) = &share {
                        emit_cards(out, share.lab(&public.labs[i], &mut lab_out.pages));
                    }
                    for page in &mut lab_out.pages {
                        let context = std::mem::take(&mut page.context);
                        render(page, context, ctx);
                    }
                    if let Some(ics) = calendar_file(&public.labs[i], cfg, urls, now) {
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
                    (lab_out.pages.len(), lab_out.stats)
                })
                .collect()
        };
        let (site_page_count, per_lab) = rayon::join(site_pages, lab_pages);
        let mut stats = PrivacyStats::default();
        let mut pages = site_page_count;
        for (n, s) in per_lab {
            pages += n;
            stats.add(&s);
        }
        let share_cards = ShareCardsMade::from(share.as_ref());
        let cards_changed = partial && public.changed_cards();
        let feed = site_wide || labs.iter().any(|&i| public.in_feed(i));
        if !feed {
            return Ok(Rendered {
                pages,
                stats,
                share_cards,
                cards: public.into_cards(),
                cards_changed,
            });
        }
        let site_origin = vec![Origin::Site];
        let feed_entries = public.feed_entries();
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
            urls,
        );
        let mut all_origins = site_origin.clone();
        all_origins.extend(feed_entries.iter().map(|(l, _)| Origin::Lab(l.id.clone())));
        out.emit(OutputFile {
            path: "feed.xml".into(),
            bytes: feed.into_bytes(),
            origins: all_origins,
        });
        if site_wide {
            out.emit(OutputFile {
                path: "robots.txt".into(),
                bytes: feeds::robots(urls).into_bytes(),
                origins: site_origin.clone(),
            });
            for (rel, bytes) in &self.theme.static_files {
                out.emit(OutputFile {
                    path: rel.clone(),
                    bytes: bytes.clone(),
                    origins: site_origin.clone(),
                });
            }
        }
        Ok(Rendered {
            pages,
            stats,
            share_cards,
            cards: public.into_cards(),
            cards_changed,
        })
    }

    /// The sitemap of every HTML page in `paths`, through the gate.
    fn emit_sitemap(&self, paths: &[String], out: &GatedSink) {
        let html: Vec<String> = paths
            .iter()
            .filter(|p| p.ends_with(".html"))
            .cloned()
            .collect();
        out.emit(OutputFile {
            path: "sitemap.xml".into(),
            bytes: feeds::sitemap(&html, &self.urls).into_bytes(),
            origins: vec![Origin::Site],
        });
    }

    /// Every error the render met: broken templates, duplicate paths,
    /// leaks, I/O.
    fn finish(&self, out: GatedSink, opts: &BuildOptions) -> Result<(), BuildError> {
        let mut diags = Vec::new();
        let mut render_errors = out.render_errors.into_inner().unwrap_or_default();
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
        // The terms themselves are not kept (about 100 bytes each, 600,000
        // at 10,000 labs): a leak report makes them again, in the same
        // order, so the gate's term indices still apply.
        let terms = if leaks.is_empty() {
            Vec::new()
        } else {
            collect_terms(&self.site).0
        };
        diags.extend(leak_diagnostics(
            &self.gate,
            &terms,
            leaks,
            &self.site,
            opts.show_terms,
        ));
        if !diags.is_empty() {
            return Err(BuildError::Content(diags));
        }
        let io_errors = out.errors.into_inner().unwrap_or_default();
        if !io_errors.is_empty() {
            return Err(BuildError::Io(io_errors.join("\n")));
        }
        Ok(())
    }
}

/// What a render made.
struct Rendered {
    pages: usize,
    stats: PrivacyStats,
    share_cards: ShareCardsMade,
    /// The labs' public records, for the next partial rebuild.
    cards: Vec<PublicLab>,
    /// A partial render found a lab's public record changed.
    cards_changed: bool,
}

/// A built site kept in memory by `serve`, rebuilt in part when only a
/// lab's write-up or files change: that lab's pages and the pages that list
/// it (home, labs index, highlights, feed, sitemap) are rendered again, and
/// gated. Anything else (a lab.yaml, site.yaml, program.yaml, a page, the
/// theme) rebuilds the whole site, because it can change identity terms or
/// every page.
pub struct Session {
    root: std::path::PathBuf,
    prepared: Prepared,
    files: BTreeMap<String, OutputFile>,
    cards: Option<Vec<PublicLab>>,
    pub pages: usize,
    pub stats: PrivacyStats,
}

/// What a rebuild did.
pub struct Rebuilt {
    /// Pages rendered by this rebuild.
    pub pages: usize,
    /// Whether it was a full build.
    pub full: bool,
    pub elapsed_ms: u128,
    pub warnings: Vec<Diagnostic>,
    /// Output paths written or replaced (every path after a full build).
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
}

impl Session {
    pub fn build(root: &Path, opts: &BuildOptions) -> Result<Session, BuildError> {
        let sink = MemorySink::default();
        let (
            prepared,
            Rendered {
                pages,
                stats,
                cards,
                ..
            },
        ) = full_build(root, opts, &sink)?;
        let files = sink
            .into_files()
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        Ok(Session {
            root: root.to_path_buf(),
            prepared,
            files,
            cards: Some(cards),
            pages,
            stats,
        })
    }

    pub fn files(&self) -> &BTreeMap<String, OutputFile> {
        &self.files
    }

    pub fn warnings(&self) -> &[Diagnostic] {
        &self.prepared.site.warnings
    }

    /// The labs a change touches, when it touches nothing but labs'
    /// write-ups and files; `None` means a full build.
    fn lab_scope(&self, changed: &[String]) -> Option<Vec<usize>> {
        let mut labs = Vec::new();
        for path in changed {
            let rest = path.strip_prefix("content/labs/")?;
            let (id, file) = rest.split_once('/')?;
            if file == "lab.yaml" || file.is_empty() {
                return None;
            }
            let i = self
                .prepared
                .site
                .labs
                .iter()
                .position(|l| l.record.id == id)?;
            // A lab folder that went away (or lost its lab.yaml) changes
            // the listings: a full build.
            if !self
                .root
                .join("content/labs")
                .join(id)
                .join("lab.yaml")
                .is_file()
            {
                return None;
            }
            if !labs.contains(&i) {
                labs.push(i);
            }
        }
        (!labs.is_empty()).then_some(labs)
    }

    /// Build everything again; on an error the session is unchanged.
    fn rebuild_all(
        &mut self,
        opts: &BuildOptions,
        started: Instant,
    ) -> Result<Rebuilt, BuildError> {
        let old: Vec<String> = self.files.keys().cloned().collect();
        *self = Session::build(&self.root, opts)?;
        let removed = old
            .into_iter()
            .filter(|p| !self.files.contains_key(p))
            .collect();
        Ok(Rebuilt {
            pages: self.pages,
            full: true,
            elapsed_ms: started.elapsed().as_millis(),
            warnings: self.prepared.site.warnings.clone(),
            changed: self.files.keys().cloned().collect(),
            removed,
        })
    }

    /// Rebuild after `changed` (paths relative to the root, with `/`). On
    /// an error the session keeps its last good site.
    pub fn rebuild(
        &mut self,
        changed: &[String],
        opts: &BuildOptions,
    ) -> Result<Rebuilt, BuildError> {
        let started = Instant::now();
        let Some(labs) = self.lab_scope(changed) else {
            return self.rebuild_all(opts, started);
        };
        // Reload just those labs; the rest of the site is as it was.
        let defaults = self.prepared.site.series.clone().unwrap_or_default();
        let mut reloaded = Vec::new();
        let mut diags = Vec::new();
        for &i in &labs {
            let dir = self
                .root
                .join("content/labs")
                .join(&self.prepared.site.labs[i].record.id);
            let (lab, d) = crate::source::load_lab(
                &self.root,
                &dir,
                &defaults,
                &self.prepared.site.config,
                &opts.load,
            );
            let (errors, warnings): (Vec<_>, Vec<_>) = d
                .into_iter()
                .partition(|d| d.severity == crate::diagnostics::Severity::Error);
            diags.extend(errors);
            match lab {
                Some(lab) => reloaded.push((i, lab, warnings)),
                None if diags.is_empty() => {
                    return Err(BuildError::Io(format!("cannot reload {}", dir.display())));
                }
                None => {}
            }
        }
        if !diags.is_empty() {
            return Err(BuildError::Content(diags));
        }
        let old: Vec<_> = reloaded
            .into_iter()
            .map(|(i, lab, _)| (i, std::mem::replace(&mut self.prepared.site.labs[i], lab)))
            .collect();
        let sink = MemorySink::default();
        let cards = self.cards.take();
        let result = {
            let out = self.prepared.gated(&sink);
            let rendered = self.prepared.render(&labs, &out, opts, cards);
            // The sitemap lists every page: the ones kept and the new ones;
            // it is made again only when that list changed.
            let prefixes: Vec<String> = labs
                .iter()
                .map(|&i| format!("labs/{}/", self.prepared.site.labs[i].record.id))
                .collect();
            let kept = self
                .files
                .keys()
                .filter(|p| !prefixes.iter().any(|x| p.starts_with(x)));
            let mut paths: Vec<String> = kept.cloned().collect();
            paths.extend(out.paths.lock().map(|p| p.clone()).unwrap_or_default());
            paths.sort();
            paths.dedup();
            let before = self.files.keys().filter(|p| p.ends_with(".html"));
            if !before.eq(paths.iter().filter(|p| p.ends_with(".html"))) {
                self.prepared.emit_sitemap(&paths, &out);
            }
            rendered.and_then(|r| self.prepared.finish(out, opts).map(|_| r))
        };
        let pages = match result {
            Ok(r) if r.cards_changed => {
                // A listing changes (a report added or removed, a cover):
                // build everything, from the labs as they are now.
                return self.rebuild_all(opts, started);
            }
            Ok(r) => {
                self.cards = Some(r.cards);
                r.pages
            }
            Err(e) => {
                // The cards are rebuilt in full next time.
                for (i, lab) in old {
                    self.prepared.site.labs[i] = lab;
                }
                return Err(e);
            }
        };
        let new_files = sink.into_files();
        let mut removed = Vec::new();
        for &i in &labs {
            let prefix = format!("labs/{}/", self.prepared.site.labs[i].record.id);
            self.files.retain(|p, _| {
                let gone = p.starts_with(&prefix) && !new_files.iter().any(|f| &f.path == p);
                if gone {
                    removed.push(p.clone());
                }
                !gone
            });
        }
        // Unchanged bytes are not reported as changed.
        let mut changed = Vec::new();
        for f in new_files {
            if self
                .files
                .get(&f.path)
                .is_none_or(|old| old.bytes != f.bytes)
            {
                changed.push(f.path.clone());
                self.files.insert(f.path.clone(), f);
            }
        }
        Ok(Rebuilt {
            pages,
            full: false,
            elapsed_ms: started.elapsed().as_millis(),
            warnings: self.prepared.site.warnings.clone(),
            changed,
            removed,
        })
    }
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
            .with_help("remove the name from the source, or, if it is not identifying, add it to `privacy.allow` in site.yaml with a reason");
        let sources = find_sources(gate, t, &origins, site, &mut scanned);
        for loc in sources.iter().take(5) {
            d = d.with_note("the term comes from here", Some(loc.clone()));
        }
        if sources.is_empty() {
            d = d.with_note("no source file contains it as written: it may come from a template or a theme file", None);
        }
        d.hide_source = !show_terms;
        diags.push(d);
    }
    diags
}

/// Gate hits per source file, each file scanned once however many terms
/// and pages lead to it.
#[derive(Default)]
struct SourceScans(HashMap<std::path::PathBuf, Vec<(usize, Loc)>>);

impl SourceScans {
    fn hits(
        &mut self,
        gate: &Gate,
        file: &std::sync::Arc<SourceFile>,
        is_lab: bool,
    ) -> &[(usize, Loc)] {
        self.0.entry(file.path.clone()).or_insert_with(|| {
            let private = if is_lab {
                private_line_ranges(file)
            } else {
                Vec::new()
            };
            gate.scan(&file.text)
                .into_iter()
                .filter_map(|hit| {
                    let (line, col) = crate::source::line_col(&file.text, hit.original.start);
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
    let mut candidates: Vec<(std::sync::Arc<SourceFile>, bool)> =
        vec![(site.config.file.clone(), false)];
    let labs: HashMap<&str, &crate::source::Lab> = site
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
        }
    }
    let mut locs = Vec::new();
    let mut seen = std::collections::HashSet::new();
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

/// The share cards a render made: counts, and characters the font lacks.
#[derive(Default)]
struct ShareCardsMade {
    stats: CardStats,
    warnings: Vec<Diagnostic>,
}

impl From<Option<&ShareCards<'_>>> for ShareCardsMade {
    fn from(share: Option<&ShareCards>) -> Self {
        share.map_or_else(ShareCardsMade::default, |s| ShareCardsMade {
            stats: s.stats(),
            warnings: s.take_warnings(),
        })
    }
}

/// Share cards through the gate, which reads the text each one shows.
fn emit_cards(out: &GatedSink, cards: Result<Vec<Card>, Diagnostic>) {
    match cards {
        Ok(cards) => {
            for c in cards {
                let file = OutputFile {
                    path: c.path,
                    bytes: c.png,
                    origins: c.origins,
                };
                out.emit_showing(file, &c.svg);
            }
        }
        Err(d) => {
            if let Ok(mut e) = out.render_errors.lock() {
                e.push(d);
            }
        }
    }
}
