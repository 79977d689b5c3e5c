//! Link checking (SPEC §6): every link and image in the organizers'
//! Markdown (`report.md`, free pages, Markdown inside YAML) that points
//! inside the site must name an output file, and its `#fragment` an `id`
//! on that page. Links are checked as written, from the page they are
//! published on; external links are left alone.
//!
//! Above the gate: the targets are the files the render made, and the ids
//! are read from the pages as they pass the gate.
//!
//! External links are checked only on request (`check --external`), by
//! `external`, which the commands call after a build: never `build` or
//! `serve`, which make no request.

pub mod external;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Loc, SourceFile, Span, nearest};
use crate::markdown::{self, LinkRef};
use crate::public::paths::{self, LabPaths};
use crate::source::lab::LabStatus;
use crate::source::page::MarkdownDoc;
use crate::source::program::ProgramSpec;
use crate::source::{Lab, Site};

/// One link to check.
#[derive(Clone, Debug)]
pub struct Link {
    /// Where it is written.
    pub loc: Loc,
    /// The output file of the page it is published on.
    pub page: String,
    pub dest: String,
    /// Written in raw HTML (published exactly as written).
    pub raw: bool,
}

/// What a link points at.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Outside the site (a scheme, `//host`), or nothing to check.
    External,
    /// An output file of the site (site-relative), with a fragment.
    File {
        file: String,
        fragment: Option<String>,
    },
    /// Cannot point inside the site: why.
    Broken(String),
}

/// Every link of the site: free pages, and each lab's.
pub fn site_links(site: &Site) -> Vec<Link> {
    let mut out = Vec::new();
    for p in &site.pages {
        doc_links(&p.doc, &paths::free_page(&p.slug), &mut out);
    }
    series_links(site, &mut out);
    for lab in &site.labs {
        out.extend(lab_links(lab));
    }
    out
}

/// The links a lab publishes: its report (when published), its FAQ
/// answers (when it recruits), the descriptions of its own program.
pub fn lab_links(lab: &Lab) -> Vec<Link> {
    let mut out = Vec::new();
    let r = &lab.record;
    let lp = LabPaths::new(&r.id);
    if let Some(doc) = lab.report.as_ref().filter(|_| r.status == LabStatus::Held) {
        doc_links(doc, &lp.report, &mut out);
    }
    if let Some(rec) = r
        .recruitment
        .as_ref()
        .filter(|_| r.status != LabStatus::Held)
    {
        for (i, f) in rec.faq.iter().enumerate() {
            let path = format!("recruitment.faq[{i}].a");
            yaml_links(&f.a, &r.file, &path, &lp.recruitment, &mut out);
        }
    }
    // A lab's own program (not inherited), on its program page.
    program_links(&r.program, &r.file, &lp.program, &mut out);
    out
}

/// The links in the descriptions of a program's parts and axes (written
/// in `file`), published on `page`.
fn program_links(spec: &ProgramSpec, file: &Arc<SourceFile>, page: &str, out: &mut Vec<Link>) {
    for (i, p) in spec.program.iter().flatten().enumerate() {
        if let Some(d) = &p.description {
            yaml_links(d, file, &format!("program[{i}].description"), page, out);
        }
    }
    if let Some(fw) = &spec.framework {
        for (i, a) in fw.axes.iter().enumerate() {
            if let Some(d) = &a.description {
                yaml_links(
                    d,
                    file,
                    &format!("framework.axes[{i}].description"),
                    page,
                    out,
                );
            }
        }
    }
}

