//! `labsite serve` through the real binary: HTTP answers, one rebuild per
//! save for every way editors save, errors kept out of the served site and
//! sent to the pages, and (when Chromium and Node are there) live reload in
//! a real browser.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use common::example_site;
use common::serve::{Served, WAIT};

const REPORT: &str = "content/labs/2025-11-13/report.md";
const LAB_YAML: &str = "content/labs/2025-11-13/lab.yaml";
const REPORT_PAGE: &str = "/labs/2025-11-13/";

/// What these tests ask of a running server besides the shared harness.
trait Requests {
    fn get(&self, path: &str) -> Reply;
    fn one_save(&self, what: &str, page: &str, save: impl FnOnce(), done: impl Fn(&Reply) -> bool);
}

impl Requests for Served {
    fn get(&self, path: &str) -> Reply {
        request(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        )
    }

    /// Make one save with `save`, then wait for the page at `page` to
    /// satisfy `done` (looked at after each rebuild) and check that exactly
    /// one rebuild happened.
    fn one_save(&self, what: &str, page: &str, save: impl FnOnce(), done: impl Fn(&Reply) -> bool) {
        let before = self.rebuilds();
        let mut seen = self.builds();
        save();
        loop {
            self.wait_build_after(seen, what);
            seen = self.builds();
            let reply = self.get(page);
            if done(&reply) && self.rebuilds() > before {
                break;
            }
        }
        // Late events of the same save would show up as a second rebuild,
        // or in the sentinel's batch.
        let settled = self.settle();
        assert!(
            Served::only_sentinel(&settled),
            "{what}: events of the save came after its rebuild: {settled}"
        );
        assert_eq!(
            self.rebuilds(),
            before + 2,
            "{what}: expected exactly one rebuild (and the sentinel's); stderr:\n{}",
            self.log()
        );
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Send a raw request (any request line at all) and read the whole reply.
fn request(port: u16, raw: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&buf)));
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: buf[split + 4..].to_vec(),
    }
}

/// A live-reload client: the events of `/__labsite/events` as (name, data).
struct Events {
    rx: Receiver<(String, String)>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.write_all(b"GET /__labsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(s);
            let mut head = String::new();
            while reader.read_line(&mut head).map(|n| n > 0).unwrap_or(false)
                && !head.ends_with("\r\n\r\n")
            {}
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            assert!(
                head.to_ascii_lowercase()
                    .contains("content-type: text/event-stream"),
                "{head}"
            );
            assert!(
                !head.to_ascii_lowercase().contains("content-length"),
                "{head}"
            );
            let (mut name, mut data) = (String::new(), Vec::<String>::new());
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if line.is_empty() {
                    if !name.is_empty()
                        && tx
                            .send((std::mem::take(&mut name), data.join("\n")))
                            .is_err()
                    {
                        break;
                    }
                    data.clear();
                } else if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push(d.to_string());
                }
            }
        });
        Events { rx }
    }

    /// The next event named `name` (others are skipped), waiting at most
    /// [`WAIT`].
    fn next(&self, name: &str) -> Option<String> {
        let end = Instant::now() + WAIT;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok((n, d)) if n == name => return Some(d),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }

    /// Every event until the server has settled ([`Served::settle`]): the
    /// events of the changes made so far, without the sentinel's own.
    fn settled(&self, s: &Served) -> Vec<(String, String)> {
        s.settle();
        // The sentinel's rebuild was the last one; its event carries its
        // build number.
        let last = s.generation().to_string();
        let mut out = Vec::new();
        let end = Instant::now() + WAIT;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok((n, d)) if (n == "css" || n == "reload") && d == last => return out,
                Ok(e) => out.push(e),
                Err(_) => break,
            }
        }
        panic!(
            "no event for the sentinel's build {last}; got {out:?}; stderr:\n{}",
            s.log()
        );
    }
}

fn append(path: &Path, text: &str) {
    let mut old = std::fs::read_to_string(path).unwrap();
    old.push_str(text);
    std::fs::write(path, old).unwrap();
}

// ---------------------------------------------------------------- HTTP

