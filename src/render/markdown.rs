//! Markdown to HTML: tables, footnotes, strikethrough, heading anchors, and
//! site-absolute links rewritten under the base path.
//!
//! Two trust levels: `report.md` and pages are the organizers' own and may
//! carry raw HTML; Markdown fields read from YAML (program descriptions,
//! FAQ answers) have any raw HTML shown as text.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::urls::Urls;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Raw HTML passes through.
    Author,
    /// Raw HTML is escaped.
    Data,
}

#[derive(Clone, Debug, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Relative link and image targets that use `..` (the caller knows
    /// where the page is, and checks them with [`climbs_out`]).
    pub dotted_links: Vec<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// An anchor id from heading text: letters and digits of any script kept,
/// everything else collapsed to `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

fn shifted(l: HeadingLevel, by: u8) -> HeadingLevel {
    match (level_num(l) + by).min(6) {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Does a relative link from a page `depth` folders below the site root
/// climb above the root (`../../etc/passwd`)?
pub fn climbs_out(dest: &str, depth: i32) -> bool {
    if dest.contains("://")
        || dest.starts_with('/')
        || dest.starts_with('#')
        || dest.starts_with("mailto:")
    {
        return false;
    }
    let mut depth: i32 = depth;
    for seg in dest.split(['?', '#']).next().unwrap_or("").split('/') {
        match seg {
            ".." => depth -= 1,
            "." | "" => {}
            _ => depth += 1,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// Render Markdown. Headings are shifted so the document's top level is
/// `h2` (the page's `h1` is its title).
pub fn render(md: &str, trust: Trust, urls: &Urls) -> Rendered {
    let events: Vec<Event> = Parser::new_ext(md, options()).collect();
    let top = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(level_num(*level)),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let shift = 2u8.saturating_sub(top);

    let mut out_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut toc = Vec::new();
    let mut used = HashSet::new();
    let mut escaping = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let ev = events[i].clone();
        match ev {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                // Collect the heading's text to make its anchor.
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() {
                    match &events[j] {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                    j += 1;
                }
                let base = id
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| slug(&text));
                let mut anchor = base.clone();
                let mut n = 1;
                while !used.insert(anchor.clone()) {
                    anchor = format!("{base}-{n}");
                    n += 1;
                }
                let level = shifted(level, shift);
                toc.push(TocEntry {
                    level: level_num(level),
                    id: anchor.clone(),
                    text: text.trim().to_string(),
                });
                out_events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(anchor)),
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out_events.push(Event::End(TagEnd::Heading(shifted(level, shift))))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if dest_url.split('/').any(|s| s == "..") && !dest_url.contains("://") {
                    escaping.push(dest_url.to_string());
                }
                let dest_url = urls
                    .rewrite_link(&dest_url)
                    .map(CowStr::from)
                    .unwrap_or(dest_url);
                out_events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if dest_url.split('/').any(|s| s == "..") && !dest_url.contains("://") {
                    escaping.push(dest_url.to_string());
                }
                let dest_url = urls
                    .rewrite_link(&dest_url)
                    .map(CowStr::from)
                    .unwrap_or(dest_url);
                out_events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(h) | Event::InlineHtml(h) if trust == Trust::Data => {
                out_events.push(Event::Text(h))
            }
            other => out_events.push(other),
        }
        i += 1;
    }
    let mut html_out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut html_out, out_events.into_iter());
    Rendered {
        html: html_out,
        toc,
        dotted_links: escaping,
    }
}

/// Markdown from a YAML field: raw HTML escaped.
pub fn render_data(md: &str, urls: &Urls) -> String {
    render(md, Trust::Data, urls).html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> Urls {
        Urls::new("https://example.org/lab/")
    }

    #[test]
    fn headings_get_anchors_and_shift() {
        let r = render("# 概要\n\n## 概要\n", Trust::Author, &urls());
        assert!(r.html.contains("<h2 id=\"概要\">概要</h2>"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"概要-1\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn extensions_and_links() {
        let md = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ [^1]\n\n[^1]: note\n\n[about](/about/) ![i](pic.svg)";
        let r = render(md, Trust::Author, &urls());
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>x</del>"));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.html.contains("href=\"/lab/about/\""));
        assert!(r.html.contains("src=\"pic.svg\""));
    }

    #[test]
    fn data_markdown_escapes_html() {
        let html = render_data("a <script>alert(1)</script>", &urls());
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn links_that_climb_out_are_reported() {
        let r = render(
            "[x](../../../etc/passwd) [y](img/a.png) [z](../other/)",
            Trust::Author,
            &urls(),
        );
        let out: Vec<_> = r.dotted_links.iter().filter(|l| climbs_out(l, 2)).collect();
        assert_eq!(out, vec!["../../../etc/passwd"]);
    }
}
