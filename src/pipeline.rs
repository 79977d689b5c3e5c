//! One way through: load → check → publicize → render → gate. `build`,
//! `check` and `serve` all run this; only what they do with the files
//! differs.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
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
use crate::public::{Origin, build_public_site, lab_paths};
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

/// Load, check, render and gate a site, in memory.
pub fn build_site(root: &Path, opts: &BuildOptions) -> Result<Built, BuildError> {
    let started = Instant::now();
    let now = opts.now.unwrap_or_else(Utc::now);
    let site = load_site(root, &opts.load)?;
    let urls = Urls::new(&site.config.base_url);

    let (terms, mut diags) = collect_terms(&site);
    let theme = match Theme::load(&site) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    for lab in &site.labs {
        if let Some(doc) = &lab.report {
            let rendered = crate::render::markdown::render(
                &doc.body,
                crate::render::markdown::Trust::Author,
                &urls,
            );
            // The report page is at labs/<id>/: two folders below the root.
            for link in rendered
                .dotted_links
                .into_iter()
                .filter(|l| crate::render::markdown::climbs_out(l, 2))
            {
                diags.push(
                    Diagnostic::error(format!("the link `{link}` points outside the site"), Some(Loc::file(&doc.file)))
                        .with_help("link to files beside report.md, or to a page of the site with a path starting with `/`"),
                );
            }
        }
    }
    let Some(theme) = theme.filter(|_| diags.is_empty()) else {
        return Err(BuildError::Content(diags));
    };

    let redactor = Redactor::new(&terms);
    let public = build_public_site(&site, &urls, now, &redactor, &theme.words).map_err(|errs| {
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

    let common = common_context(
        &site,
        &theme,
        &urls,
        public.has_series_program,
        public.has_highlights,
        &opts.live_reload_html,
    );
    let rendered: Vec<Result<OutputFile, Diagnostic>> = public
        .pages
        .par_iter()
        .map(|p| {
            theme.render_page(p, &common).map(|html| OutputFile {
                path: p.path.clone(),
                bytes: html.into_bytes(),
                origins: p.origins.clone(),
            })
        })
        .collect();
    let mut files = Vec::with_capacity(rendered.len() + 16);
    let mut errors = Vec::new();
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        // One broken template fails every page: report each template once.
        errors.sort_by(|a, b| a.message.cmp(&b.message));
        errors.dedup_by(|a, b| {
            a.message.split(" failed to render").next()
                == b.message.split(" failed to render").next()
        });
        return Err(BuildError::Content(errors));
    }
    let pages = files.len();
    let html_paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();

    let site_origin = vec![Origin::Site];
    let cfg = &site.config;
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
        &public.reports,
        &urls,
    );
    let mut all_origins = site_origin.clone();
    all_origins.extend(site.labs.iter().map(|l| Origin::Lab(l.record.id.clone())));
    files.push(OutputFile {
        path: "feed.xml".into(),
        bytes: feed.into_bytes(),
        origins: all_origins,
    });
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: feeds::sitemap(&html_paths, &urls).into_bytes(),
        origins: site_origin.clone(),
    });
    files.push(OutputFile {
        path: "robots.txt".into(),
        bytes: feeds::robots(&urls).into_bytes(),
        origins: site_origin.clone(),
    });
    for (rel, bytes) in &theme.static_files {
        files.push(OutputFile {
            path: rel.clone(),
            bytes: bytes.clone(),
            origins: site_origin.clone(),
        });
    }
    for pl in &public.labs {
        if pl.recruitment.is_some() {
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
            files.push(OutputFile {
                path: ics_p,
                bytes: ics.into_bytes(),
                origins: vec![Origin::Lab(pl.id.clone())],
            });
        }
    }
    // Assets beside report.md are published beside the lab's pages.
    let mut io_errors = Vec::new();
    for lab in &site.labs {
        for a in &lab.assets {
            match std::fs::read(&a.path) {
                Ok(bytes) => files.push(OutputFile {
                    path: format!("labs/{}/{}", lab.record.id, a.rel),
                    bytes,
                    origins: vec![Origin::Lab(lab.record.id.clone())],
                }),
                Err(e) => io_errors.push(format!("{}: {e}", a.path.display())),
            }
        }
    }
    if !io_errors.is_empty() {
        return Err(BuildError::Io(io_errors.join("\n")));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let dup = files
        .windows(2)
        .find(|w| w[0].path == w[1].path)
        .map(|w| w[0].path.clone());
    if let Some(path) = dup {
        return Err(BuildError::Content(vec![Diagnostic::error(
            format!("two sources write the same output file `{path}`"),
            None,
        )]));
    }

    let gate = Gate::new(
        &terms,
        &cfg.privacy
            .allow
            .iter()
            .map(|a| a.term.clone())
            .collect::<Vec<_>>(),
    );
    let leaks = run_gate(&gate, &terms, &files, &site, opts.show_terms);
    if !leaks.is_empty() {
        return Err(BuildError::Content(leaks));
    }
    Ok(Built {
        files,
        pages,
        stats: public.stats,
        warnings: site.warnings,
        elapsed_ms: started.elapsed().as_millis(),
    })
}

/// Scan every output file; each hit becomes an error naming the term's
/// owner, the output file and the sources that contain the term.
pub fn run_gate(
    gate: &Gate,
    terms: &[IdentityTerm],
    files: &[OutputFile],
    site: &Site,
    show_terms: bool,
) -> Vec<Diagnostic> {
    let hits: Vec<(usize, Vec<usize>)> = files
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let text = String::from_utf8_lossy(&f.bytes);
            let mut found: Vec<usize> = gate.scan(&text).into_iter().map(|h| h.term).collect();
            found.sort_unstable();
            found.dedup();
            if found.is_empty() {
                None
            } else {
                Some((i, found))
            }
        })
        .collect();
    let mut diags = Vec::new();
    let mut source_cache: HashMap<(usize, String), Vec<Loc>> = HashMap::new();
    for (i, found) in hits {
        let f = &files[i];
        for t in found {
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