#[test]
fn serves_the_site_from_memory_with_content_types() {
    let site = example_site();
    let s = Served::start(site.path(), &[]);

    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("Cache-Control"), Some("no-store"));
    let html = home.text();
    assert!(
        html.contains("/__labsite/events"),
        "the live reload script is injected"
    );
    assert!(
        html.contains(&format!("http://127.0.0.1:{}/", s.port)),
        "base_url is the served address"
    );

    let report = s.get(REPORT_PAGE);
    assert_eq!(report.status, 200);
    assert_eq!(
        report.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(report.text().contains("社名を背負わないから"));
    assert!(
        !report.text().contains("佐伯"),
        "served pages are past the leak gate"
    );

    let css = s.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));

    let ics = s.get("/labs/2027-01-21/lab.ics");
    assert_eq!(ics.status, 200);
    assert_eq!(
        ics.header("Content-Type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(ics.text().starts_with("BEGIN:VCALENDAR"));

    for (path, ty) in [
        ("/favicon.svg", "image/svg+xml"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/labs/2025-11-13/zoom-board.svg", "image/svg+xml"),
    ] {
        let r = s.get(path);
        assert_eq!(
            (r.status, r.header("Content-Type")),
            (200, Some(ty)),
            "{path}"
        );
    }

    let missing = s.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let built_404 = String::from_utf8(s.get("/404.html").body).unwrap();
    assert_eq!(missing.text(), built_404, "the site's own 404 page");
    assert!(missing.text().contains("kind-404"));

    let dir = s.get("/labs/2025-11-13?x=1");
    assert_eq!(dir.status, 301);
    assert_eq!(dir.header("Location"), Some("/labs/2025-11-13/?x=1"));
    assert_eq!(s.get("/labs").header("Location"), Some("/labs/"));

    let head = request(
        s.port,
        &format!("HEAD {REPORT_PAGE} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        head.header("Content-Length")
            .map(|l| l.parse::<usize>().unwrap()),
        Some(report.body.len())
    );
    assert!(head.body.is_empty(), "HEAD has no body");

    let post = request(
        s.port,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD"));
}

#[test]
fn paths_out_of_the_site_are_refused() {
    let site = example_site();
    // A file beside content/, and the sources themselves: neither is part
    // of the built site.
    std::fs::write(site.path().join("secret.txt"), "TOP-SECRET-MARKER\n").unwrap();
    let s = Served::start(site.path(), &[]);
    let site_yaml = std::fs::read_to_string(site.path().join("content/site.yaml")).unwrap();
    for target in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/labs/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/labs%2f..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/labs\\..\\..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/secret.txt%00.html",
        "/%00",
        "/content/site.yaml",
        "/../content/site.yaml",
        "/%2e%2e/content/site.yaml",
        "../secret.txt",
        "secret.txt",
        "/./secret.txt",
        "//secret.txt",
    ] {
        let r = request(
            s.port,
            &format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        );
        let body = r.text();
        assert!(
            matches!(r.status, 400 | 404),
            "{target}: status {}",
            r.status
        );
        assert!(
            !body.contains("TOP-SECRET-MARKER"),
            "{target} served a file outside the site"
        );
        assert!(
            !body.contains(site_yaml.lines().nth(1).unwrap()),
            "{target} served a source file"
        );
        assert!(!body.contains("root:x:0:0"), "{target} served /etc/passwd");
    }
    // The server is still fine.
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn a_taken_port_moves_to_the_next() {
    let site = example_site();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let s = Served::start(site.path(), &["--port", &port.to_string()]);
    let log = s.log();
    assert!(
        log.contains(&format!("port {port} is in use; serving on {}", s.port)),
        "{log}"
    );
    assert!(s.port > port && s.port <= port + 10, "{log}");
    assert!(
        log.contains(&format!(
            "serving http://127.0.0.1:{}/ (Ctrl-C to stop)",
            s.port
        )),
        "{log}"
    );
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn ctrl_c_stops_cleanly() {
    let site = example_site();
    let mut s = Served::start(site.path(), &[]);
    let _events = Events::connect(s.port);
    // SAFETY: sending a signal to our own child.
    let rc = unsafe { libc::kill(s.child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(rc, 0);
    // Exits (the open event stream ends with it), within the bound of any
    // wait.
    let start = Instant::now();
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(
            start.elapsed() < WAIT,
            "still running {WAIT:?} after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    s.wait_for_log("stopped", WAIT);
}

#[test]
fn not_a_site_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_labsite"))
        .args([
            "serve",
            "--root",
            dir.path().to_str().unwrap(),
            "--port",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("site.yaml not found"));
}

// ------------------------------------------------------------- watching

#[test]
fn every_way_of_saving_rebuilds_once() {
    let site = example_site();
    let s = Served::start(site.path(), &[]);
    let report = s.path(REPORT);
    let original = std::fs::read_to_string(&report).unwrap();
    let with = |mark: &str| format!("{original}\n{mark}\n");
    let shows = |mark: &'static str| move |r: &Reply| r.status == 200 && r.text().contains(mark);

    s.one_save(
        "write in place",
        REPORT_PAGE,
        || std::fs::write(&report, with("MARK-IN-PLACE")).unwrap(),
        shows("MARK-IN-PLACE"),
    );

    s.one_save(
        "write a temporary file, rename it over",
        REPORT_PAGE,
        || {
            let tmp = report.with_file_name(".report.md.tmp-1234");
            std::fs::write(&tmp, with("MARK-RENAMED-OVER")).unwrap();
            std::fs::rename(&tmp, &report).unwrap();
        },
        shows("MARK-RENAMED-OVER"),
    );

    s.one_save(
        "vim (probe file, swap file, backup by rename)",
        REPORT_PAGE,
        || {
            let dir = report.parent().unwrap();
            std::fs::write(dir.join(".report.md.swp"), "swap").unwrap();
            std::fs::write(dir.join("4913"), "").unwrap();
            std::fs::remove_file(dir.join("4913")).unwrap();
            std::fs::rename(&report, dir.join("report.md~")).unwrap();
            std::fs::write(&report, with("MARK-VIM")).unwrap();
            std::fs::remove_file(dir.join("report.md~")).unwrap();
            std::fs::remove_file(dir.join(".report.md.swp")).unwrap();
        },
        shows("MARK-VIM"),
    );

    s.one_save(
        "JetBrains safe write",
        REPORT_PAGE,
        || {
            let dir = report.parent().unwrap();
            std::fs::write(dir.join("report.md___jb_tmp___"), with("MARK-JETBRAINS")).unwrap();
            std::fs::rename(&report, dir.join("report.md___jb_old___")).unwrap();
            std::fs::rename(dir.join("report.md___jb_tmp___"), &report).unwrap();
            std::fs::remove_file(dir.join("report.md___jb_old___")).unwrap();
        },
        shows("MARK-JETBRAINS"),
    );

    s.one_save(
        "delete, then create again",
        REPORT_PAGE,
        || {
            std::fs::remove_file(&report).unwrap();
            std::fs::write(&report, with("MARK-RECREATED")).unwrap();
        },
        shows("MARK-RECREATED"),
    );

    let added = s.path("content/labs/2026-03-05");
    s.one_save(
        "a lab folder added",
        "/labs/",
        || {
            std::fs::create_dir(&added).unwrap();
            std::fs::write(
                added.join("lab.yaml"),
                "title: ADDED-LAB-TITLE\ndate: 2026-03-05\nstart: \"19:00\"\nend: \"21:30\"\nstatus: planned\n\
                 summary: added by a test\nvenue:\n  online: true\n  name: Zoom\n",
            )
            .unwrap();
        },
        shows("ADDED-LAB-TITLE"),
    );
    assert_eq!(s.get("/labs/2026-03-05/program/").status, 200);

    let renamed = s.path("content/labs/2026-03-06");
    s.one_save(
        "a lab folder renamed",
        "/labs/2026-03-06/program/",
        || std::fs::rename(&added, &renamed).unwrap(),
        |r| r.status == 200,
    );
    assert_eq!(s.get("/labs/2026-03-05/program/").status, 404);

    s.one_save(
        "a lab folder removed",
        "/labs/",
        || std::fs::remove_dir_all(&renamed).unwrap(),
        |r| r.status == 200 && !r.text().contains("ADDED-LAB-TITLE"),
    );

    s.one_save(
        "a new theme file",
        "/added.txt",
        || {
            std::fs::write(
                s.path("themes/default/static/added.txt"),
                "MARK-THEME-FILE\n",
            )
            .unwrap()
        },
        shows("MARK-THEME-FILE"),
    );

    // templates/ did not exist when serve started: the root is watched too.
    s.one_save(
        "a site templates/ folder created",
        "/no-such-page/",
        || {
            let theme_404 =
                std::fs::read_to_string(s.path("themes/default/templates/404.html")).unwrap();
            let (before, after) = theme_404
                .split_once("{% block content %}")
                .expect("404.html has a content block");
            std::fs::create_dir(s.path("templates")).unwrap();
            std::fs::write(
                s.path("templates/404.html"),
                format!("{before}{{% block content %}}<p>MARK-OVERRIDE</p>{after}"),
            )
            .unwrap();
        },
        |r| r.status == 404 && r.text().contains("MARK-OVERRIDE"),
    );

    s.one_save(
        "a template in the new templates/ folder edited",
        "/no-such-page/",
        || {
            let path = s.path("templates/404.html");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("MARK-OVERRIDE", "MARK-OVERRIDE-2")).unwrap();
        },
        |r| r.status == 404 && r.text().contains("MARK-OVERRIDE-2"),
    );

    // Editor droppings alone rebuild nothing.
    let before = s.rebuilds();
    let dir = report.parent().unwrap();
    for name in [
        ".report.md.swp",
        ".report.md.swx",
        "report.md~",
        "4913",
        "#report.md#",
        ".#report.md",
        "notes.tmp",
    ] {
        std::fs::write(dir.join(name), "x").unwrap();
    }
    std::fs::write(dir.join(".report.md.swp"), "xy").unwrap();
    for name in [
        ".report.md.swp",
        ".report.md.swx",
        "report.md~",
        "4913",
        "#report.md#",
        ".#report.md",
        "notes.tmp",
    ] {
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    // Nor does anything outside content/, themes/ and templates/.
    std::fs::create_dir_all(s.path("public")).unwrap();
    std::fs::write(s.path("public/index.html"), "x").unwrap();
    std::fs::write(s.path("README.md"), "x").unwrap();
    let settled = s.settle();
    assert!(
        Served::only_sentinel(&settled),
        "editor files joined a rebuild: {settled}"
    );
    assert_eq!(
        s.rebuilds(),
        before + 1,
        "editor files rebuilt the site (the one rebuild is the sentinel's); stderr:\n{}",
        s.log()
    );

    let log = s.log();
    assert!(
        // A report.md edit re-renders only its lab's pages (the listings
        // show nothing of the write-up): 2 of the 11.
        log.contains(&format!(
            "changed {REPORT} → rebuilt only the changed lab: 2 pages in "
        )),
        "{log}"
    );
    assert!(
        !log.contains("report.md~"),
        "ignored files are not listed as changed:\n{log}"
    );
}

// --------------------------------------------------------------- errors

#[test]
fn a_broken_change_keeps_the_last_good_build_and_reaches_the_page() {
    let site = example_site();
    let s = Served::start(site.path(), &[]);
    let events = Events::connect(s.port);
    assert_eq!(events.next("hello").as_deref(), Some("1"));
    let good = s.get(REPORT_PAGE).text();

    let lab_yaml = s.path(LAB_YAML);
    let original = std::fs::read_to_string(&lab_yaml).unwrap();
    std::fs::write(
        &lab_yaml,
        original.replace("\nstatus: held\n", "\nstatus: hed\n"),
    )
    .unwrap();
    let data = events.next("error").expect("an error event");
    let list: serde_json::Value =
        serde_json::from_str(&data).expect("the error event carries JSON");
    let first = &list[0];
    assert_eq!(first["location"], format!("{LAB_YAML}:8:9"), "{data}");
    assert_eq!(first["message"], "unknown status `hed`", "{data}");
    let rendered = first["rendered"].as_str().unwrap();
    assert!(
        rendered.contains(&format!("--> {LAB_YAML}:8:9")) && rendered.contains("status: hed"),
        "{rendered}"
    );

    // The terminal has the same text, as `build` prints it.
    let log = s.wait_for_log("still serving the last good build", WAIT);
    assert!(log.contains(rendered), "{log}");
    assert!(
        log.contains(&format!("changed {LAB_YAML} → build failed with 1 error")),
        "{log}"
    );

    // The last good build is still served.
    let now = s.get(REPORT_PAGE);
    assert_eq!(now.status, 200);
    assert_eq!(now.text(), good);

    // A page that connects now hears the error at once.
    let late = Events::connect(s.port);
    assert_eq!(late.next("hello").as_deref(), Some("1"));
    assert!(late.next("error").unwrap().contains("lab.yaml:8:9"));

    // Fixed: ok, then reload, and nothing else.
    let seen = s.builds();
    std::fs::write(&lab_yaml, &original).unwrap();
    s.wait_build_after(seen, "the fix");
    let got = events.settled(&s);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ok", "reload"], "{got:?}");
    assert_eq!(got[1].1, "2");

    // Even content/site.yaml gone for a moment does not stop it.
    let site_yaml = s.path("content/site.yaml");
    let yaml = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::remove_file(&site_yaml).unwrap();
    let data = events.next("error").expect("an error event");
    assert!(data.contains("site.yaml not found"), "{data}");
    assert_eq!(s.get(REPORT_PAGE).status, 200);
    std::fs::write(&site_yaml, yaml).unwrap();
    assert!(events.next("ok").is_some());
    // Build 3 was the sentinel's.
    assert_eq!(events.next("reload").as_deref(), Some("4"));
    s.wait_generation(4);

    // A stylesheet edit swaps styles instead of reloading.
    let seen = s.builds();
    append(
        &s.path("themes/default/static/style.css"),
        "\n.labsite-test { color: red; }\n",
    );
    s.wait_build_after(seen, "the stylesheet edit");
    let got = events.settled(&s);
    assert_eq!(got, [("css".to_string(), "5".to_string())], "{}", s.log());
    assert!(s.get("/style.css").text().contains(".labsite-test"));
    assert!(
        s.log().lines().any(|l| l
            .starts_with("changed themes/default/static/style.css → rebuilt ")
            && l.ends_with("(stylesheets swapped in place)")),
        "{}",
        s.log()
    );

    // `sed -i` writes a temporary file beside the stylesheet and renames
    // it over: still a stylesheet edit, and the temporary name is not a
    // change.
    let seen = s.builds();
    let css = s.path("themes/default/static/style.css");
    let tmp = css.with_file_name("sedAb12Cd");
    let text = std::fs::read_to_string(&css).unwrap();
    std::fs::write(&tmp, format!("{text}\n.labsite-sed {{ color: blue; }}\n")).unwrap();
    std::fs::rename(&tmp, &css).unwrap();
    s.wait_build_after(seen, "the sed -i edit");
    let build = s.generation().to_string();
    let got = events.settled(&s);
    assert_eq!(got, [("css".to_string(), build)], "{}", s.log());
    assert!(s.get("/style.css").text().contains(".labsite-sed"));
    assert!(!s.log().contains("sedAb12Cd"), "{}", s.log());
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let site = example_site();
    let lab_yaml = site.path().join(LAB_YAML);
    let original = std::fs::read_to_string(&lab_yaml).unwrap();
    std::fs::write(
        &lab_yaml,
        original.replace("\nstatus: held\n", "\nstatus: hed\n"),
    )
    .unwrap();
    let s = Served::start(site.path(), &[]);
    let page = s.get(REPORT_PAGE);
    assert_eq!(page.status, 503);
    assert!(page.text().contains("lab.yaml:8:9"), "{}", page.text());
    assert!(page.text().contains("/__labsite/events"));
    let events = Events::connect(s.port);
    assert_eq!(events.next("hello").as_deref(), Some("0"));
    assert!(events.next("error").is_some());

    std::fs::write(&lab_yaml, original).unwrap();
    assert!(events.next("ok").is_some(), "{}", s.log());
    assert_eq!(events.next("reload").as_deref(), Some("1"));
    assert_eq!(s.get(REPORT_PAGE).status, 200);
}

// -------------------------------------------------------------- browser

/// Edit, break, fix and restyle a served report page in headless Chromium
/// (tests/browser/live_reload.mjs, with playwright-core).
#[test]
fn live_reload_in_a_real_browser() {
    let Some(browser) = common::browser::browser("live_reload_in_a_real_browser") else {
        return;
    };
    let site = example_site();
    let s = Served::start(site.path(), &[]);
    let url = format!("http://127.0.0.1:{}{REPORT_PAGE}", s.port);
    let out = browser.run(
        "live_reload.mjs",
        &[
            ("LABSITE_URL", url.as_ref()),
            ("LABSITE_ROOT", site.path().as_os_str()),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{stderr}\nlabsite serve:\n{}",
        s.log()
    );
    assert!(stdout.contains("browser: all checks passed"), "{stdout}");
}
