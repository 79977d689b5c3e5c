//! The variables every page's template receives besides its own: the
//! site's settings meant for publication, the theme's words, the links and
//! the navigation.

use std::collections::BTreeMap;

use serde_json::json;

use super::templates::{CommonContext, Theme};
use crate::public::Words;
use crate::source::Site;
use crate::urls::Urls;

/// The common context of a build. `public_has_program` and
/// `has_highlights` say whether those pages exist (and so are linked);
/// `live_reload_html` is serve's snippet (empty in a build).
pub fn common_context(
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
    let theme_words = Words {
        map: &theme.words,
        lang: cfg.language,
    };
    let w = |k: &str, ja: &str, en: &str| theme_words.get(k, ja, en);
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
        generator: generator(),
        live_reload_html: live_reload_html.to_string(),
    }
}

/// `labsite <version>`, for `<meta name="generator">` and the feed.
pub fn generator() -> String {
    format!("labsite {}", env!("CARGO_PKG_VERSION"))
}
