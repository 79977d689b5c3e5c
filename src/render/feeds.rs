//! Machine-read files: the Atom feed of reports, the sitemap, robots.txt.

use std::fmt::Write as _;

use chrono::SecondsFormat;

use super::escape_html as esc;
use crate::public::PublicLab;
use crate::urls::Urls;

pub struct FeedInfo<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub author: &'a str,
    pub lang: &'a str,
    pub generator: &'a str,
}

/// Atom (RFC 4287) feed of the reports, newest first. `reports` pairs each
/// lab with its rendered write-up.
pub fn atom(info: &FeedInfo, reports: &[(PublicLab, String)], urls: &Urls) -> String {
    let mut out = String::new();
    let updated = reports
        .iter()
        .map(|(l, _)| l.end_utc)
        .max()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{title}</title>\n  <subtitle>{sub}</subtitle>\n  <link href=\"{home}\" rel=\"alternate\" type=\"text/html\"/>\n  <link href=\"{feed}\" rel=\"self\" type=\"application/atom+xml\"/>\n  <id>{home}</id>\n  <updated>{updated}</updated>\n  <author><name>{author}</name></author>\n  <generator>{generator}</generator>\n",
        lang = esc(info.lang),
        title = esc(info.title),
        sub = esc(info.description),
        home = esc(urls.base_url()),
        feed = esc(&urls.absolute("feed.xml")),
        author = esc(info.author),
        generator = esc(info.generator),
    );
    for (lab, html) in reports {
        let url = urls.absolute(&format!("labs/{}/", lab.id));
        let t = lab.end_utc.to_rfc3339_opts(SecondsFormat::Secs, true);
        let _ = write!(
            out,
            "  <entry>\n    <title>{title}</title>\n    <link href=\"{url}\" rel=\"alternate\" type=\"text/html\"/>\n    <id>{url}</id>\n    <published>{t}</published>\n    <updated>{t}</updated>\n    <summary>{summary}</summary>\n    <content type=\"html\">{content}</content>\n  </entry>\n",
            title = esc(&lab.title),
            url = esc(&url),
            summary = esc(&lab.summary),
            content = esc(html),
        );
    }
    out.push_str("</feed>\n");
    out
}

/// Every HTML page but the 404 page, with absolute URLs.
pub fn sitemap(html_paths: &[String], urls: &Urls) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut paths: Vec<&String> = html_paths
        .iter()
        .filter(|p| p.as_str() != "404.html")
        .collect();
    paths.sort();
    for p in paths {
        let _ = writeln!(out, "  <url><loc>{}</loc></url>", esc(&urls.absolute(p)));
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(urls: &Urls) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        urls.absolute("sitemap.xml")
    )
}
