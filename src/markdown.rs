//! Markdown to HTML: tables, footnotes, strikethrough, heading anchors, and
//! site-absolute links rewritten under the base path.
//!
//! Two trust levels: `report.md` and pages are the organizers' own and may
//! carry raw HTML; Markdown fields read from YAML (program descriptions,
//! FAQ answers) have any raw HTML shown as text.
//!
//! A leaf below the stages: `source` checks a document's links with it,
//! and `public` renders organizer-written Markdown into the view.

use std::collections::{HashMap, HashSet};

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

/// A path segment as a browser reads it: `%2e` is a dot, so `%2e%2e` is
/// `..` too.
fn segment_dots(seg: &str) -> Option<usize> {
    let lower = seg.to_ascii_lowercase();
    match lower.replace("%2e", ".").as_str() {
        "." => Some(1),
        ".." => Some(2),
        _ => None,
    }
}

/// The path part of a link target, split into segments the way a browser
/// splits them (`\` counts as `/` in web addresses).
fn segments(dest: &str) -> impl Iterator<Item = &str> {
    dest.split(['?', '#'])
        .next()
        .unwrap_or("")
        .split(['/', '\\'])
}

/// Does a link target use a `..` segment (in any spelling)?
pub fn has_dot_dot(dest: &str) -> bool {
    !dest.contains("://") && segments(dest).any(|s| segment_dots(s) == Some(2))
}

/// The scheme of a link target, lower-cased, as a browser finds it (it
/// drops tabs, line breaks and leading spaces first): `javascript` for
/// `java\tscript:alert(1)`.
pub fn scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let name = &cleaned[..colon];
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    (first_ok && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .then(|| name.to_ascii_lowercase())
}

/// May a link from data (YAML) carry this target? Relative paths,
/// fragments, and web, mail and phone addresses; never `javascript:`,
/// `data:` or other schemes that run or embed something.
pub fn is_safe_link(dest: &str) -> bool {
    match scheme(dest) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto" | "tel"),
    }
}