/// The links of `program.yaml`'s descriptions: on the series program page,
/// and on the program page of each lab that inherits them. A link that
/// reads the same from every page (root-relative, a source link, a web
/// address) is checked once, from the series page; a relative one also
/// from the newest lab that inherits it, since it reads differently there.
fn series_links(site: &Site, out: &mut Vec<Link>) {
    let (Some(series), Some(file)) = (&site.series, &site.series_file) else {
        return;
    };
    let mut links = Vec::new();
    program_links(series, file, paths::SERIES_PROGRAM, &mut links);
    // The newest lab that inherits the parts, and the one that inherits
    // the framework (labs are newest first).
    let parts = site
        .labs
        .iter()
        .find(|l| l.record.program.program.is_none());
    let framework = site
        .labs
        .iter()
        .find(|l| l.record.program.framework.is_none());
    for link in links {
        let relative = is_relative(&link.dest);
        let lab = match &link.loc.span {
            Span::YamlText(t) if t.path.starts_with("framework.") => framework,
            _ => parts,
        };
        if relative && let Some(lab) = lab {
            out.push(Link {
                page: LabPaths::new(&lab.record.id).program,
                ..link.clone()
            });
        }
        out.push(link);
    }
}

fn doc_links(doc: &MarkdownDoc, page: &str, out: &mut Vec<Link>) {
    let body = doc.body.as_str();
    // Where each line starts: a link's line is found by a binary search,
    // not by counting from the top for every link (quadratic: 51 s for a
    // 2 MB report with 29,000 links, in a debug build).
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', body.as_bytes()).map(|i| i + 1))
        .collect();
    for LinkRef { dest, at, raw } in markdown::links(body) {
        let (line, col) = line_col_in(body, &starts, at);
        out.push(Link {
            loc: Loc::at(&doc.file, doc.body_line + line - 1, col, 1),
            page: page.to_string(),
            dest,
            raw,
        });
    }
}

/// The 1-based line and column (in characters) of byte `at` of `text`,
/// whose lines start at `starts`; as `source::line_col` gives them.
fn line_col_in(text: &str, starts: &[usize], at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let line = starts.partition_point(|&s| s <= at).max(1);
    (line, text[starts[line - 1]..at].chars().count() + 1)
}

/// Markdown in the YAML value at `path` of `file`: each link located at
/// its own place in the value as written (found when it is shown).
fn yaml_links(md: &str, file: &Arc<SourceFile>, path: &str, page: &str, out: &mut Vec<Link>) {
    // Raw HTML from YAML is shown as text: its `src=` is no link at all.
    for LinkRef { dest, at, .. } in markdown::links(md).into_iter().filter(|l| !l.raw) {
        let find = link_markup(md, at, &dest);
        let nth = md[..at].matches(find).count();
        out.push(Link {
            loc: Loc::yaml_text(file, path, find, nth),
            page: page.to_string(),
            dest,
            raw: false,
        });
    }
}

/// The text of the link that starts at `at` in `md`, up to its
/// destination as written, on one line (`[手引き](https://…`): what to
/// look for in the YAML source.
fn link_markup<'a>(md: &'a str, at: usize, dest: &str) -> &'a str {
    let rest = &md[at..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    match line.find(dest).filter(|_| !dest.is_empty()) {
        // The closing `)` too, when it follows.
        Some(i) => {
            let end = i + dest.len();
            &line[..end + usize::from(line[end..].starts_with(')'))]
        }
        None => line,
    }
}

/// The links `check --external` requests: the web links among `links`
/// (the organizers' Markdown, as collected by `site_links`) and the web
/// addresses the site publishes from content fields (`organizer.url` in
/// `site.yaml`, a recruiting lab's `apply_url`). A theme's own links
/// (share buttons) are not the organizers' and are not here.
pub fn web_links(site: &Site, links: Vec<Link>) -> Vec<Link> {
    let mut out: Vec<Link> = links
        .into_iter()
        .filter(|l| web_url(&l.dest).is_some())
        .collect();
    let mut field = |file: &Arc<SourceFile>, path: &str, page: &str, url: &str| {
        if web_url(url).is_some() {
            out.push(Link {
                loc: Loc::yaml(file, path, false),
                page: page.to_string(),
                dest: url.to_string(),
                raw: false,
            });
        }
    };
    let org = &site.config.organizer;
    field(&site.config.file, "organizer.url", "index.html", &org.url);
    for lab in &site.labs {
        let r = &lab.record;
        if let Some(rec) = r
            .recruitment
            .as_ref()
            .filter(|_| r.status != LabStatus::Held)
        {
            let page = LabPaths::new(&r.id).recruitment;
            field(&r.file, "recruitment.apply_url", &page, &rec.apply_url);
        }
    }
    out
}

