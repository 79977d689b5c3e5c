//! `labsite check --external` (SPEC §6), on the real binary, against a
//! small HTTP server on 127.0.0.1 started by the test: every broken web
//! link is an error at its file:line:col with what the server said; each
//! address is requested once per run; a second run takes successes from
//! the cache; a plain `check` or `build` makes no request at all.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

use common::{NOW, Run, copy_site, labsite, site};

/// A server that answers by path: `/ok` 200, `/missing` 404, `/nohead`
/// 405 to HEAD and 200 to GET, `/headless` 403 to HEAD and 200 to GET (a
/// CDN that refuses HEAD), `/moved` 301 to `/ok`, `/資料` (sent
/// percent-encoded) 200, and `/silent` never. It counts the requests it reads, as `METHOD /path`.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || answer(stream, &log));
            }
        });
        Server { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// How many requests of each kind the server has read.
    fn counts(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for r in self.seen.lock().unwrap().iter() {
            *m.entry(r.clone()).or_default() += 1;
        }
        m
    }

    fn total(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

fn answer(stream: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).unwrap_or(0) == 0 {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    log.lock().unwrap().push(format!("{method} {path}"));
    let (status, extra) = match (method.as_str(), path.as_str()) {
        (_, "/ok") => ("200 OK", ""),
        (_, "/missing") => ("404 Not Found", ""),
        ("HEAD", "/nohead") => ("405 Method Not Allowed", "Allow: GET\r\n"),
        (_, "/nohead") => ("200 OK", ""),
        ("HEAD", "/headless") => ("403 Forbidden", ""),
        (_, "/busy") => ("429 Too Many Requests", "Retry-After: 3600\r\n"),
        (_, "/headless") => ("200 OK", ""),
        (_, "/moved") => ("301 Moved Permanently", "Location: /ok\r\n"),
        // `/資料`, as a browser sends it.
        (_, "/%E8%B3%87%E6%96%99") => ("200 OK", ""),
        (_, "/silent") => {
            // Never answer: wait until the client gives up and closes.
            let mut rest = String::new();
            while reader.read_line(&mut rest).unwrap_or(0) > 0 {}
            return;
        }
        _ => ("500 Internal Server Error", ""),
    };
    let body = if method == "HEAD" { "" } else { "ok" };
    let mut s = stream;
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        // A HEAD answer states the length a GET would have.
        2
    );
    let _ = s.flush();
}

/// The minimal site, its report, a free page, a lab's program
/// description, a recruiting lab and the organizer linking to `server`.
fn site_linking_to(server: &Server, closed: u16) -> tempfile::TempDir {
    let dir = copy_site(&site("minimal"));
    let content = dir.path().join("content");
    let u = |p: &str| server.url(p);
    let site_yaml = std::fs::read_to_string(content.join("site.yaml"))
        .unwrap()
        .replace(
            "url: https://example.org/\n",
            &format!("url: {}\n", u("/ok")),
        );
    std::fs::write(content.join("site.yaml"), site_yaml).unwrap();
    let lab = content.join("labs/2025-11-13");
    let closed = format!("http://127.0.0.1:{closed}/");
    let report = format!(
        "---\ndescription: テストの報告\n---\n## 当日の流れ\n\n\
         [消えた資料]({missing})と[資料]({ok})。\n\
         [GETだけ]({nohead}#part)、[移転]({moved})、[HEADを拒む]({headless})、[混雑]({busy})。\n\
         [応答なし]({silent})\n\
         <a href=\"{missing}\">HTMLのリンク</a>\n\
         [閉じた]({closed})、[メール](mailto:lab@example.org)、[上へ](#当日の流れ)\n",
        ok = u("/ok"),
        missing = u("/missing"),
        nohead = u("/nohead"),
        headless = u("/headless"),
        busy = u("/busy"),
        moved = u("/moved"),
        silent = u("/silent"),
    );
    std::fs::write(lab.join("report.md"), report).unwrap();
    let lab_yaml = std::fs::read_to_string(lab.join("lab.yaml"))
        .unwrap()
        .replace(
            "  - title: 1on1実践\n",
            &format!(
                "  - title: 1on1実践\n    description: 進め方は[手引き]({})を参照\n",
                u("/missing")
            ),
        );
    std::fs::write(lab.join("lab.yaml"), lab_yaml).unwrap();
    std::fs::create_dir_all(content.join("pages")).unwrap();
    std::fs::write(
        content.join("pages/about.md"),
        format!(
            "---\ntitle: このサイトについて\n---\n## 運営\n\n[同じ資料]({})、[和名の資料]({})\n",
            u("/ok"),
            u("/資料")
        ),
    )
    .unwrap();
    let next = content.join("labs/2027-02-04");
    std::fs::create_dir_all(&next).unwrap();
    std::fs::write(
        next.join("lab.yaml"),
        format!(
            "title: テストラボ 第2回\nnumber: 2\ndate: 2027-02-04\nstart: \"18:00\"\nend: \"20:30\"\n\
             venue:\n  online: true\n  name: Zoom\nstatus: planned\nsummary: 次回のラボ\n\
             recruitment:\n  capacity: 6\n  fee: 無料\n  audience: マネジャーの方\n  apply_url: {}\n",
            u("/nohead")
        ),
    )
    .unwrap();
    dir
}

fn check_external(root: &Path) -> Run {
    let mut args = vec!["check", "--root", root.to_str().unwrap(), "--now", NOW];
    args.extend(["--external", "--external-timeout", "1"]);
    labsite(&args)
}

/// The errors of a run, each with its location: `(message, file:line:col)`.
fn errors(stderr: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(msg) = l.strip_prefix("error: ") else {
            continue;
        };
        if msg.starts_with("the site has") {
            continue;
        }
        let at = lines
            .get(i + 1)
            .and_then(|n| n.trim_start().strip_prefix("--> "))
            .unwrap_or("")
            .to_string();
        out.push((msg.to_string(), at));
    }
    out.sort();
    out
}

