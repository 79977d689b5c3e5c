//! The theme: Tera templates (the site's `templates/` overriding the
//! theme's by name), static files and UI strings. Templates are parsed once
//! per build, through Tera's public API only; every page is rendered with
//! the common variables described in `docs/theme.md` plus the page's own
//! variables, both typed structs of the public view serialized as they are.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Loc, SourceFile};
use crate::public::{CommonView, Page, PageContent};
use crate::render::share::{PageShare, page_share};
use crate::source::Site;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use embedded::{DEFAULT_THEME, EXAMPLE_SITE};

/// A file of the theme, from disk or built into the binary.
struct ThemeFile {
    rel: String,
    bytes: Vec<u8>,
    /// Where it came from, for error messages.
    origin: Arc<SourceFile>,
}

pub struct Theme {
    tera: Tera,
    /// Template name -> its source file.
    sources: HashMap<String, Arc<SourceFile>>,
    pub static_files: Vec<(String, Vec<u8>)>,
    pub words: HashMap<String, String>,
}

fn read_dir_files(root: &Path, site_root: &Path) -> Vec<ThemeFile> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file()
            || crate::ignore::is_ignored_file(
                entry.path().strip_prefix(root).unwrap_or(entry.path()),
            )
        {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if let Ok(bytes) = std::fs::read(entry.path()) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            out.push(ThemeFile {
                rel,
                origin: SourceFile::new(site_root, entry.path(), text),
                bytes,
            });
        }
    }
    out
}

fn parse_position(msg: &str) -> Option<(usize, usize)> {
    let i = msg.find("--> ")?;
    let rest = &msg[i + 4..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let mut it = rest[..end].split(':');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        cur = s.source();
    }
    msg
}