/// The address to request for a link written `dest`: `http:`, `https:`
/// and scheme-relative (`//host/…`, requested over https) links, without
/// the `#fragment` (a server never sees it). `None` for anything else.
pub fn web_url(dest: &str) -> Option<String> {
    let d = dest.trim();
    let d = match d.find('#') {
        Some(i) => &d[..i],
        None => d,
    };
    let url = if let Some(rest) = d.strip_prefix("//") {
        format!("https://{rest}")
    } else {
        match markdown::scheme(d).as_deref() {
            Some("http" | "https") => d.to_string(),
            _ => return None,
        }
    };
    // `https://` alone names no host.
    let after = &url[url.find("//")? + 2..];
    (!after.is_empty() && !after.starts_with('/')).then_some(url)
}

/// A path relative to the page (`../x/`, `cover.jpg`): it reads
/// differently from pages in different folders.
fn is_relative(dest: &str) -> bool {
    let d = dest.trim();
    !d.is_empty() && !d.starts_with(['/', '#', '@', '?']) && markdown::scheme(d).is_none()
}

/// Decode `%XX` escapes (a browser sends the decoded bytes for a path).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where `dest`, published on the page `page` (an output file), points.
pub fn resolve(page: &str, dest: &str, raw: bool, base_path: &str) -> Target {
    let d = dest.trim();
    if d.is_empty() {
        return Target::External;
    }
    let d = match markdown::source_link(d) {
        Some(_) if raw => {
            return Target::Broken(
                "a source link `@/…` works in a Markdown link, not in raw HTML".into(),
            );
        }
        Some(Some(p)) => format!("/{p}"),
        Some(None) => {
            return Target::Broken(format!("`{d}` names no content file that has a page"));
        }
        None => d.to_string(),
    };
    if d.starts_with("//") || markdown::scheme(&d).is_some() {
        return Target::External;
    }
    let (path, fragment) = match d.find('#') {
        Some(i) => (&d[..i], Some(percent_decode(&d[i + 1..]))),
        None => (d.as_str(), None),
    };
    let fragment = fragment.filter(|f| !f.is_empty());
    let path = path.split('?').next().unwrap_or("");
    // The folder the path starts from, as segments.
    let mut segs: Vec<String> = Vec::new();
    let rest = if path.is_empty() {
        return Target::File {
            file: page.to_string(),
            fragment,
        };
    } else if let Some(abs) = path.strip_prefix('/') {
        if raw {
            // Raw HTML is not put under the base path: it must say it.
            match path.strip_prefix(base_path) {
                Some(r) => r,
                None => {
                    return Target::Broken(format!(
                        "raw HTML is published as written, and `{path}` is not under the site's base path `{base_path}`"
                    ));
                }
            }
        } else {
            abs
        }
    } else {
        segs.extend(
            page.split('/')
                .collect::<Vec<_>>()
                .split_last()
                .map(|(_, dir)| dir.to_vec())
                .unwrap_or_default()
                .into_iter()
                .map(String::from),
        );
        path
    };
    let mut dir = rest.is_empty() || rest.ends_with(['/', '\\']);
    for seg in rest.split(['/', '\\']) {
        let seg = percent_decode(seg);
        match seg.as_str() {
            "" => {}
            "." => dir = true,
            ".." => {
                dir = true;
                if segs.pop().is_none() {
                    return Target::Broken("the link points outside the site".into());
                }
            }
            _ => {
                segs.push(seg);
                dir = rest.ends_with(['/', '\\']);
            }
        }
    }
    let mut file = segs.join("/");
    if dir || file.is_empty() {
        if !file.is_empty() {
            file.push('/');
        }
        file.push_str("index.html");
    }
    Target::File { file, fragment }
}

