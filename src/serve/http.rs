//! Answering HTTP requests from the in-memory site.
//!
//! Nothing here touches the disk: a request path is normalized into a key
//! of the built site's file map, and anything that could mean "somewhere
//! else" (`..`, `.`, encoded `/`, backslashes, NUL and other control
//! characters, bytes that are not UTF-8) is refused before the lookup, so no
//! request can name a file outside the site.
//!
//! axum is only the transport here: one handler ([`handle`]) answers every
//! request, so the rules above are the only routing there is.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;

use super::reload::{self, EVENTS_PATH, EventStream};
use super::{Shared, SiteFiles};

/// What a request path asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by its output path (`labs/x/index.html`).
    File(String),
    /// A folder asked for without its slash: redirect to this location.
    Redirect(String),
    NotFound,
    /// A path that is not a plain path inside the site.
    BadRequest,
}

/// The request target split into decoded path segments. `None` for anything
/// that is not a plain path: no `.`/`..`/empty segments, no `\`, no encoded
/// `/`, no control characters, valid UTF-8.
pub fn normalize(url: &str) -> Option<(Vec<String>, bool)> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix('/')?;
    if path.contains('\\') {
        return None;
    }
    if rest.is_empty() {
        return Some((Vec::new(), true));
    }
    let trailing = rest.ends_with('/');
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut segments = Vec::new();
    for raw in rest.split('/') {
        let seg = percent_decode(raw)?;
        let bad_char = seg.chars().any(|c| c == '/' || c == '\\' || c.is_control());
        if seg.is_empty() || seg == "." || seg == ".." || bad_char {
            return None;
        }
        segments.push(seg);
    }
    Some((segments, trailing))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Which file of `site` a request target names.
pub fn resolve(url: &str, site: &SiteFiles) -> Target {
    let Some((segments, trailing)) = normalize(url) else {
        return Target::BadRequest;
    };
    let key = segments.join("/");
    if trailing {
        let index = if key.is_empty() {
            "index.html".to_string()
        } else {
            format!("{key}/index.html")
        };
        return if site.contains(&index) {
            Target::File(index)
        } else {
            Target::NotFound
        };
    }
    if site.contains(&key) {
        return Target::File(key);
    }
    if site.is_dir(&key) {
        let (path, query) = match url.find('?') {
            Some(i) => (&url[..i], &url[i..]),
            None => (url.split('#').next().unwrap_or(url), ""),
        };
        return Target::Redirect(format!("{path}/{query}"));
    }
    Target::NotFound
}

/// The Content-Type of an output file, by its extension; text types carry
/// `charset=utf-8`.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "webmanifest" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
    extra: &[(HeaderName, &str)],
) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (name, value) in extra {
        // Only values built here from a valid request path reach this; one
        // that is not a valid header value is left out, never a panic.
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name.clone(), value);
        }
    }
    // axum sets Content-Length from the body, and leaves the body out (but
    // keeps the length) for HEAD.
    response
}

fn plain(status: StatusCode, text: &str, extra: &[(HeaderName, &str)]) -> Response {
    respond(
        status,
        "text/plain; charset=utf-8",
        format!("{text}\n"),
        extra,
    )
}

/// The request target as sent, when it is a path (`/labs/?x=1`). A target in
/// absolute form (`http://host/x`) or authority form names no file of this
/// site: it gets "", which [`resolve`] refuses.
fn target(req: &Request) -> &str {
    let uri = req.uri();
    if uri.scheme().is_some() || uri.authority().is_some() {
        return "";
    }
    uri.path_and_query().map(|p| p.as_str()).unwrap_or("")
}