/// Does a relative link from a page `depth` folders below the site root
/// climb above the root (`../../etc/passwd`)?
pub fn climbs_out(dest: &str, depth: i32) -> bool {
    let d = dest.trim();
    if d.contains("://") || d.starts_with(['/', '#']) || scheme(d).is_some() {
        return false;
    }
    let mut depth: i32 = depth;
    for seg in segments(d) {
        match segment_dots(seg) {
            Some(2) => depth -= 1,
            Some(_) => {}
            None if seg.is_empty() => {}
            None => depth += 1,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// Every link and image target of a Markdown text, with the byte offset
/// of its element, including `href` and `src` attributes in raw HTML: for
/// checks that point at a line.
pub fn link_targets(md: &str) -> Vec<(String, usize)> {
    links(md).into_iter().map(|l| (l.dest, l.at)).collect()
}

/// A link or image target as written in Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    /// Byte offset of the link's element in the text.
    pub at: usize,
    /// From an attribute of raw HTML: published exactly as written (a
    /// root-relative `/x` there is not put under the base path).
    pub raw: bool,
}

/// Every link and image of a Markdown text, Markdown's and raw HTML's.
pub fn links(md: &str) -> Vec<LinkRef> {
    let mut out = Vec::new();
    for (ev, range) in Parser::new_ext(md, options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.push(LinkRef {
                    dest: dest_url.to_string(),
                    at: range.start,
                    raw: false,
                });
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                for (value, at) in html_urls(&h) {
                    out.push(LinkRef {
                        dest: value,
                        at: range.start + at,
                        raw: true,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// A source link `@/<path>` (a content file, relative to `content/`) as
/// the site-relative address of that file's page, fragment kept:
/// `@/labs/<id>/lab.yaml` and `@/labs/<id>/report.md` → `labs/<id>/`,
/// `@/pages/<slug>.md` → `<slug>/`, `@/program.yaml` → `program/`.
/// `None` when `dest` is not a source link; `Some(None)` when it names no
/// file that has a page.
pub fn source_link(dest: &str) -> Option<Option<String>> {
    let rest = dest.strip_prefix("@/")?;
    let (path, fragment) = match rest.find('#') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let plain = |s: &str| !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', '?']);
    let parts: Vec<&str> = path.split('/').collect();
    // (`labs` is source's LABS_DIR and the output's lab folder alike.)
    let page = match parts.as_slice() {
        ["labs", id, "lab.yaml" | "report.md"] if plain(id) => Some(format!("labs/{id}/")),
        ["pages", file] => file
            .strip_suffix(".md")
            .filter(|slug| plain(slug))
            .map(|slug| format!("{slug}/")),
        ["program.yaml"] => Some("program/".to_string()),
        _ => None,
    };
    Some(page.map(|p| format!("{p}{fragment}")))
}

/// `href`/`src` attribute values in a piece of raw HTML, with offsets.
fn html_urls(html: &str) -> Vec<(String, usize)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    for name in ["href", "src"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(name) {
            let at = from + i;
            from = at + name.len();
            // A whole attribute name: after white space, before `=`.
            if !lower[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
                continue;
            }
            let rest = lower[from..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else {
                continue;
            };
            let rest = rest.trim_start();
            let start = lower.len() - rest.len();
            let (value_start, end) = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let v = start + 1;
                    (v, lower[v..].find(q).map(|e| v + e).unwrap_or(lower.len()))
                }
                _ => (
                    start,
                    lower[start..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map(|e| start + e)
                        .unwrap_or(lower.len()),
                ),
            };
            out.push((html[value_start..end].to_string(), at));
        }
    }
    out
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
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    // For each open link or image: was it dropped?
    let mut links_dropped: Vec<bool> = Vec::new();
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
                // Each base remembers the last suffix it tried: a report
                // with thousands of equal headings must not try every
                // suffix again for each (quadratic). Suffixes below it are
                // all taken, so the first free one is the same.
                let mut anchor = base.clone();
                let n = next_suffix.entry(base.clone()).or_insert(1usize);
                while !used.insert(anchor.clone()) {
                    anchor = format!("{base}-{n}");
                    *n += 1;
                }
                let level = shifted(level, shift);
                toc.push(TocEntry {
                    level: level_num(level),
                    id: anchor.clone(),
                    text: text.trim().to_string(),
                });
                // `# T {onclick=…}` would give the heading any attribute:
                // text from YAML gets none but its anchor.
                let (classes, attrs) = match trust {
                    Trust::Author => (classes, attrs),
                    Trust::Data => (Vec::new(), Vec::new()),
                };
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
            // A `javascript:` (or other unsafe) link from YAML: its text is
            // kept, the link dropped, with its end.
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. })
                if trust == Trust::Data && !is_safe_link(dest_url) =>
            {
                links_dropped.push(true);
            }
            // (The guard pops for every end; a kept one falls through.)
            Event::End(TagEnd::Link | TagEnd::Image) if links_dropped.pop() == Some(true) => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                links_dropped.push(false);
                out_events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: under_base(urls, dest_url),
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
                links_dropped.push(false);
                out_events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: under_base(urls, dest_url),
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
    }
}

/// A site-absolute link target (`/about/`) under the base path; others as
/// they are. (Targets that climb out of the site are refused when the
/// Markdown is loaded, with their location: `link_targets`.)
fn under_base<'a>(urls: &Urls, dest: CowStr<'a>) -> CowStr<'a> {
    if let Some(Some(page)) = source_link(&dest) {
        return CowStr::from(format!("{}{page}", urls.base_path()));
    }
    urls.rewrite_link(&dest).map(CowStr::from).unwrap_or(dest)
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
    fn data_markdown_drops_script_links_and_heading_attributes() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "<javascript:alert(1)>",
            "![x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox(1))",
            "[![i](javascript:alert(1))](javascript:alert(2))",
        ] {
            let html = render_data(md, &urls());
            // The text may stay; no element carries the address.
            assert!(
                !html.contains("href=") && !html.contains("src="),
                "{md}: {html}"
            );
            assert!(
                !html.contains("<a") && !html.contains("<img"),
                "{md}: {html}"
            );
        }
        let html = render_data(
            "[ok](https://example.org/) [m](mailto:a@b.c) [r](a/b)",
            &urls(),
        );
        assert_eq!(html.matches("<a href").count(), 3, "{html}");
        let html = render_data("# T {onclick=alert(1) .c}", &urls());
        assert!(!html.contains("onclick"), "{html}");
        // The organizers' own Markdown keeps what they wrote.
        let r = render("# T {.wide}", Trust::Author, &urls());
        assert!(r.html.contains("class=\"wide\""), "{}", r.html);
    }

    #[test]
    fn many_equal_headings_render_in_linear_time() {
        // Each heading used to try every suffix from 1 again: a report of
        // 300,000 equal headings never finished.
        let md = "## 見出し\n\n".repeat(20_000);
        let started = std::time::Instant::now();
        let r = render(&md, Trust::Author, &urls());
        assert!(started.elapsed().as_secs() < 10);
        assert_eq!(r.toc.len(), 20_000);
        assert_eq!(r.toc[19_999].id, "見出し-19999");
        // Same anchors as before: a taken suffix is skipped.
        let r = render("# a-1\n# a\n# a\n# a\n", Trust::Author, &urls());
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a-1", "a", "a-2", "a-3"]);
    }

    #[test]
    fn every_spelling_of_dot_dot_is_caught() {
        for dest in [
            "../../../etc/passwd",
            "%2e%2e/%2e%2e/%2E%2E/etc/passwd",
            "..\\..\\..\\etc\\passwd",
            ".%2e/../../x",
            "a/../../../../x?y=1",
        ] {
            assert!(has_dot_dot(dest), "{dest}");
            assert!(climbs_out(dest, 2), "{dest}");
        }
        for dest in [
            "../x",
            "./a/../b",
            "https://e.org/../../..",
            "/../../x",
            "#..",
            "mailto:a@b",
        ] {
            assert!(!climbs_out(dest, 2), "{dest}");
        }
    }

    #[test]
    fn link_targets_have_offsets_and_include_raw_html() {
        let md = "a\n\n[x](../y)\n\n<img alt=\"\" src=\"../../z.png\">\n\n<a HREF='q'>";
        let got = link_targets(md);
        assert_eq!(got[0], ("../y".to_string(), 3));
        assert!(
            got.iter()
                .any(|(d, at)| d == "../../z.png" && md[*at..].starts_with("src")),
            "{got:?}"
        );
        assert!(got.iter().any(|(d, _)| d == "q"), "{got:?}");
    }

    #[test]
    fn source_links_become_the_pages_of_their_files() {
        for (dest, page) in [
            ("@/labs/2027-01-21/lab.yaml", Some("labs/2027-01-21/")),
            ("@/labs/x/report.md#まとめ", Some("labs/x/#まとめ")),
            ("@/pages/about.md", Some("about/")),
            ("@/program.yaml", Some("program/")),
            ("@/labs/../lab.yaml", None),
            ("@/labs/x/photo.jpg", None),
            ("@/site.yaml", None),
        ] {
            assert_eq!(source_link(dest), Some(page.map(String::from)), "{dest}");
        }
        assert_eq!(source_link("/about/"), None);
        let r = render(
            "[next](@/labs/x/lab.yaml) [a](@/pages/about.md#team)",
            Trust::Author,
            &urls(),
        );
        assert!(r.html.contains("href=\"/lab/labs/x/\""), "{}", r.html);
        assert!(r.html.contains("href=\"/lab/about/#team\""), "{}", r.html);
        let html = render_data("[faq](@/program.yaml)", &urls());
        assert!(html.contains("href=\"/lab/program/\""), "{html}");
    }

    #[test]
    fn links_that_climb_out_are_reported() {
        let targets = link_targets("[x](../../../etc/passwd) [y](img/a.png) [z](../other/)");
        let out: Vec<_> = targets
            .iter()
            .map(|(d, _)| d)
            .filter(|l| climbs_out(l, 2))
            .collect();
        assert_eq!(out, vec!["../../../etc/passwd"]);
    }
}
