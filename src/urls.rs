//! The one place that builds URLs under `base_url`.
//!
//! Pages link to each other with root-relative paths that include the
//! base path (`/lab/labs/2025-11-13/`), so links work under any sub-path;
//! absolute URLs (canonical, sitemap, feed, OpenGraph) join the base URL.

#[derive(Clone, Debug)]
pub struct Urls {
    /// `https://example.org/lab/`
    base_url: String,
    /// `/lab/`
    base_path: String,
}

impl Urls {
    /// `base_url` must be absolute and end with `/`.
    pub fn new(base_url: &str) -> Urls {
        let after_scheme = base_url.find("://").map(|i| i + 3).unwrap_or(0);
        let base_path = match base_url[after_scheme..].find('/') {
            Some(i) => base_url[after_scheme + i..].to_string(),
            None => "/".to_string(),
        };
        Urls {
            base_url: base_url.to_string(),
            base_path,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Root-relative path of an output path (`labs/x/index.html` ->
    /// `/lab/labs/x/`).
    pub fn path(&self, output_path: &str) -> String {
        let p = output_path
            .strip_suffix("index.html")
            .unwrap_or(output_path);
        format!("{}{}", self.base_path, p)
    }

    /// Absolute URL of an output path.
    pub fn absolute(&self, output_path: &str) -> String {
        let p = output_path
            .strip_suffix("index.html")
            .unwrap_or(output_path);
        format!("{}{}", self.base_url, p)
    }

    /// A link written in Markdown by an organizer: `/about/` is relative to
    /// the site, so it gets the base path; anything else stays.
    pub fn rewrite_link(&self, link: &str) -> Option<String> {
        if link.starts_with('/') && !link.starts_with("//") {
            Some(format!("{}{}", self.base_path, &link[1..]))
        } else {
            None
        }
    }
}

/// Percent-encode a relative file path for a URL, segment by segment:
/// letters, digits, `-._~/` and non-ASCII text stay (browsers send UTF-8),
/// everything else (space, `#`, `?`, `%`, quotes) is encoded.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '/') || !c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Percent-encode a query value: everything but ASCII letters, digits
/// and `-._~` (so `&`, `=`, `#`, `+`, spaces and Japanese are encoded).
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_query(v)))
        .collect();
    format!("{base}?{}", query.join("&"))
}

/// Links that share `url` on X, LINE and Facebook: plain links to each
/// service's share page, no script or tracking code of theirs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ShareLinks {
    pub x: String,
    pub line: String,
    pub facebook: String,
}

pub fn share_links(url: &str, text: &str) -> ShareLinks {
    ShareLinks {
        x: with_query("https://x.com/intent/post", &[("text", text), ("url", url)]),
        line: with_query(
            "https://social-plugins.line.me/lineit/share",
            &[("url", url)],
        ),
        facebook: with_query("https://www.facebook.com/sharer/sharer.php", &[("u", url)]),
    }
}

/// A Google Calendar link that opens a new event with these times, in UTC
/// (the `Z` form), whatever the reader's time zone.
pub fn google_calendar(
    title: &str,
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
    details: &str,
    location: &str,
) -> String {
    let fmt = "%Y%m%dT%H%M%SZ";
    let dates = format!("{}/{}", start.format(fmt), end.format(fmt));
    with_query(
        "https://calendar.google.com/calendar/render",
        &[
            ("action", "TEMPLATE"),
            ("text", title),
            ("dates", &dates),
            ("details", details),
            ("location", location),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_a_sub_path() {
        let u = Urls::new("https://example.org/lab/");
        assert_eq!(u.path("labs/a/index.html"), "/lab/labs/a/");
        assert_eq!(u.path("index.html"), "/lab/");
        assert_eq!(u.absolute("feed.xml"), "https://example.org/lab/feed.xml");
        assert_eq!(u.rewrite_link("/about/").as_deref(), Some("/lab/about/"));
        assert_eq!(u.rewrite_link("https://x.org/"), None);
        assert_eq!(encode_path("a b#c?.png"), "a%20b%23c%3F.png");
        assert_eq!(encode_path("写真/1.jpg"), "写真/1.jpg");
        let root = Urls::new("http://127.0.0.1:8000/");
        assert_eq!(root.path("labs/"), "/labs/");
    }

    #[test]
    fn share_and_calendar_links_encode_their_values() {
        assert_eq!(encode_query("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        let l = share_links("https://example.org/lab/labs/a/", "第1回 & <more>");
        assert_eq!(
            l.x,
            "https://x.com/intent/post?text=%E7%AC%AC1%E5%9B%9E%20%26%20%3Cmore%3E&url=https%3A%2F%2Fexample.org%2Flab%2Flabs%2Fa%2F"
        );
        assert_eq!(
            l.line,
            "https://social-plugins.line.me/lineit/share?url=https%3A%2F%2Fexample.org%2Flab%2Flabs%2Fa%2F"
        );
        assert!(
            l.facebook
                .ends_with("sharer.php?u=https%3A%2F%2Fexample.org%2Flab%2Flabs%2Fa%2F")
        );
        use chrono::TimeZone;
        let start = chrono::Utc.with_ymd_and_hms(2027, 1, 21, 10, 0, 0).unwrap();
        let end = chrono::Utc
            .with_ymd_and_hms(2027, 1, 21, 12, 30, 0)
            .unwrap();
        let g = google_calendar("ラボ", start, end, "", "Zoom");
        assert_eq!(
            g,
            "https://calendar.google.com/calendar/render?action=TEMPLATE&text=%E3%83%A9%E3%83%9C&dates=20270121T100000Z%2F20270121T123000Z&location=Zoom"
        );
    }
}