/// A port with nothing listening on it.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn broken_web_links_are_errors_where_they_are_written_and_successes_are_cached() {
    let server = Server::start();
    let closed = closed_port();
    let dir = site_linking_to(&server, closed);
    let u = |p: &str| server.url(p);

    let run = check_external(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = "content/labs/2025-11-13/report.md";
    let missing = format!(
        "broken external link `{}`: the server answered 404 Not Found",
        u("/missing")
    );
    let mut expected = vec![
        (missing.clone(), format!("{report}:6:1")),
        // Raw HTML: at its `href`.
        (missing.clone(), format!("{report}:9:4")),
        (
            missing.clone(),
            "content/labs/2025-11-13/lab.yaml:15:22".to_string(),
        ),
        (
            format!(
                "broken external link `{}`: no answer within 1 s",
                u("/silent")
            ),
            format!("{report}:8:1"),
        ),
        (
            format!(
                "broken external link `http://127.0.0.1:{closed}/`: the connection was refused"
            ),
            format!("{report}:10:1"),
        ),
    ];
    expected.sort();
    assert_eq!(errors(&run.stderr), expected, "{}", run.stderr);
    // A server that asks to be asked later is not known to be broken: a
    // warning where the link is written, and asked again next run.
    let busy = format!(
        "warning: external link `{}` not checked: the server answered 429 Too Many Requests",
        u("/busy")
    );
    let at = run.stderr.lines().position(|l| l == busy);
    assert!(
        at.is_some_and(|i| run
            .stderr
            .lines()
            .nth(i + 1)
            .unwrap_or("")
            .trim_start()
            .starts_with(&format!("--> {report}:7:"))),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the site has 5 errors"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("3 of 9 external addresses (0 from the cache) broken"),
        "{}",
        run.stderr
    );

    // Each address once, however many places link to it (`/ok` from the
    // report, the free page and `organizer.url`; `/nohead` from the report
    // and `apply_url`); `/moved` leads to `/ok` a second time.
    let first = server.counts();
    let want = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    assert_eq!(
        first,
        want(&[
            ("HEAD /ok", 2),
            ("HEAD /missing", 1),
            ("GET /missing", 1),
            ("HEAD /nohead", 1),
            ("GET /nohead", 1),
            ("HEAD /headless", 1),
            ("GET /headless", 1),
            ("HEAD /busy", 1),
            ("GET /busy", 1),
            ("HEAD /moved", 1),
            ("HEAD /silent", 1),
            ("HEAD /%E8%B3%87%E6%96%99", 1),
        ])
    );
    let cache = std::fs::read_to_string(dir.path().join(".labsite-cache/links.json")).unwrap();
    for ok in ["/ok", "/nohead", "/headless", "/moved"] {
        assert!(cache.contains(&format!("\"{}\"", u(ok))), "{cache}");
    }
    assert!(
        !cache.contains("/missing") && !cache.contains("/silent"),
        "{cache}"
    );

    // A second run: the successes come from the cache, the failures are
    // requested again and reported again.
    let again = check_external(dir.path());
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert_eq!(errors(&again.stderr), expected, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("3 of 9 external addresses (5 from the cache) broken"),
        "{}",
        again.stderr
    );
    let second = server.counts();
    assert_eq!(
        second,
        want(&[
            ("HEAD /ok", 2),
            ("HEAD /missing", 2),
            ("GET /missing", 2),
            ("HEAD /nohead", 1),
            ("GET /nohead", 1),
            ("HEAD /headless", 1),
            ("GET /headless", 1),
            ("HEAD /busy", 2),
            ("GET /busy", 2),
            ("HEAD /moved", 1),
            ("HEAD /silent", 2),
            ("HEAD /%E8%B3%87%E6%96%99", 1),
        ])
    );
}

