//! The variables every page receives (docs/theme.md, "Variables on every
//! page"): the site's public settings, the UI strings, the navigation and
//! the site-wide links.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::paths;
use super::words::Words;
use crate::source::Site;
use crate::source::page::Menu;
use crate::urls::Urls;

/// `site`: the public settings of site.yaml.
#[derive(Clone, Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub base_path: String,
    pub language: &'static str,
    pub organizer: OrganizerView,
}

/// `site.organizer`: the contact the site publishes on purpose.
#[derive(Clone, Debug, Serialize)]
pub struct OrganizerView {
    pub name: String,
    pub url: String,
    pub email: String,
}

/// `links`: root-relative paths of the site-wide pages; `program` and
/// `highlights` are empty when the site has no such page.
#[derive(Clone, Debug, Serialize)]
pub struct Links {
    pub home: String,
    pub labs: String,
    pub program: String,
    pub highlights: String,
    pub feed: String,
    pub css: String,
}

/// One entry of `nav`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NavEntry {
    pub title: String,
    pub path: String,
    /// Whether it is the page being rendered.
    pub current: bool,
}

/// The common variables, the same for every page but `nav`'s `current`.
#[derive(Clone, Debug, Serialize)]
pub struct CommonView {
    pub site: SiteView,
    #[serde(rename = "t")]
    pub words: BTreeMap<String, String>,
    pub lang: &'static str,
    pub links: Links,
    pub nav: Vec<NavEntry>,
    /// The free pages whose front matter says `menu: footer`.
    pub footer_nav: Vec<NavEntry>,
    pub generator: String,
    pub live_reload_html: String,
    /// To make each page's `page.url` and `page.path`.
    #[serde(skip)]
    pub urls: Urls,
}

impl CommonView {
    /// The common variables of `site`; the series program and the
    /// highlights page are in the navigation when the site has them.
    pub fn new(
        site: &Site,
        urls: &Urls,
        words: &HashMap<String, String>,
        has_series_program: bool,
        has_highlights: bool,
        live_reload_html: &str,
    ) -> CommonView {
        let cfg = &site.config;
        let w = Words {
            map: words,
            lang: cfg.language,
        };
        let entry = |title: String, path: &str| NavEntry {
            title,
            path: urls.path(path),
            current: false,
        };
        let mut nav = vec![
            entry(w.get("nav_home", "ホーム", "Home"), paths::HOME),
            entry(w.get("nav_labs", "ラボ一覧", "Labs"), paths::LABS),
        ];
        if has_series_program {
            nav.push(entry(
                w.get("nav_program", "プログラム", "Program"),
                paths::SERIES_PROGRAM,
            ));
        }
        if has_highlights {
            nav.push(entry(
                w.get("nav_highlights", "アンケートから", "Survey"),
                paths::HIGHLIGHTS,
            ));
        }
        let mut footer_nav = Vec::new();
        for p in &site.pages {
            let e = entry(
                p.doc.front.title.clone().unwrap_or_else(|| p.slug.clone()),
                &paths::free_page(&p.slug),
            );
            match p.doc.front.menu {
                Menu::Main => nav.push(e),
                Menu::Footer => footer_nav.push(e),
            }
        }
        let path_if = |exists: bool, path: &str| {
            if exists {
                urls.path(path)
            } else {
                String::new()
            }
        };
        CommonView {
            site: SiteView {
                title: cfg.title.clone(),
                description: cfg.description.clone(),
                base_url: urls.base_url().to_string(),
                base_path: urls.base_path().to_string(),
                language: cfg.language.code(),
                organizer: OrganizerView {
                    name: cfg.organizer.name.clone(),
                    url: cfg.organizer.url.clone(),
                    email: cfg.organizer.email.clone(),
                },
            },
            words: words.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            lang: cfg.language.code(),
            links: Links {
                home: urls.path(paths::HOME),
                labs: urls.path(paths::LABS),
                program: path_if(has_series_program, paths::SERIES_PROGRAM),
                highlights: path_if(has_highlights, paths::HIGHLIGHTS),
                feed: urls.path(paths::FEED),
                css: urls.path(paths::CSS),
            },
            nav,
            footer_nav,
            generator: generator(),
            live_reload_html: live_reload_html.to_string(),
            urls: urls.clone(),
        }
    }

    /// `nav` with `current` set on the entries that link to `page_path`.
    pub fn nav_at(&self, page_path: &str) -> Vec<NavEntry> {
        at(&self.nav, page_path)
    }

    /// `footer_nav` with `current` set on the entries that link to
    /// `page_path`.
    pub fn footer_nav_at(&self, page_path: &str) -> Vec<NavEntry> {
        at(&self.footer_nav, page_path)
    }
}

fn at(entries: &[NavEntry], page_path: &str) -> Vec<NavEntry> {
    entries
        .iter()
        .map(|e| NavEntry {
            current: e.path == page_path,
            ..e.clone()
        })
        .collect()
}

/// `labsite <version>`, for `<meta name="generator">` and the feed.
pub fn generator() -> String {
    format!("labsite {}", env!("CARGO_PKG_VERSION"))
}