impl Theme {
    /// Load the site's theme. Every template with a syntax error is
    /// reported, each with its file, line and column.
    pub fn load(site: &Site) -> Result<Theme, Vec<Diagnostic>> {
        let name = &site.config.theme;
        let dir = site.root.join("themes").join(name);
        let mut files: Vec<ThemeFile> = if dir.is_dir() {
            read_dir_files(&dir, &site.root)
        } else if name == "default" {
            DEFAULT_THEME
                .iter()
                .map(|(rel, bytes)| ThemeFile {
                    rel: rel.to_string(),
                    bytes: bytes.to_vec(),
                    origin: SourceFile::new(
                        Path::new(""),
                        &PathBuf::from(format!("(built-in theme)/{rel}")),
                        String::from_utf8_lossy(bytes).into_owned(),
                    ),
                })
                .collect()
        } else {
            let mut themes: Vec<String> = std::fs::read_dir(site.root.join("themes"))
                .map(|rd| {
                    rd.flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            themes.push("default".into());
            themes.sort();
            themes.dedup();
            return Err(vec![
                Diagnostic::error(
                    format!("unknown theme `{name}`"),
                    Some(Loc::yaml(&site.config.file, "theme", false)),
                )
                .with_help(format!(
                    "there is no themes/{name}/ folder; available: {}",
                    themes.join(", ")
                )),
            ]);
        };
        // The site's own templates override the theme's by name.
        let overrides = site.root.join("templates");
        if overrides.is_dir() {
            for f in read_dir_files(&overrides, &site.root) {
                let rel = format!("templates/{}", f.rel);
                files.retain(|x| x.rel != rel);
                files.push(ThemeFile { rel, ..f });
            }
        }

        let mut diags = Vec::new();
        let mut templates = Vec::new();
        let mut static_files = Vec::new();
        let mut i18n: HashMap<String, HashMap<String, String>> = HashMap::new();
        for f in files {
            if let Some(tpl) = f.rel.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(&f.bytes).into_owned();
                templates.push((tpl.to_string(), text, f.origin));
            } else if let Some(rel) = f.rel.strip_prefix("static/") {
                static_files.push((rel.to_string(), f.bytes));
            } else if let Some(file) = f.rel.strip_prefix("i18n/") {
                let lang = file.trim_end_matches(".yaml").to_string();
                match crate::source::yaml::parse(&f.origin).map(|n| n.value) {
                    Ok(crate::source::yaml::Value::Mapping(m)) => {
                        let mut words = HashMap::new();
                        for (k, v) in m.iter() {
                            if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                                words.insert(k.to_string(), v.to_string());
                            }
                        }
                        i18n.insert(lang, words);
                    }
                    Ok(_) => diags.push(Diagnostic::error(
                        "UI strings must be a mapping of key: text",
                        Some(Loc::file(&f.origin)),
                    )),
                    Err(d) => diags.push(d),
                }
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        // Tera's default escaper also turns `/` into `&#x2F;`, which is
        // valid but makes every URL unreadable in the output.
        tera.set_escape_fn(escape_for_tera);
        let (syntax_errors, fit) = add_templates(&mut tera, &templates);
        for (i, e) in syntax_errors {
            diags.push(syntax_diagnostic(&templates[i].0, &templates[i].2, &e));
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        if let Err(e) = fit {
            return Err(vec![Diagnostic::error(
                format!(
                    "the theme's templates do not fit together: {}",
                    error_chain(&e)
                ),
                None,
            )]);
        }
        let sources: HashMap<String, Arc<SourceFile>> = templates
            .into_iter()
            .map(|(name, _, origin)| (name, origin))
            .collect();
        for required in [
            "base.html",
            "home.html",
            "labs.html",
            "report.html",
            "lab.html",
            "program.html",
            "recruitment.html",
            "page.html",
            "404.html",
        ] {
            if !sources.contains_key(required) {
                diags.push(Diagnostic::error(
                    format!("the theme `{name}` has no template `{required}`"),
                    None,
                ));
            }
        }
        let lang = site.config.language.code();
        let words = i18n.remove(lang).unwrap_or_default();
        if words.is_empty() {
            diags.push(Diagnostic::error(
                format!("the theme `{name}` has no UI strings for `{lang}` (i18n/{lang}.yaml)"),
                None,
            ));
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok(Theme {
            tera,
            sources,
            static_files,
            words,
        })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Render one page with the common variables.
    pub fn render_page(&self, page: &Page, common: &CommonView) -> Result<String, Diagnostic> {
        let mut ctx = self.page_context(common);
        let html = self.render_page_in(page, common, &mut ctx)?;
        // Tera writes only text from `&str`s: always UTF-8.
        Ok(String::from_utf8(html)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// A Tera context holding the common variables, to render many pages
    /// with [`Theme::render_page_in`] (one per thread): the common values
    /// are converted once, not once per page.
    pub fn page_context(&self, common: &CommonView) -> PageContext {
        PageContext {
            ctx: Context::from_serialize(common).unwrap_or_default(),
            nav_current: vec![false; common.nav.len() + common.footer_nav.len()],
            keys: Vec::new(),
            shadowed: Vec::new(),
            sizes: Vec::new(),
        }
    }

    /// Render one page in `ctx` (made by [`Theme::page_context`] from the
    /// same `common`), with the page's own variables. They are taken out
    /// again after the render, so the next page sees exactly the variables
    /// a fresh context would give it. Returns the page's bytes (UTF-8).
    pub fn render_page_in(
        &self,
        page: &Page,
        common: &CommonView,
        ctx: &mut PageContext,
    ) -> Result<Vec<u8>, Diagnostic> {
        let urls = &common.urls;
        let page_path = urls.path(&page.path);
        if common
            .nav
            .iter()
            .chain(&common.footer_nav)
            .zip(&ctx.nav_current)
            .any(|(entry, &current)| (entry.path == page_path) != current)
        {
            let nav = common.nav_at(&page_path);
            let footer_nav = common.footer_nav_at(&page_path);
            ctx.nav_current = nav.iter().chain(&footer_nav).map(|e| e.current).collect();
            ctx.ctx.insert("nav", &nav);
            ctx.ctx.insert("footer_nav", &footer_nav);
        }
        let template = page.template();
        ctx.ctx.insert(
            "page",
            &PageVariable {
                title: &page.title,
                description: &page.description,
                url: urls.absolute(&page.path),
                path: page_path,
                og_type: page.og_type.key(),
                image: &page.image,
                kind: page.kind(),
                share: page_share(page, urls, &common.site.title),
            },
        );
        // The page's own variables override the common ones of the same
        // name; those come back after the render.
        ctx.keys.clear();
        ctx.shadowed.clear();
        if let Ok(Value::Object(mut map)) = serde_json::to_value(&page.content) {
            // What render adds to the view: the recruitment page's JSON-LD.
            if let PageContent::Recruitment(r) = &page.content {
                let jsonld = super::jsonld::recruitment_jsonld(r.event);
                map.insert("jsonld".to_string(), Value::String(jsonld));
            }
            for k in map.keys() {
                if let Some(old) = ctx.ctx.remove(k) {
                    ctx.shadowed.push((k.clone(), old));
                }
                ctx.keys.push(k.clone());
            }
            if let Ok(own) = Context::from_value(Value::Object(map)) {
                ctx.ctx.extend(own);
            }
        }
        // Into a buffer about the size of the template's last page (Tera's
        // own starts at 2 KB and grows by copying), kept as bytes.
        let size = ctx
            .sizes
            .iter()
            .find(|(t, _)| *t == template)
            .map_or(0, |(_, n)| *n);
        let mut html = Vec::with_capacity(size + size / 8);
        let result = self.tera.render_to(template, &ctx.ctx, &mut html);
        match ctx.sizes.iter_mut().find(|(t, _)| *t == template) {
            Some(entry) => entry.1 = html.len(),
            None => ctx.sizes.push((template, html.len())),
        }
        for k in &ctx.keys {
            ctx.ctx.remove(k);
        }
        for (k, v) in ctx.shadowed.drain(..) {
            ctx.ctx.insert(k, &v);
        }
        result.map(|_| html).map_err(|e| {
            let loc = self.sources.get(template).map(Loc::file);
            Diagnostic::error(
                format!(
                    "template `{}` failed to render {}: {}",
                    template,
                    page.path,
                    error_chain(&e)
                ),
                loc,
            )
            .with_help("a template may only use the variables listed in docs/theme.md")
        })
    }
}

/// `page`: what templates know of the page being rendered.
#[derive(Serialize)]
struct PageVariable<'a> {
    title: &'a str,
    description: &'a str,
    /// Absolute (canonical).
    url: String,
    /// Root-relative.
    path: String,
    og_type: &'static str,
    image: &'a str,
    kind: &'static str,
    /// Links that share the page, and its image's size and text.
    share: PageShare,
}

/// Templates that are not pages (the share card's SVG).
impl Theme {
    /// Render template `name` with `ctx` alone, none of the page variables.
    /// Only `.html`, `.htm` and `.xml` templates are escaped by Tera: the
    /// caller escapes what it puts into any other.
    pub fn render_template(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera.render(name, ctx).map_err(|e| {
            Diagnostic::error(
                format!("template `{name}` failed to render: {}", error_chain(&e)),
                self.sources.get(name).map(Loc::file),
            )
            .with_help("a template may only use the variables listed in docs/theme.md")
        })
    }
}

/// The common variables of every page, in a context reused from page to
/// page (see [`Theme::page_context`]).
pub struct PageContext {
    ctx: Context,
    /// `current` of each navigation entry as `nav` holds it now.
    nav_current: Vec<bool>,
    /// The variables of the page being rendered.
    keys: Vec<String>,
    /// Common variables a page's own variable of the same name hides.
    shadowed: Vec<(String, Value)>,
    /// Bytes of the last page rendered with each template.
    sizes: Vec<(&'static str, usize)>,
}

/// Add `templates` (name, text, source) to `tera`, each parsed once.
/// `Tera::add_raw_templates` stops at the first template that does not
/// parse, so the templates after it are added by another call, until every
/// syntax error is found. Returns the syntax errors (by index into
/// `templates`) and, when every template parsed, whether they fit together
/// (inheritance chains and macro imports).
fn add_templates(
    tera: &mut Tera,
    templates: &[(String, String, Arc<SourceFile>)],
) -> (Vec<(usize, tera::Error)>, tera::Result<()>) {
    let mut errors = Vec::new();
    let mut next = 0;
    loop {
        let rest = &templates[next..];
        let result = tera.add_raw_templates(rest.iter().map(|(name, text, _)| (name, text)));
        let Err(e) = result else {
            return (errors, Ok(()));
        };
        // Tera names the template that failed to parse in its message.
        let failed = rest
            .iter()
            .position(|(name, ..)| e.to_string() == format!("Failed to parse '{name}'"));
        match failed {
            Some(i) => {
                errors.push((next + i, e));
                next += i + 1;
            }
            // Every template parsed: the error is about how they fit.
            None => return (errors, Err(e)),
        }
    }
}

/// A template that does not parse, at the line and column Tera gives.
fn syntax_diagnostic(name: &str, origin: &Arc<SourceFile>, e: &tera::Error) -> Diagnostic {
    let msg = error_chain(e);
    let loc = match parse_position(&msg) {
        Some((l, c)) => Loc::at(origin, l, c, 1),
        None => Loc::file(origin),
    };
    let detail = msg
        .lines()
        .filter(|l| l.trim_start().starts_with("= "))
        .map(|l| l.trim_start().trim_start_matches("= "))
        .collect::<Vec<_>>()
        .join("; ");
    Diagnostic::error(format!("template syntax error in `{name}`"), Some(loc)).with_help(
        if detail.is_empty() {
            "check the Tera syntax near here".to_string()
        } else {
            detail
        },
    )
}

fn escape_for_tera(s: &str) -> String {
    crate::render::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::common::{Links, NavEntry, OrganizerView, SiteView};
    use crate::public::lab::tests::card;
    use crate::public::pages::{
        HomePage, LabsPage, NotFoundPage, OgType, Origin, ProgramPage, ReportPage,
    };
    use crate::public::survey::{PublicSurvey, ShownSurvey};
    use crate::public::{ProgramView, PublicLab};
    use crate::source::lab::LabStatus;
    use crate::urls::Urls;

    fn theme() -> Theme {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_for_tera);
        let text = "{{ page.kind }}|{{ page.path }}|{{ site.title }}|{{ t.hello }}|{{ lang }}|\
             {% for n in nav %}{{ n.title }}={{ n.current }};{% endfor %}\
             {% for n in footer_nav %}F{{ n.title }}={{ n.current }};{% endfor %}|\
             {% if survey %}survey={{ survey.respondents }}{% endif %}|\
             {% if lab %}{{ lab.title }}{% endif %}|{{ links.home }}|{{ generator }}|\
             {{ live_reload_html | safe }}";
        let names = [
            "home.html",
            "labs.html",
            "report.html",
            "program.html",
            "404.html",
        ];
        tera.add_raw_templates(names.iter().map(|n| (*n, text)))
            .unwrap();
        Theme {
            tera,
            sources: HashMap::new(),
            static_files: Vec::new(),
            words: HashMap::new(),
        }
    }

    fn common() -> CommonView {
        let urls = Urls::new("https://example.org/lab/");
        let nav = |title: &str, path: &str| NavEntry {
            title: title.into(),
            path: urls.path(path),
            current: false,
        };
        CommonView {
            site: SiteView {
                title: "T<&>".into(),
                description: String::new(),
                base_url: urls.base_url().into(),
                base_path: urls.base_path().into(),
                language: "ja",
                organizer: OrganizerView {
                    name: String::new(),
                    url: String::new(),
                    email: String::new(),
                },
            },
            words: [("hello".to_string(), "やあ".to_string())].into(),
            lang: "ja",
            links: Links {
                home: urls.path("index.html"),
                labs: urls.path("labs/index.html"),
                program: String::new(),
                highlights: String::new(),
                feed: urls.path("feed.xml"),
                css: urls.path("style.css"),
            },
            nav: vec![nav("Home", "index.html"), nav("Labs", "labs/index.html")],
            footer_nav: vec![nav("Gone", "404.html")],
            generator: "labsite x".into(),
            live_reload_html: "<script></script>".into(),
            urls,
        }
    }

    fn page<'a>(path: &str, content: PageContent<'a>) -> Page<'a> {
        Page {
            path: path.into(),
            title: "t".into(),
            description: String::new(),
            og_type: OgType::Website,
            image: String::new(),
            origins: vec![Origin::Site],
            content,
        }
    }

    fn templates(set: &[(&str, &str)]) -> Vec<(String, String, Arc<SourceFile>)> {
        set.iter()
            .map(|(name, text)| {
                let file = SourceFile::new(Path::new(""), Path::new(name), text.to_string());
                (name.to_string(), text.to_string(), file)
            })
            .collect()
    }

    /// Templates added through `add_templates` behave as templates added
    /// with one `add_raw_templates`, and every template that does not
    /// parse is reported, not only the first.
    #[test]
    fn templates_added_once_work_like_raw_ones() {
        let sets: [&[(&str, &str)]; 4] = [
            &[
                ("base.html", "<b>{% block c %}base{% endblock c %}</b>"),
                (
                    "p.html",
                    "{% extends \"base.html\" %}{% block c %}{{ x }}{% include \"i.html\" %}{% endblock c %}",
                ),
                ("i.html", "[{{ x | upper }}]"),
            ],
            &[("p.html", "{% extends \"missing.html\" %}")],
            &[
                ("p.html", "{% extends \"q.html\" %}"),
                ("q.html", "{% extends \"p.html\" %}"),
            ],
            &[("p.html", "{% import \"m.html\" as m %}{{ m::f() }}")],
        ];
        let mut ctx = Context::new();
        ctx.insert("x", "a<b");
        for set in sets {
            let mut raw = Tera::default();
            let from_source = raw.add_raw_templates(set.iter().copied());
            let mut added = Tera::default();
            let (syntax, from_added) = add_templates(&mut added, &templates(set));
            assert!(syntax.is_empty(), "{set:?}");
            // (Which template of a cycle an error names depends on a
            // HashMap's order, in either case.)
            let message = |r: &tera::Result<()>| {
                r.as_ref()
                    .map_err(|e| {
                        error_chain(e)
                            .split(" for template")
                            .next()
                            .map(str::to_string)
                    })
                    .err()
            };
            assert_eq!(message(&from_added), message(&from_source), "{set:?}");
            assert_eq!(from_source.is_ok(), set.len() == 3, "{set:?}");
            if from_source.is_ok() {
                assert_eq!(
                    added.render("p.html", &ctx).unwrap(),
                    raw.render("p.html", &ctx).unwrap()
                );
            }
        }
        let broken = templates(&[
            ("a.html", "{{ x }}"),
            ("b.html", "{% if %}"),
            ("c.html", "{% extends \"a.html\" %}"),
            ("d.html", "{{ x"),
            ("e.html", "e"),
        ]);
        let mut tera = Tera::default();
        let (syntax, _) = add_templates(&mut tera, &broken);
        let failed: Vec<usize> = syntax.iter().map(|(i, _)| *i).collect();
        assert_eq!(failed, [1, 3]);
        let d = syntax_diagnostic(&broken[3].0, &broken[3].2, &syntax[1].1);
        assert_eq!(d.message, "template syntax error in `d.html`");
    }

    fn program() -> ProgramView {
        ProgramView {
            concept: String::new(),
            total_minutes: 0,
            parts: Vec::new(),
            framework: None,
        }
    }

    fn survey(respondents: usize) -> PublicSurvey {
        PublicSurvey::Shown(ShownSurvey {
            respondents,
            questions: Vec::new(),
            quotes: Vec::new(),
            takeaways: Vec::new(),
            industries: Vec::new(),
        })
    }

    fn report<'a>(
        lab: &'a PublicLab,
        program: &'a ProgramView,
        survey: Option<&'a PublicSurvey>,
    ) -> PageContent<'a> {
        PageContent::Report(ReportPage {
            lab,
            report_html: "",
            toc: &[],
            program,
            survey,
            next_lab: None,
        })
    }

    /// A reused context gives each page what a fresh one gives it: no
    /// variable of the page before, the right `nav.current`, the common
    /// variables as they were.
    #[test]
    fn reused_context_renders_like_a_fresh_one() {
        let theme = theme();
        let common = common();
        let (a, b, c) = (
            card("a", "A", LabStatus::Held),
            card("b", "B", LabStatus::Held),
            card("c", "C", LabStatus::Held),
        );
        let labs = [a.clone()];
        let (program, survey) = (program(), survey(1));
        let pages = [
            page("labs/a/index.html", report(&a, &program, Some(&survey))),
            page(
                "index.html",
                PageContent::Home(HomePage {
                    concept: "",
                    next_lab: None,
                    reports: Vec::new(),
                    upcoming: Vec::new(),
                }),
            ),
            page(
                "labs/b/program/index.html",
                PageContent::Program(ProgramPage {
                    lab: &b,
                    program: &program,
                }),
            ),
            page(
                "labs/index.html",
                PageContent::Labs(LabsPage {
                    labs: &labs,
                    planned: Vec::new(),
                }),
            ),
            page("404.html", PageContent::NotFound(NotFoundPage {})),
            page("labs/c/index.html", report(&c, &program, None)),
        ];
        let mut ctx = theme.page_context(&common);
        let mut seen = Vec::new();
        for p in &pages {
            let fresh = theme.render_page(p, &common).unwrap();
            let reused = theme.render_page_in(p, &common, &mut ctx).unwrap();
            let reused = String::from_utf8(reused).unwrap();
            assert_eq!(reused, fresh);
            seen.push(fresh);
        }
        assert!(
            seen[0].starts_with("report|/lab/labs/a/|")
                && seen[0].contains("Home=false;Labs=false;FGone=false;|survey=1|A|"),
            "{}",
            seen[0]
        );
        assert!(
            seen[1].starts_with(
                "home|/lab/|T&lt;&amp;&gt;|やあ|ja|Home=true;Labs=false;FGone=false;||"
            )
        );
        assert!(seen[2].contains("||B|"), "{}", seen[2]);
        assert!(
            seen[3].contains("|ja|Home=false;Labs=true;FGone=false;||"),
            "{}",
            seen[3]
        );
        assert!(
            seen[4].starts_with("404|/lab/404.html|") && seen[4].contains("FGone=true;|"),
            "{}",
            seen[4]
        );
        assert!(
            seen[5].contains("|ja|Home=false;Labs=false;FGone=false;||C|"),
            "{}",
            seen[5]
        );
        assert!(
            seen[5].ends_with("|/lab/|labsite x|<script></script>"),
            "{}",
            seen[5]
        );
    }
}