/// Check `links` against the output: `files` are every output file; `ids`
/// gives the element ids of a page. One error per broken link.
pub fn check(
    links: &[Link],
    base_path: &str,
    files: &HashSet<&str>,
    ids: &dyn Fn(&str) -> Option<HashSet<String>>,
) -> Vec<Diagnostic> {
    let trace = std::env::var_os("LABSITE_LINKS").is_some();
    let mut diags = Vec::new();
    let mut pages: Vec<String> = files
        .iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| format!("/{}", f.strip_suffix("index.html").unwrap_or(f)))
        .collect();
    pages.sort();
    let page_refs: Vec<&str> = pages.iter().map(String::as_str).collect();
    let mut id_cache: HashMap<String, Option<HashSet<String>>> = HashMap::new();
    for link in links {
        let target = resolve(&link.page, &link.dest, link.raw, base_path);
        if trace {
            let at = link
                .loc
                .resolve()
                .map(|(l, c, _)| format!(":{l}:{c}"))
                .unwrap_or_default();
            eprintln!(
                "link {}{at} `{}` -> {}",
                link.loc.file.display,
                link.dest,
                match &target {
                    Target::External => "external (not checked)".to_string(),
                    Target::File { file, fragment } => format!(
                        "{file}{}",
                        fragment
                            .as_ref()
                            .map(|f| format!("#{f}"))
                            .unwrap_or_default()
                    ),
                    Target::Broken(why) => format!("broken: {why}"),
                }
            );
        }
        let (file, fragment) = match target {
            Target::External => continue,
            Target::Broken(why) => {
                diags.push(
                    Diagnostic::error(
                        format!("broken link `{}`: {why}", link.dest),
                        Some(link.loc.clone()),
                    )
                    .with_help(
                        "link a page by its source: `@/labs/<id>/lab.yaml`, `@/pages/<slug>.md`, `@/program.yaml`, or by a path starting with `/`",
                    ),
                );
                continue;
            }
            Target::File { file, fragment } => (file, fragment),
        };
        // `about` reaches `about/index.html` too (the server redirects).
        let found = if files.contains(file.as_str()) {
            Some(file.clone())
        } else {
            let alt = format!("{file}/index.html");
            files.contains(alt.as_str()).then_some(alt)
        };
        let Some(found) = found else {
            let shown = format!("/{}", file.strip_suffix("index.html").unwrap_or(&file));
            let mut d = Diagnostic::error(
                format!(
                    "broken link `{}`: no page or file `{shown}` in the site",
                    link.dest
                ),
                Some(link.loc.clone()),
            );
            if is_relative(&link.dest) {
                let on = link.page.strip_suffix("index.html").unwrap_or(&link.page);
                d = d.with_note(
                    format!("a relative link is read from the page it is on, here `/{on}`"),
                    None,
                );
            }
            d = match nearest(&shown, &page_refs) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d.with_help(
                    "link a page by its source (`@/labs/<id>/lab.yaml`, `@/pages/<slug>.md`) or check the path",
                ),
            };
            diags.push(d);
            continue;
        };
        let Some(fragment) = fragment else { continue };
        if !found.ends_with(".html") {
            continue;
        }
        let page_ids = id_cache.entry(found.clone()).or_insert_with(|| ids(&found));
        let Some(page_ids) = page_ids else { continue };
        if page_ids.contains(&fragment) {
            continue;
        }
        let mut known: Vec<&str> = page_ids.iter().map(String::as_str).collect();
        known.sort_unstable();
        let shown = format!("/{}", found.strip_suffix("index.html").unwrap_or(&found));
        let mut d = Diagnostic::error(
            format!(
                "broken link `{}`: the page `{shown}` has no element with id `{fragment}`",
                link.dest
            ),
            Some(link.loc.clone()),
        );
        d = match nearest(&fragment, &known) {
            Some(near) => d.with_help(format!("did you mean `#{near}`?")),
            None => d.with_help("headings get ids from their text (`## 概要` → `#概要`)"),
        };
        diags.push(d);
    }
    diags
}

