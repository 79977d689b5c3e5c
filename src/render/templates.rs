//! The theme: Tera templates (the site's `templates/` overriding the
//! theme's by name), static files and UI strings. Templates are parsed once
//! per build; every page is rendered with the common variables described in
//! `docs/theme.md` plus the page's own context from the public view.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};
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
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file()
            || name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
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
                if let Err(e) = tera::Template::new(tpl, None, &text) {
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
                        Diagnostic::error(format!("template syntax error in `{tpl}`"), Some(loc))
                            .with_help(if detail.is_empty() {
                                "check the Tera syntax near here".to_string()
                            } else {
                                detail
                            }),
                    );
                    continue;
                }
                sources.insert(tpl.to_string(), f.origin.clone());
                raw.push((tpl.to_string(), text));
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
        if let Err(e) = tera.add_raw_templates(raw) {
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
        let mut ctx = Context::new();
        ctx.insert("site", &common.site);
        ctx.insert("t", &common.words);
        ctx.insert("lang", &common.lang);
        ctx.insert("links", &common.links);
        ctx.insert("generator", &common.generator);
        ctx.insert("live_reload_html", &common.live_reload_html);
        let page_path = common.urls.path(&page.path);
        ctx.insert(
            "page",
            &json!({
                "title": page.title,
                "description": page.description,
                "url": common.urls.absolute(&page.path),
                "path": page_path,
                "og_type": page.og_type,
                "image": page.image,
                "kind": page.kind,
            }),
        );
        let nav: Vec<Value> = common
            .nav
            .iter()
            .map(|(title, path)| json!({"title": title, "path": path, "current": *path == page_path}))
            .collect();
        ctx.insert("nav", &nav);
        if let Value::Object(map) = &page.context {
            for (k, v) in map {
                ctx.insert(k.as_str(), v);
            }
        }
        self.tera.render(page.template, &ctx).map_err(|e| {
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