#[test]
fn check_and_build_without_external_make_no_request() {
    let server = Server::start();
    let dir = site_linking_to(&server, closed_port());
    let root = dir.path().to_str().unwrap();
    let run = labsite(&["check", "--root", root, "--now", NOW]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = tempfile::tempdir().unwrap();
    let run = labsite(&[
        "build",
        "--root",
        root,
        "--out",
        out.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The links are published, and nothing asked the server for them.
    let report = std::fs::read_to_string(out.path().join("labs/2025-11-13/index.html")).unwrap();
    assert!(report.contains(&server.url("/missing")), "{report}");
    assert_eq!(server.total(), 0, "{:?}", server.counts());
    assert!(!dir.path().join(".labsite-cache/links.json").exists());
}

#[test]
fn external_options_need_external() {
    let run = labsite(&["check", "--external-timeout", "1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--external"), "{}", run.stderr);
    let run = labsite(&["check", "--external", "--external-timeout", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// The network stays out of `build` and `serve` by construction: the HTTP
/// client is used in `links/external.rs` alone, and only the commands
/// (`check`, and `main` for its options) reach that module.
#[test]
fn only_the_check_command_reaches_the_network_code() {
    let src = common::repo().join("src");
    let mut offenders = Vec::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        if text.contains("ureq") && rel != "links/external.rs" {
            offenders.push(format!("{rel} uses the HTTP client"));
        }
        let reaches = text.contains("links::external") || text.contains("external::check");
        if reaches
            && !matches!(
                rel.as_str(),
                "cmd/check.rs" | "main.rs" | "links/external.rs"
            )
        {
            offenders.push(format!("{rel} reaches links::external"));
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[test]
fn a_site_with_errors_is_fixed_first_and_nothing_is_requested() {
    let server = Server::start();
    let dir = site_linking_to(&server, closed_port());
    let about = dir.path().join("content/pages/about.md");
    let text = std::fs::read_to_string(&about).unwrap() + "[なし](/nowhere/)\n";
    std::fs::write(&about, text).unwrap();
    let run = check_external(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("broken link `/nowhere/`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("note: external links are checked once the site has no other errors"),
        "{}",
        run.stderr
    );
    assert_eq!(server.total(), 0, "{:?}", server.counts());
}

#[test]
fn a_server_that_asks_to_wait_is_a_warning_that_deny_warnings_makes_fail() {
    let server = Server::start();
    let dir = copy_site(&site("minimal"));
    let content = dir.path().join("content");
    let site_yaml = std::fs::read_to_string(content.join("site.yaml"))
        .unwrap()
        .replace(
            "url: https://example.org/\n",
            &format!("url: {}\n", server.url("/ok")),
        )
        .replace("email: lab@example.org", "email: lab@labsite.test");
    std::fs::write(content.join("site.yaml"), site_yaml).unwrap();
    let lab = content.join("labs/2025-11-13");
    let lab_yaml = std::fs::read_to_string(lab.join("lab.yaml"))
        .unwrap()
        .replace(
            "name: 青木 一郎\n",
            "name: 青木 一郎\n    kana: あおき いちろう\n",
        )
        .replace(
            "name: 石田 花子\n",
            "name: 石田 花子\n    kana: いしだ はなこ\n",
        )
        .replace(
            "name: 上野 次郎\n",
            "name: 上野 次郎\n    kana: うえの じろう\n",
        );
    std::fs::write(lab.join("lab.yaml"), lab_yaml).unwrap();
    std::fs::write(
        lab.join("report.md"),
        format!(
            "---\ndescription: テストの報告\n---\n混み合うサイトの[資料]({})。\n",
            server.url("/busy")
        ),
    )
    .unwrap();
    let root = dir.path().to_str().unwrap();
    let base = ["check", "--root", root, "--now", NOW, "--external"];

    let run = labsite(&base);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "warning: external link `{}` not checked: the server answered 429 Too Many Requests",
            server.url("/busy")
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/labs/2025-11-13/report.md:4:"),
        "{}",
        run.stderr
    );

    let mut strict = base.to_vec();
    strict.push("--deny-warnings");
    let run = labsite(&strict);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: external link")
            && run.stderr.contains("made an error by --deny-warnings"),
        "{}",
        run.stderr
    );
}