/// The pages whose ids `links` need (targets of links with a fragment).
pub fn fragment_pages(links: &[Link], base_path: &str) -> HashSet<String> {
    links
        .iter()
        .filter_map(|l| match resolve(&l.page, &l.dest, l.raw, base_path) {
            Target::File {
                file,
                fragment: Some(_),
            } => Some(file),
            _ => None,
        })
        .flat_map(|f| {
            let alt = format!("{f}/index.html");
            [f, alt]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::line_col;

    fn file(f: &str, frag: Option<&str>) -> Target {
        Target::File {
            file: f.into(),
            fragment: frag.map(String::from),
        }
    }

    #[test]
    fn links_resolve_as_written_from_their_page() {
        let page = "labs/2025-11-13/index.html";
        let r = |d: &str| resolve(page, d, false, "/lab/");
        assert_eq!(
            r("../2027-01-21/"),
            file("labs/2027-01-21/index.html", None)
        );
        assert_eq!(
            r("@/labs/2027-01-21/lab.yaml"),
            file("labs/2027-01-21/index.html", None)
        );
        assert_eq!(
            r("@/pages/about.md#team"),
            file("about/index.html", Some("team"))
        );
        assert_eq!(r("/about/"), file("about/index.html", None));
        assert_eq!(r("cover.jpg"), file("labs/2025-11-13/cover.jpg", None));
        assert_eq!(r("#%E6%A6%82%E8%A6%81"), file(page, Some("概要")));
        assert_eq!(
            r("program/?x=1"),
            file("labs/2025-11-13/program/index.html", None)
        );
        assert_eq!(r("../.."), file("index.html", None));
        assert_eq!(r("https://example.org/"), Target::External);
        assert_eq!(r("mailto:a@b.c"), Target::External);
        assert!(matches!(r("../../../x"), Target::Broken(_)));
        assert!(matches!(r("@/site.yaml"), Target::Broken(_)));
        // Raw HTML is published as written: root-relative must carry the base.
        assert_eq!(
            resolve(page, "/lab/about/", true, "/lab/"),
            file("about/index.html", None)
        );
        assert!(matches!(
            resolve(page, "/about/", true, "/lab/"),
            Target::Broken(_)
        ));
    }

    #[test]
    fn line_and_column_agree_with_the_loader() {
        let text = "a\n\nこんにちは [x](y)\r\nz [w](v)";
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for at in 0..=text.len() + 2 {
            assert_eq!(line_col_in(text, &starts, at), line_col(text, at), "{at}");
        }
    }

    #[test]
    fn web_links_are_http_without_their_fragment() {
        assert_eq!(
            web_url(" https://example.org/a#b ").as_deref(),
            Some("https://example.org/a")
        );
        assert_eq!(
            web_url("HTTP://example.org").as_deref(),
            Some("HTTP://example.org")
        );
        assert_eq!(
            web_url("//cdn.example.org/x.png").as_deref(),
            Some("https://cdn.example.org/x.png")
        );
        for not in [
            "mailto:a@b.c",
            "tel:0312345678",
            "/labs/",
            "../x/",
            "#top",
            "@/pages/about.md",
            "https://",
            "ftp://example.org/",
        ] {
            assert_eq!(web_url(not), None, "{not}");
        }
    }

    #[test]
    fn ids_are_read_from_attributes() {
        let ids = crate::gate::html_ids(
            "<h2 id=\"概要\">x</h2><section id='a&amp;b'><div data-id=\"no\" grid=\"x\">",
        );
        assert!(ids.contains("概要") && ids.contains("a&b"), "{ids:?}");
        assert_eq!(ids.len(), 2, "{ids:?}");
    }
}
