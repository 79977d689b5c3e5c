//! `check --external`: the site's web links, requested.
//!
//! Each distinct address (without its `#fragment`) is requested once per
//! run, however many places link to it: a HEAD request, redirects
//! followed, and a GET when the server answers HEAD with an error
//! (many servers and CDNs refuse HEAD with 403, 404 or 405 while they
//! serve the page to a browser's GET), so only a GET's error counts. A
//! few requests run at a time, each with a time limit. An address that
//! answered with a success is remembered in the site's
//! `.labsite-cache/links.json` for a day (`CACHE_TTL`) and not requested
//! again in that time; a failure is never remembered, so a link that was
//! just fixed, or a server that was down, is requested again on the next
//! run. A broken link is an error at each place it is written.
//!
//! Only the commands call this, and only when asked: `build` and `serve`
//! make no request.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{Link, web_url};
use crate::diagnostics::Diagnostic;
use crate::render::share_card::CACHE_DIR;

/// How long a success is remembered.
pub const CACHE_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// The time limit of one address (redirects included), by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests in flight at once, by default.
pub const DEFAULT_CONCURRENCY: usize = 8;

#[derive(Clone, Debug)]
pub struct Options {
    /// The time limit of one address, redirects and the GET retry
    /// included each.
    pub timeout: Duration,
    /// Requests in flight at once (at least 1).
    pub concurrency: usize,
    /// The cache file; `None` for none.
    pub cache: Option<PathBuf>,
}

impl Options {
    /// The defaults, with the cache of the site at `root`.
    pub fn for_site(root: &Path) -> Options {
        Options {
            timeout: DEFAULT_TIMEOUT,
            concurrency: DEFAULT_CONCURRENCY,
            cache: Some(cache_file(root)),
        }
    }
}

/// Where a site's checked links are remembered.
pub fn cache_file(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("links.json")
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One error per place a broken address is written.
    pub diagnostics: Vec<Diagnostic>,
    /// One warning per place an address is written whose server asked to
    /// be asked later (429): not known to be broken.
    pub warnings: Vec<Diagnostic>,
    /// Distinct addresses.
    pub addresses: usize,
    /// Addresses answered from the cache.
    pub cached: usize,
    /// Addresses that failed.
    pub broken: usize,
    /// The cache could not be written (the check itself is done).
    pub cache_warning: Option<String>,
}

/// How an address answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A status below 400, after redirects.
    Ok(u16),
    /// A status of 400 or more, after redirects; the last address when it
    /// was redirected.
    Status(u16, Option<String>),
    /// No answer: why (timed out, connection refused, host not found…).
    Failed(String),
}

/// Request every web link of `links` (addresses not in the cache), and
/// report each broken one at every place it is written.
pub fn check(links: &[Link], opts: &Options) -> Outcome {
    let trace = std::env::var_os("LABSITE_LINKS").is_some();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Each address, with the links that name it, in the order written.
    let mut by_url: Vec<(String, Vec<&Link>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for link in links {
        let Some(url) = web_url(&link.dest) else {
            continue;
        };
        let i = *index.entry(url.clone()).or_insert_with(|| {
            by_url.push((url, Vec::new()));
            by_url.len() - 1
        });
        by_url[i].1.push(link);
    }
    let mut cache = opts.cache.as_deref().map(Cache::read).unwrap_or_default();
    let todo: Vec<&str> = by_url
        .iter()
        .map(|(u, _)| u.as_str())
        .filter(|u| cache.fresh(u, now).is_none())
        .collect();
    let mut out = Outcome {
        addresses: by_url.len(),
        cached: by_url.len() - todo.len(),
        ..Outcome::default()
    };
    let answers = request_all(&todo, opts);
    let mut changed = cache.prune(now);
    for (url, links) in &by_url {
        let answer = match answers.get(url.as_str()) {
            Some(a) => a.clone(),
            None => Answer::Ok(cache.fresh(url, now).unwrap_or(0)),
        };
        if trace {
            let how = if answers.contains_key(url.as_str()) {
                ""
            } else {
                " (cached)"
            };
            eprintln!("external {url} -> {answer:?}{how}");
        }
        match answer {
            Answer::Ok(status) => {
                if answers.contains_key(url.as_str()) {
                    cache.links.insert(
                        url.clone(),
                        Entry {
                            status,
                            checked: now,
                        },
                    );
                    changed = true;
                }
            }
            Answer::Status(429, _) => {
                for link in links {
                    out.warnings.push(too_many_requests(link, url));
                }
            }
            broken => {
                out.broken += 1;
                for link in links {
                    out.diagnostics.push(diagnostic(link, url, &broken, opts));
                }
            }
        }
    }
    if changed && let Some(file) = &opts.cache {
        out.cache_warning = cache.write(file).err();
    }
    out
}

/// A server that answered 429 has not said the page is gone: a warning,
/// and (like every failure) not cached, so the next run asks again.
fn too_many_requests(link: &Link, url: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("external link `{url}` not checked: the server answered 429 Too Many Requests"),
        Some(link.loc.clone()),
    )
    .with_help("the server asks to be asked later; it is requested again on the next run")
}

