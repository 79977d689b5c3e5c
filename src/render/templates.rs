//! The theme: Tera templates (the site's `templates/` overriding the
//! theme's by name), static files and UI strings. Templates are parsed once
//! per build; every page is rendered with the common variables described in
//! `docs/theme.md` plus the page's own context from the public view.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value, json};
use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Loc, SourceFile};
use crate::public::PageSpec;
use crate::source::Site;
use crate::urls::Urls;

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
        let mut raw = Vec::new();
        let mut sources = HashMap::new();
        let mut static_files = Vec::new();
        let mut i18n: HashMap<String, HashMap<String, String>> = HashMap::new();
        for f in files {
            if let Some(tpl) = f.rel.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(&f.bytes).into_owned();
                let parsed = match tera::Template::new(tpl, None, &text) {
                    Ok(parsed) => parsed,
                    Err(e) => {
                        let msg = error_chain(&e);
                        let loc = match parse_position(&msg) {
                            Some((l, c)) => Loc::at(&f.origin, l, c, 1),
                            None => Loc::file(&f.origin),
                        };
                        let detail = msg
                            .lines()
                            .filter(|l| l.trim_start().starts_with("= "))
                            .map(|l| l.trim_start().trim_start_matches("= "))
                            .collect::<Vec<_>>()
                            .join("; ");
                        diags.push(
                            Diagnostic::error(
                                format!("template syntax error in `{tpl}`"),
                                Some(loc),
                            )
                            .with_help(if detail.is_empty() {
                                "check the Tera syntax near here".to_string()
                            } else {
                                detail
                            }),
                        );
                        continue;
                    }
                };
                sources.insert(tpl.to_string(), f.origin.clone());
                raw.push((tpl.to_string(), parsed));
            } else if let Some(rel) = f.rel.strip_prefix("static/") {
                static_files.push((rel.to_string(), f.bytes));
            } else if let Some(file) = f.rel.strip_prefix("i18n/") {
                let lang = file.trim_end_matches(".yaml").to_string();
                match crate::source::yaml::parse(&f.origin) {
                    Ok(serde_yaml::Value::Mapping(m)) => {
                        let mut words = HashMap::new();
                        for (k, v) in m {
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
        if !diags.is_empty() {
            return Err(diags);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        // Tera's default escaper also turns `/` into `&#x2F;`, which is
        // valid but makes every URL unreadable in the output.
        tera.set_escape_fn(escape_for_tera);
        // The templates were parsed above, each on its own to report every
        // syntax error: they go in as they are (what `add_raw_templates`
        // does after parsing them again).
        if let Err(e) = add_parsed_templates(&mut tera, raw) {
            return Err(vec![Diagnostic::error(
                format!(
                    "the theme's templates do not fit together: {}",
                    error_chain(&e)
                ),
                None,
            )]);
        }
        for required in [
            "base.html",
            "home.html",
            "labs.html",
            "report.html",
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
    pub fn render_page(
        &self,
        page: &PageSpec,
        common: &CommonContext,
    ) -> Result<String, Diagnostic> {
        let mut ctx = self.page_context(common);
        let html = self.render_page_in(page, page.context.clone(), common, &mut ctx)?;
        // Tera writes only text from `&str`s: always UTF-8.
        Ok(String::from_utf8(html)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// A Tera context holding the common variables, to render many pages
    /// with [`Theme::render_page_in`] (one per thread): the common values
    /// are converted once, not once per page.
    pub fn page_context(&self, common: &CommonContext) -> PageContext {
        let mut ctx = Context::new();
        ctx.insert("site", &common.site);
        ctx.insert("t", &common.words);
        ctx.insert("lang", &common.lang);
        ctx.insert("links", &common.links);
        ctx.insert("generator", &common.generator);
        ctx.insert("live_reload_html", &common.live_reload_html);
        let nav_current = vec![false; common.nav.len()];
        ctx.insert("nav", &nav_value(common, &nav_current));
        PageContext {
            ctx,
            nav_current,
            keys: Vec::new(),
            shadowed: Vec::new(),
            sizes: Vec::new(),
        }
    }

    /// Render one page in `ctx` (made by [`Theme::page_context`] from the
    /// same `common`), with `context` as the page's own variables (moved
    /// in, not copied). The page's variables are taken out again after the
    /// render, so the next page sees exactly the variables a fresh context
    /// would give it. Returns the page's bytes (UTF-8).
    pub fn render_page_in(
        &self,
        page: &PageSpec,
        context: Value,
        common: &CommonContext,
        ctx: &mut PageContext,
    ) -> Result<Vec<u8>, Diagnostic> {
        let page_path = common.urls.path(&page.path);
        if common
            .nav
            .iter()
            .zip(&ctx.nav_current)
            .any(|((_, path), &current)| (*path == page_path) != current)
        {
            ctx.nav_current = common.nav.iter().map(|(_, p)| *p == page_path).collect();
            let nav = nav_value(common, &ctx.nav_current);
            ctx.ctx.insert("nav", &nav);
        }
        let mut page_map = Map::new();
        let s = |v: &str| Value::String(v.to_string());
        page_map.insert("title".into(), s(&page.title));
        page_map.insert("description".into(), s(&page.description));
        page_map.insert(
            "url".into(),
            Value::String(common.urls.absolute(&page.path)),
        );
        page_map.insert("path".into(), Value::String(page_path));
        page_map.insert("og_type".into(), s(page.og_type));
        page_map.insert("image".into(), s(&page.image));
        page_map.insert("kind".into(), s(page.kind));
        page_map.insert(
            "share".into(),
            crate::render::share_card::page_share(page, &common.urls, &common.site),
        );
        ctx.ctx
            .extend(owned_context("page", Value::Object(page_map)));
        // The page's own variables override the common ones of the same
        // name; those come back after the render.
        ctx.keys.clear();
        ctx.shadowed.clear();
        if let Value::Object(map) = context {
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
            .find(|(t, _)| *t == page.template)
            .map_or(0, |(_, n)| *n);
        let mut html = Vec::with_capacity(size + size / 8);
        let result = self.tera.render_to(page.template, &ctx.ctx, &mut html);
        match ctx.sizes.iter_mut().find(|(t, _)| *t == page.template) {
            Some(entry) => entry.1 = html.len(),
            None => ctx.sizes.push((page.template, html.len())),
        }
        for k in &ctx.keys {
            ctx.ctx.remove(k);
        }
        for (k, v) in ctx.shadowed.drain(..) {
            ctx.ctx.extend(owned_context(&k, v));
        }
        result.map(|_| html).map_err(|e| {
            let loc = self.sources.get(page.template).map(Loc::file);
            Diagnostic::error(
                format!(
                    "template `{}` failed to render {}: {}",
                    page.template,
                    page.path,
                    error_chain(&e)
                ),
                loc,
            )
            .with_help("a template may only use the variables listed in docs/theme.md")
        })
    }
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

/// A context of one variable, moved in (`Context::insert` copies).
fn owned_context(key: &str, value: Value) -> Context {
    let mut map = Map::new();
    map.insert(key.to_string(), value);
    Context::from_value(Value::Object(map)).unwrap_or_default()
}

fn nav_value(common: &CommonContext, current: &[bool]) -> Value {
    Value::Array(
        common
            .nav
            .iter()
            .zip(current)
            .map(|((title, path), &current)| json!({"title": title, "path": path, "current": current}))
            .collect(),
    )
}

/// `Tera::add_raw_templates` for templates already parsed: added, then
/// their inheritance chains and macro imports checked.
fn add_parsed_templates(
    tera: &mut Tera,
    parsed: Vec<(String, tera::Template)>,
) -> tera::Result<()> {
    for (name, template) in parsed {
        tera.templates.insert(name, template);
    }
    tera.build_inheritance_chains()?;
    tera.check_macro_files()
}

fn escape_for_tera(s: &str) -> String {
    crate::render::escape_html(s)
}

/// Variables shared by every page.
pub struct CommonContext {
    pub urls: Urls,
    pub site: Value,
    pub words: BTreeMap<String, String>,
    pub lang: String,
    pub links: Value,
    pub nav: Vec<(String, String)>,
    pub generator: String,
    pub live_reload_html: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::Origin;

    fn theme() -> Theme {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_for_tera);
        tera.add_raw_template(
            "p.html",
            "{{ page.kind }}|{{ page.path }}|{{ site.title }}|{{ t.hello }}|{{ lang }}|\
             {% for n in nav %}{{ n.title }}={{ n.current }};{% endfor %}|\
             {% if survey is defined %}survey={{ survey }}{% endif %}|\
             {% if lab %}{{ lab.title }}{% endif %}|{{ links.home }}|{{ generator }}|\
             {{ live_reload_html | safe }}",
        )
        .unwrap();
        Theme {
            tera,
            sources: HashMap::new(),
            static_files: Vec::new(),
            words: HashMap::new(),
        }
    }

    fn common() -> CommonContext {
        let urls = Urls::new("https://example.org/lab/");
        CommonContext {
            site: json!({"title": "T<&>"}),
            words: [("hello".to_string(), "やあ".to_string())].into(),
            lang: "ja".into(),
            links: json!({"home": urls.path("index.html")}),
            nav: vec![
                ("Home".into(), urls.path("index.html")),
                ("Labs".into(), urls.path("labs/index.html")),
            ],
            generator: "labsite x".into(),
            live_reload_html: "<script></script>".into(),
            urls,
        }
    }

    fn page(path: &str, kind: &'static str, context: Value) -> PageSpec {
        PageSpec {
            path: path.into(),
            template: "p.html",
            kind,
            title: "t".into(),
            description: String::new(),
            og_type: "website",
            image: String::new(),
            origins: vec![Origin::Site],
            context,
        }
    }

    /// Templates parsed once and added as they are behave as templates
    /// added from source.
    #[test]
    fn parsed_templates_work_like_raw_ones() {
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
            let mut parsed = Tera::default();
            let templates = set
                .iter()
                .map(|(n, t)| (n.to_string(), tera::Template::new(n, None, t).unwrap()))
                .collect();
            let from_parsed = add_parsed_templates(&mut parsed, templates);
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
            assert_eq!(message(&from_parsed), message(&from_source), "{set:?}");
            assert_eq!(from_source.is_ok(), set.len() == 3, "{set:?}");
            if from_source.is_ok() {
                assert_eq!(
                    parsed.render("p.html", &ctx).unwrap(),
                    raw.render("p.html", &ctx).unwrap()
                );
            }
        }
    }

    /// A reused context gives each page what a fresh one gives it: no
    /// variable of the page before, the right `nav.current`, the common
    /// variables back when a page hid one.
    #[test]
    fn reused_context_renders_like_a_fresh_one() {
        let theme = theme();
        let common = common();
        let pages = [
            page(
                "labs/a/index.html",
                "report",
                json!({"lab": {"title": "A"}, "survey": 1}),
            ),
            page("index.html", "home", json!({})),
            page(
                "labs/b/program/index.html",
                "program",
                json!({"lab": {"title": "B"}}),
            ),
            page(
                "labs/index.html",
                "labs",
                json!({"lang": "hidden", "survey": null}),
            ),
            page("404.html", "404", Value::Null),
            page(
                "labs/c/index.html",
                "report",
                json!({"lab": {"title": "C"}}),
            ),
        ];
        let mut ctx = theme.page_context(&common);
        let mut seen = Vec::new();
        for p in &pages {
            let fresh = theme.render_page(p, &common).unwrap();
            let reused = theme
                .render_page_in(p, p.context.clone(), &common, &mut ctx)
                .unwrap();
            let reused = String::from_utf8(reused).unwrap();
            assert_eq!(reused, fresh);
            seen.push(fresh);
        }
        assert!(
            seen[0].contains("Home=false;Labs=false;|survey=1|A|"),
            "{}",
            seen[0]
        );
        assert!(seen[1].starts_with("home|/lab/|T&lt;&amp;&gt;|やあ|ja|Home=true;Labs=false;||"));
        assert!(seen[2].contains("||B|"), "{}", seen[2]);
        assert!(
            seen[3].contains("|hidden|Home=false;Labs=true;|survey=|"),
            "{}",
            seen[3]
        );
        assert!(
            seen[5].contains("|ja|Home=false;Labs=false;||C|"),
            "{}",
            seen[5]
        );
    }
}