/// Answer one request from the site being served now.
pub async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method();
    if method != Method::GET && method != Method::HEAD {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "405 Method Not Allowed: labsite serve answers GET and HEAD",
            &[(header::ALLOW, "GET, HEAD")],
        );
    }
    let url = target(&req);
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH {
        if method == Method::HEAD {
            return respond(StatusCode::OK, "text/event-stream", Body::empty(), &[]);
        }
        return respond(
            StatusCode::OK,
            "text/event-stream",
            Body::new(EventStream::new(&shared.hub)),
            &[(HeaderName::from_static("x-accel-buffering"), "no")],
        );
    }
    let site: Arc<SiteFiles> = shared.current();
    if site.generation == 0 {
        // No build has succeeded yet: a page that lists the errors and
        // reloads itself when they are fixed.
        let body = not_built_page(&shared.hub.error_text());
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html; charset=utf-8",
            body,
            &[],
        );
    }
    match resolve(url, &site) {
        Target::File(key) => {
            let body = match site.bytes(&key) {
                Some(bytes) if key.ends_with(".html") => {
                    Bytes::from(reload::stamp(&bytes, site.generation))
                }
                Some(bytes) => bytes,
                None => Bytes::new(),
            };
            respond(StatusCode::OK, content_type(&key), body, &[])
        }
        Target::Redirect(location) => plain(
            StatusCode::MOVED_PERMANENTLY,
            &format!("301 Moved Permanently: {location}"),
            &[(header::LOCATION, &location)],
        ),
        Target::NotFound => match site.get("404.html") {
            Some(page) => respond(
                StatusCode::NOT_FOUND,
                "text/html; charset=utf-8",
                reload::stamp(page, site.generation),
                &[],
            ),
            None => plain(StatusCode::NOT_FOUND, "404 Not Found", &[]),
        },
        Target::BadRequest => plain(
            StatusCode::BAD_REQUEST,
            "400 Bad Request: not a path inside the site",
            &[],
        ),
    }
}

fn not_built_page(errors: &str) -> String {
    let errors = crate::render::escape_html(errors);
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>labsite: the site has errors</title></head>\n\
         <body>\n<h1>The site has not built yet</h1>\n<p>Fix the errors below (they are also in the terminal); \
         this page reloads when the site builds.</p>\n<pre>{errors}</pre>\n{}</body></html>\n",
        reload::snippet(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteFiles {
        SiteFiles::from_files(
            [
                "index.html",
                "404.html",
                "style.css",
                "labs/a/index.html",
                "labs/b/lab.ics",
                "labs/a/x y.svg",
            ]
            .iter()
            .map(|p| (p.to_string(), p.as_bytes().to_vec()))
            .collect(),
            1,
        )
    }

    #[test]
    fn plain_paths_resolve() {
        let s = site();
        assert_eq!(resolve("/", &s), Target::File("index.html".into()));
        assert_eq!(resolve("/?x=1", &s), Target::File("index.html".into()));
        assert_eq!(resolve("/style.css", &s), Target::File("style.css".into()));
        assert_eq!(
            resolve("/labs/a/", &s),
            Target::File("labs/a/index.html".into())
        );
        assert_eq!(
            resolve("/labs/a/x%20y.svg", &s),
            Target::File("labs/a/x y.svg".into())
        );
        assert_eq!(resolve("/labs/a", &s), Target::Redirect("/labs/a/".into()));
        assert_eq!(
            resolve("/labs/a?q=1", &s),
            Target::Redirect("/labs/a/?q=1".into())
        );
        assert_eq!(resolve("/labs", &s), Target::Redirect("/labs/".into()));
        assert_eq!(resolve("/labs/", &s), Target::NotFound);
        assert_eq!(resolve("/labs/b/", &s), Target::NotFound);
        assert_eq!(resolve("/nope", &s), Target::NotFound);
        assert_eq!(resolve("/style.css/", &s), Target::NotFound);
    }

    #[test]
    fn escaping_paths_are_refused() {
        let s = site();
        for bad in [
            "/../etc/passwd",
            "/labs/../index.html",
            "/labs/./a/",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/labs%2fa/index.html",
            "/labs%2Fa/",
            "/labs\\a\\index.html",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/index.html%00",
            "/a%0d%0aSet-Cookie:x",
            "/labs//a/",
            "/%ff",
            "/%zz",
            "/%2",
            "relative",
            "http://evil.example/",
        ] {
            assert_eq!(resolve(bad, &s), Target::BadRequest, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("labs/x/lab.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(content_type("feed.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("logo.SVG"), "image/svg+xml");
        assert_eq!(content_type("photo.jpeg"), "image/jpeg");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
