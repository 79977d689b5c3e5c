//! One way through: load → check → publicize → render → gate → sink.
//! `build`, `check` and `serve` all run this; only where the files go
//! differs. This module calls the stages in order and does no stage's
//! work itself; `session` keeps a built site for `serve`'s partial
//! rebuilds.

mod session;

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, NaiveDateTime, Utc};
use rayon::prelude::*;

pub use session::{Rebuilt, Session};

use crate::diagnostics::{Diagnostic, Loc};
use crate::gate::{GatedSink, html_ids, leak_diagnostics};
use crate::links::{self, Link};
use crate::output::{MemorySink, Sink};
use crate::privacy::gate::Gate;
use crate::privacy::redact::Redactor;
use crate::public::survey::PrivacyStats;
use crate::public::{CommonView, Origin, Page, PublicLab, PublicSite};
use crate::render::share_card::{Card, CardNotes, CardStats, ShareCards};
use crate::render::templates::{PageContext, Theme};
use crate::render::{OutputFile, charts, files};
use crate::source::terms::{allowed_terms, collect_term_table};
use crate::source::{LoadError, LoadOptions, Site, load_site};
use crate::timings::Phases;
use crate::urls::Urls;

pub struct Built {
    pub files: Vec<OutputFile>,
    pub pages: usize,
    /// Share cards drawn and taken from the cache.
    pub share_cards: CardStats,
    pub stats: PrivacyStats,
    /// What the privacy rules did in each lab, by lab id, in date order.
    pub lab_stats: Vec<(String, PrivacyStats)>,
    pub warnings: Vec<Diagnostic>,
    /// Each `privacy.allow` term found in the output, as written, and the
    /// output files it is in.
    pub allowed_published: Vec<(String, Vec<String>)>,
    /// The web links the site publishes from its content, for
    /// `check --external` (a build requests none of them).
    pub web_links: Vec<Link>,
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
    /// A `--now` without an offset: read in the site's time zone once
    /// `site.yaml` is loaded; it wins over `now`.
    pub now_local: Option<NaiveDateTime>,
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
    let (prepared, mut rendered) = full_build(root, opts, sink)?;
    let built = Built {
        files: Vec::new(),
        share_cards: rendered.share_cards.stats,
        pages: rendered.pages,
        stats: rendered.stats,
        lab_stats: rendered.lab_stats,
        warnings: with_card_warnings(&prepared.site, &rendered.share_cards.notes),
        allowed_published: rendered.allowed_published.clone(),
        web_links: std::mem::take(&mut rendered.web_links),
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
    let mut phases = Phases::start();
    let prepared = Prepared::new(root, opts, &mut phases)?;
    let all: Vec<usize> = (0..prepared.site.labs.len()).collect();
    let links = links::site_links(&prepared.site);
    let out = GatedSink::new(&prepared.gate, sink)
        .keep_ids_of(links::fragment_pages(&links, prepared.urls.base_path()));
    phases.mark("links");
    let rendered = prepared.render(&all, &out, opts, None);
    prepared.emit_sitemap(&out.paths(), &out);
    phases.mark("render+gate");
    let mut rendered = rendered?;
    let finished = prepared.finish(out, opts, &links, &[]);
    phases.mark("checks");
    phases.report();
    rendered.allowed_published = finished?;
    rendered.web_links = links::web_links(&prepared.site, links);
    Ok((prepared, rendered))
}

/// A loaded and checked site with its theme and privacy automata: what a
/// render needs, kept by `serve` between rebuilds.
struct Prepared {
    site: Site,
    theme: Theme,
    redactor: Redactor,
    gate: Gate,
    urls: Urls,
    now: DateTime<Utc>,
}

/// What a render made.
struct Rendered {
    pages: usize,
    stats: PrivacyStats,
    lab_stats: Vec<(String, PrivacyStats)>,
    share_cards: ShareCardsMade,
    /// The labs' public records, for the next partial rebuild.
    cards: Vec<PublicLab>,
    /// A partial render found a lab's public record changed.
    cards_changed: bool,
    /// Allowed terms found in the output (filled after the gate).
    allowed_published: Vec<(String, Vec<String>)>,
    /// The site's web links (filled after the links are checked).
    web_links: Vec<Link>,
}

impl Prepared {
    fn new(root: &Path, opts: &BuildOptions, phases: &mut Phases) -> Result<Prepared, BuildError> {
        let mut site = load_site(root, &opts.load)?;
        let now = match opts.now_local {
            Some(local) => crate::public::status::Now::Local(local)
                .in_zone(site.config.timezone)
                .map_err(BuildError::Io)?,
            None => opts.now.unwrap_or_else(Utc::now),
        };
        let kana = crate::source::terms::missing_kana(&site);
        site.warnings.extend(kana);
        let likely = crate::source::warnings::likely_mistakes(&site, now);
        site.warnings.extend(likely);
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
        let mut highlights = public.highlights(&self.redactor);
        for h in &mut highlights {
            charts::draw(&mut h.survey);
        }
        let common = CommonView::new(
            site,
            urls,
            &self.theme.words,
            public.has_series_program(),
            !highlights.is_empty(),
            &opts.live_reload_html,
        );
        let share = ShareCards::new(&self.theme, site, urls, !opts.skip_card_images)
            .filter(|_| !opts.no_share_cards);
        // Each thread renders in a context of its own holding the common
        // variables; a page's own variables are moved in and out of it.
        let page_context = || self.theme.page_context(&common);
        let render = |page: &Page, ctx: &mut PageContext| match self
            .theme
            .render_page_in(page, &common, ctx)
        {
            Ok(html) => out.emit(OutputFile {
                path: page.path.clone(),
                bytes: html,
                origins: page.origins.clone(),
            }),
            Err(d) => out.render_error(d),
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
            let mut site_pages = public.site_pages(&highlights);
            if let Some(share) = &share {
                emit_cards(out, share.site(site, &mut site_pages).map(|c| vec![c]));
            }
            let n = site_pages.len();
            site_pages
                .par_iter()
                .for_each_init(page_context, |ctx, page| render(page, ctx));
            n
        };
        // Each lab: its pages, calendar and assets, rendered, gated and
        // emitted in parallel.
        let lab_pages = || -> Vec<(usize, String, PrivacyStats)> {
            labs.par_iter()
                .map_init(page_context, |ctx, &i| {
                    let lab = &site.labs[i];
                    let mut lab_out = public.lab_output(i, &self.redactor);
                    if let Some(survey) = lab_out.survey_mut() {
                        charts::draw(survey);
                    }
                    let mut lab_pages = lab_out.pages();
                    if let Some(share) = &share {
                        emit_cards(out, share.lab(&public.labs[i], &mut lab_pages));
                    }
                    for page in &lab_pages {
                        render(page, ctx);
                    }
                    if let Some(ics) = files::lab_calendar(&public.labs[i], cfg, urls, now) {
                        out.emit(ics);
                    }
                    for a in &lab.assets {
                        match std::fs::read(&a.path) {
                            Ok(bytes) => out.emit(OutputFile {
                                path: format!("labs/{}/{}", lab.record.id, a.rel),
                                bytes,
                                origins: vec![Origin::Asset {
                                    lab: lab.record.id.clone(),
                                    rel: a.rel.clone(),
                                }],
                            }),
                            Err(e) => out.io_error(format!("{}: {e}", a.path.display())),
                        }
                    }
                    (lab_pages.len(), lab.record.id.clone(), lab_out.stats)
                })
                .collect()
        };
        let (site_page_count, per_lab) = rayon::join(site_pages, lab_pages);
        let mut stats = PrivacyStats::default();
        let mut pages = site_page_count;
        let mut lab_stats = Vec::with_capacity(per_lab.len());
        for (n, id, s) in per_lab {
            pages += n;
            stats.add(&s);
            lab_stats.push((id, s));
        }
        let share_cards = ShareCardsMade::from(share.as_ref());
        let cards_changed = partial && public.changed_cards();
        if site_wide || labs.iter().any(|&i| public.in_feed(i)) {
            out.emit(files::feed(cfg, &public.feed_entries(), urls));
        }
        if site_wide {
            out.emit(files::robots(urls));
            for (rel, bytes) in &self.theme.static_files {
                out.emit(OutputFile {
                    path: rel.clone(),
                    bytes: bytes.clone(),
                    origins: vec![Origin::Site],
                });
            }
        }
        Ok(Rendered {
            pages,
            stats,
            lab_stats,
            share_cards,
            cards: public.into_cards(),
            cards_changed,
            allowed_published: Vec::new(),
            web_links: Vec::new(),
        })
    }