fn diagnostic(link: &Link, url: &str, answer: &Answer, opts: &Options) -> Diagnostic {
    let (what, help) = match answer {
        Answer::Status(code, redirected) => {
            let reason = ureq::http::StatusCode::from_u16(*code)
                .ok()
                .and_then(|s| s.canonical_reason())
                .map(|r| format!(" {r}"))
                .unwrap_or_default();
            let via = redirected
                .as_ref()
                .map(|to| format!(" (redirected to {to})"))
                .unwrap_or_default();
            (
                format!("the server answered {code}{reason}{via}"),
                "update the link to the page's current address, or remove it".to_string(),
            )
        }
        Answer::Failed(why) => (
            why.clone(),
            if why.starts_with("no answer") {
                format!(
                    "a slow server may need more than {} s: --external-timeout SECS",
                    opts.timeout.as_secs_f64()
                )
            } else {
                "check the address; a server that is down is requested again on the next run"
                    .to_string()
            },
        ),
        Answer::Ok(_) => unreachable!("only broken links are reported"),
    };
    let shown = if link.dest.trim() == url {
        format!("`{url}`")
    } else {
        format!("`{}` ({url})", link.dest.trim())
    };
    Diagnostic::error(
        format!("broken external link {shown}: {what}"),
        Some(link.loc.clone()),
    )
    .with_help(help)
}

/// Request `urls`, `opts.concurrency` at a time.
fn request_all<'a>(urls: &[&'a str], opts: &Options) -> HashMap<&'a str, Answer> {
    if urls.is_empty() {
        return HashMap::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .user_agent(concat!(
            "labsite/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let answers = Mutex::new(HashMap::with_capacity(urls.len()));
    std::thread::scope(|s| {
        for _ in 0..opts.concurrency.clamp(1, urls.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&url) = urls.get(i) else { break };
                    let answer = request(&agent, url, opts.timeout);
                    answers
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(url, answer);
                }
            });
        }
    });
    answers.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// One address: HEAD, then GET when HEAD gets an error status (a server
/// that does not take HEAD, or refuses it): the GET's answer decides.
fn request(agent: &ureq::Agent, url: &str, timeout: Duration) -> Answer {
    let sent = encode(url);
    let url = sent.as_str();
    let answer = |r: ureq::http::Response<ureq::Body>| {
        let code = r.status().as_u16();
        if code < 400 {
            return Answer::Ok(code);
        }
        let last = ureq::ResponseExt::get_uri(&r);
        let moved = url.parse::<ureq::http::Uri>().ok().as_ref() != Some(last);
        Answer::Status(code, moved.then(|| last.to_string()))
    };
    match agent.head(url).call() {
        Ok(r) if r.status().as_u16() >= 400 => match agent.get(url).call() {
            // The body is not read: the status is all that matters.
            Ok(r) => answer(r),
            Err(e) => Answer::Failed(describe(&e, timeout)),
        },
        Ok(r) => answer(r),
        Err(e) => Answer::Failed(describe(&e, timeout)),
    }
}

/// `url` as a browser sends it: characters a URL may not carry as they
/// are (non-ASCII, like a Japanese page name, spaces, quotes, braces)
/// percent-encoded as UTF-8; `%XX` already written stays as it is.
fn encode(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_graphic()
            && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
        {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// What went wrong, in a few words.
fn describe(e: &ureq::Error, timeout: Duration) -> String {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs_f64()),
        ureq::Error::HostNotFound => "the host was not found (DNS)".into(),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => "the connection was refused".into(),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                "the connection was closed before an answer".into()
            }
            ErrorKind::TimedOut => format!("no answer within {} s", timeout.as_secs_f64()),
            // The system resolver's failure has no kind of its own.
            _ if io.to_string().contains("lookup address") => "the host was not found (DNS)".into(),
            _ => format!("the request failed: {io}"),
        },
        ureq::Error::ConnectionFailed => "the connection failed".into(),
        ureq::Error::TooManyRedirects => "too many redirects".into(),
        ureq::Error::RedirectFailed => "a redirect could not be followed".into(),
        ureq::Error::BadUri(u) => format!("not a valid address ({u})"),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
            format!("the secure connection failed: {e}")
        }
        other => format!("the request failed: {other}"),
    }
}

/// Successes remembered between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    /// By address: the status and when it was requested.
    links: BTreeMap<String, Entry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    status: u16,
    /// Seconds since 1970.
    checked: u64,
}

impl Cache {
    /// The cache in `file`; empty when there is none or it cannot be read
    /// (it is only a cache: the links are requested again).
    fn read(file: &Path) -> Cache {
        std::fs::read(file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The remembered status of `url`, if it was requested less than
    /// `CACHE_TTL` ago.
    fn fresh(&self, url: &str, now: u64) -> Option<u16> {
        let e = self.links.get(url)?;
        (e.checked <= now && now - e.checked < CACHE_TTL.as_secs()).then_some(e.status)
    }

    /// Forget what is no longer fresh; whether anything was.
    fn prune(&mut self, now: u64) -> bool {
        let before = self.links.len();
        self.links
            .retain(|_, e| e.checked <= now && now - e.checked < CACHE_TTL.as_secs());
        self.links.len() != before
    }

    /// Write the cache (a whole new file, renamed into place).
    fn write(&self, file: &Path) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("could not write {}: {e}", file.display());
        let dir = file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(fail)?;
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(&ignore, "# labsite's cache: safe to delete.\n*\n");
        }
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        json.push(b'\n');
        let tmp = file.with_extension(format!("json.{}.tmp", std::process::id()));
        std::fs::write(&tmp, json).map_err(fail)?;
        std::fs::rename(&tmp, file).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_sent_percent_encoded_as_browsers_do() {
        assert_eq!(
            encode("https://ja.wikipedia.org/wiki/1on1ミーティング"),
            "https://ja.wikipedia.org/wiki/1on1%E3%83%9F%E3%83%BC%E3%83%86%E3%82%A3%E3%83%B3%E3%82%B0"
        );
        assert_eq!(
            encode("http://a.example/x y?q=%E3"),
            "http://a.example/x%20y?q=%E3"
        );
        assert_eq!(encode("http://a.example/{x}"), "http://a.example/%7Bx%7D");
    }

    #[test]
    fn a_success_is_fresh_for_a_day_and_then_forgotten() {
        let mut c = Cache::default();
        let day = CACHE_TTL.as_secs();
        c.links.insert(
            "https://a.example/".into(),
            Entry {
                status: 200,
                checked: 1_000_000,
            },
        );
        assert_eq!(
            c.fresh("https://a.example/", 1_000_000 + day - 1),
            Some(200)
        );
        assert_eq!(c.fresh("https://a.example/", 1_000_000 + day), None);
        // A time in the future (a clock set back) is not trusted.
        assert_eq!(c.fresh("https://a.example/", 999_999), None);
        assert_eq!(c.fresh("https://b.example/", 1_000_000), None);
        assert!(!c.prune(1_000_000 + day - 1));
        assert!(c.prune(1_000_000 + day));
        assert!(c.links.is_empty());
    }

    #[test]
    fn the_cache_survives_a_round_trip_and_a_bad_file_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = cache_file(dir.path());
        assert!(Cache::read(&file).links.is_empty());
        let mut c = Cache::default();
        c.links.insert(
            "https://a.example/".into(),
            Entry {
                status: 204,
                checked: 42,
            },
        );
        c.write(&file).unwrap();
        assert_eq!(
            Cache::read(&file).fresh("https://a.example/", 43),
            Some(204)
        );
        assert!(dir.path().join(".labsite-cache/.gitignore").exists());
        std::fs::write(&file, "{ not json").unwrap();
        assert!(Cache::read(&file).links.is_empty());
    }
}