    /// The sitemap of every HTML page in `paths`, through the gate.
    fn emit_sitemap(&self, paths: &[String], out: &GatedSink) {
        out.emit(files::sitemap(paths, &self.urls));
    }

    /// Every error the render met: broken templates, duplicate paths,
    /// leaks, broken links, I/O. `links` are checked against the files
    /// emitted and `kept` (the files of a partial rebuild that stay). On
    /// success, the allowed terms found in the output.
    fn finish(
        &self,
        out: GatedSink,
        opts: &BuildOptions,
        links: &[Link],
        kept: &[&OutputFile],
    ) -> Result<Vec<(String, Vec<String>)>, BuildError> {
        let gated = out.finish();
        let mut diags = Vec::new();
        if !links.is_empty() {
            let files: std::collections::HashSet<&str> = gated
                .paths
                .iter()
                .map(String::as_str)
                .chain(kept.iter().map(|f| f.path.as_str()))
                .collect();
            let ids = |page: &str| {
                gated.ids.get(page).cloned().or_else(|| {
                    kept.iter()
                        .find(|f| f.path == page)
                        .map(|f| html_ids(&String::from_utf8_lossy(&f.bytes)))
                })
            };
            diags.extend(links::check(links, self.urls.base_path(), &files, &ids));
        }
        let mut render_errors = gated.render_errors;
        if !render_errors.is_empty() {
            // One broken template fails every page: report each template once.
            render_errors.sort_by(|a, b| a.message.cmp(&b.message));
            render_errors.dedup_by(|a, b| {
                a.message.split(" failed to render").next()
                    == b.message.split(" failed to render").next()
            });
            diags.extend(render_errors);
        }
        let mut paths = gated.paths;
        paths.sort();
        if let Some(w) = paths.windows(2).find(|w| w[0] == w[1]) {
            diags.push(Diagnostic::error(
                format!("two sources write the same output file `{}`", w[0]),
                None,
            ));
        }
        diags.extend(leak_diagnostics(
            &self.gate,
            gated.leaks,
            &self.site,
            opts.show_terms,
        ));
        if !diags.is_empty() {
            return Err(BuildError::Content(diags));
        }
        if !gated.io_errors.is_empty() {
            return Err(BuildError::Io(gated.io_errors.join("\n")));
        }
        Ok(gated.allowed)
    }
}

/// The share cards a render made: counts, and the pages laid out with
/// the characters their fonts lack.
#[derive(Default)]
struct ShareCardsMade {
    stats: CardStats,
    notes: CardNotes,
}

impl From<Option<&ShareCards<'_>>> for ShareCardsMade {
    fn from(share: Option<&ShareCards>) -> Self {
        share.map_or_else(ShareCardsMade::default, |s| ShareCardsMade {
            stats: s.stats(),
            notes: s.take_notes(),
        })
    }
}

/// The site's warnings (its labs' too) followed by its cards' (in page
/// order).
fn with_card_warnings(site: &Site, cards: &CardNotes) -> Vec<Diagnostic> {
    site.all_warnings()
        .chain(cards.values().flatten())
        .cloned()
        .collect()
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
        Err(d) => out.render_error(d),
    }
}
