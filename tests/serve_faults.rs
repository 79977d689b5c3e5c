//! `labsite serve` under faults, through the real binary: the content folder
//! gone for a while, a report.md that cannot be read (or would block a
//! reader forever), and a thousand file events in one second. In each, the
//! server keeps running, keeps answering from the last good build, says
//! what went wrong, and recovers.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::example_site;
use common::serve::{Served, WAIT};

const REPORT: &str = "content/labs/2025-11-13/report.md";
const REPORT_PAGE: &str = "/labs/2025-11-13/";
/// Text of the example report, on its page in every good build.
const REPORT_TEXT: &str = "社名を背負わないから";

/// How long any one request may take while things go wrong. Requests never
/// wait for a rebuild, so an answer takes milliseconds; a request stuck
/// behind a rebuild that blocks (a reader of a FIFO waits forever) would
/// never be answered. The bound only turns such a hang into a failure, and
/// is far above what a loaded 2-core machine needs.
const RESPONSIVE: Duration = Duration::from_secs(30);

/// `labsite serve` on `root`.
fn start(root: &Path) -> Served {
    Served::start(root, &[])
}

/// What these tests ask of a running server besides the shared harness.
trait Faults {
    fn failures(&self) -> usize;
    fn assert_alive(&mut self);
    fn get(&self, path: &str) -> (u16, String);
    fn wait_page(&self, path: &str, timeout: Duration, done: impl Fn(u16, &str) -> bool);
}

impl Faults for Served {
    /// Failed rebuilds so far.
    fn failures(&self) -> usize {
        self.count(" → build failed ")
    }

    fn assert_alive(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "labsite serve exited; stderr:\n{}",
            self.log()
        );
    }

    /// GET `path`, answered (status and body) within [`RESPONSIVE`].
    fn get(&self, path: &str) -> (u16, String) {
        let started = Instant::now();
        let reply = get(self.port, path, RESPONSIVE)
            .unwrap_or_else(|e| panic!("GET {path}: {e}; stderr:\n{}", self.log()));
        assert!(
            started.elapsed() < RESPONSIVE,
            "GET {path} took {:?}",
            started.elapsed()
        );
        reply
    }

    /// Poll `path` until its body satisfies `done`; every answer on the
    /// way must come within [`RESPONSIVE`].
    fn wait_page(&self, path: &str, timeout: Duration, done: impl Fn(u16, &str) -> bool) {
        let start = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if done(status, &body) {
                return;
            }
            assert!(
                start.elapsed() < timeout,
                "{path} did not change within {timeout:?} (status {status}); stderr:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn count(log: &str, needle: &str) -> usize {
    log.lines().filter(|l| l.contains(needle)).count()
}

/// One `Connection: close` GET: status and body, or what went wrong
/// (including no answer within `timeout`).
fn get(port: u16, path: &str, timeout: Duration) -> Result<(u16, String), String> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(timeout)).unwrap();
    s.set_write_timeout(Some(timeout)).unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no header end in {text:?}"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    Ok((status, body.to_string()))
}

/// While `during` runs, another thread keeps asking for `path`: every
/// answer must be a 200 within [`RESPONSIVE`]. Returns how many there were.
fn while_polling<T>(port: u16, path: &'static str, during: impl FnOnce() -> T) -> (T, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut answered = 0;
            while !stop.load(Ordering::SeqCst) {
                let started = Instant::now();
                match get(port, path, RESPONSIVE) {
                    Ok((200, _)) => answered += 1,
                    Ok((status, body)) => return Err(format!("status {status}: {body}")),
                    Err(e) => return Err(format!("{e} after {:?}", started.elapsed())),
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            Ok(answered)
        })
    };
    let out = during();
    stop.store(true, Ordering::SeqCst);
    let answered = poller
        .join()
        .unwrap()
        .unwrap_or_else(|e| panic!("GET {path} while under fault: {e}"));
    (out, answered)
}

#[test]
fn the_content_folder_gone_and_back() {
    let site = example_site();
    let away = tempfile::tempdir().expect("tempdir");
    let mut s = start(site.path());
    let (status, body) = s.get(REPORT_PAGE);
    assert_eq!(status, 200);
    assert!(body.contains(REPORT_TEXT));

    let moved = away.path().join("content");
    let ((), answered) = while_polling(s.port, REPORT_PAGE, || {
        let failures = s.failures();
        std::fs::rename(s.path("content"), &moved).unwrap();
        s.wait_for(WAIT, "failed rebuild", |log| {
            count(log, " → build failed ") > failures
        });
        // Gone for a while: still the last good build, with its text.
        for _ in 0..5 {
            let (status, body) = s.get(REPORT_PAGE);
            assert_eq!(status, 200, "the last good build is served");
            assert!(body.contains(REPORT_TEXT));
            std::thread::sleep(Duration::from_millis(100));
        }
        s.assert_alive();
    });
    assert!(answered > 0);
    let log = s.log();
    assert!(
        log.contains("content") && log.contains("still serving the last good build"),
        "the failure is reported; stderr:\n{log}"
    );

    // Back, edited while away.
    let report = moved.join("labs/2025-11-13/report.md");
    let mut text = std::fs::read_to_string(&report).unwrap();
    text.push_str("\n\nback from elsewhere\n");
    std::fs::write(&report, text).unwrap();
    let rebuilds = s.rebuilds();
    std::fs::rename(&moved, s.path("content")).unwrap();
    s.wait_page(REPORT_PAGE, WAIT, |status, body| {
        status == 200 && body.contains("back from elsewhere")
    });
    // The page can show the new build before its log line is read.
    s.wait_for(WAIT, "the rebuild logged", |log| {
        count(log, " → rebuilt ") > rebuilds
    });

    // Still watched after coming back: a later save rebuilds too.
    let mut text = std::fs::read_to_string(s.path(REPORT)).unwrap();
    text.push_str("\n\nedited after the return\n");
    std::fs::write(s.path(REPORT), text).unwrap();
    s.wait_page(REPORT_PAGE, WAIT, |status, body| {
        status == 200 && body.contains("edited after the return")
    });
    s.assert_alive();
}

/// The ways report.md is made unreadable.
#[derive(Clone, Copy, Debug)]
enum Unreadable {
    /// A named pipe: a reader blocks until a writer comes, which never does.
    Fifo,
    /// A folder of the same name.
    Folder,
    /// Mode 000 (as root, reads succeed anyway: only tried as another user).
    NoPermission,
}

fn make_unreadable(report: &Path, how: Unreadable) {
    use std::os::unix::fs::PermissionsExt;
    // Made beside the site (not watched) and renamed over: one event, and
    // the watcher never sees a half-made file.
    let staged = report.parent().unwrap().join("../../../staged-report");
    let _ = std::fs::remove_file(&staged);
    match how {
        Unreadable::Fifo => {
            let c = std::ffi::CString::new(staged.to_str().unwrap()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
            assert_eq!(rc, 0, "mkfifo: {}", std::io::Error::last_os_error());
            std::fs::remove_file(report).unwrap();
        }
        Unreadable::Folder => {
            std::fs::create_dir(&staged).unwrap();
            std::fs::write(staged.join("x.md"), "in a folder\n").unwrap();
            std::fs::remove_file(report).unwrap();
        }
        Unreadable::NoPermission => {
            std::fs::write(&staged, "unreadable\n").unwrap();
            std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
    }
    std::fs::rename(&staged, report).unwrap();
}

fn restore(report: &Path, text: &str) {
    match std::fs::symlink_metadata(report) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(report).unwrap(),
        Ok(_) => std::fs::remove_file(report).unwrap(),
        Err(_) => {}
    }
    std::fs::write(report, text).unwrap();
}

#[test]
fn an_unreadable_report_is_reported_and_recovered_from() {
    let site = example_site();
    let mut s = start(site.path());
    let report = s.path(REPORT);
    let original = std::fs::read_to_string(&report).unwrap();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut ways = vec![Unreadable::Fifo, Unreadable::Folder];
    if !root {
        ways.push(Unreadable::NoPermission);
    }
    for (i, how) in ways.into_iter().enumerate() {
        let failures = s.failures();
        let ((), _) = while_polling(s.port, REPORT_PAGE, || {
            make_unreadable(&report, how);
            let log = s.wait_for(WAIT, "failed rebuild", |log| {
                count(log, " → build failed ") > failures
            });
            assert!(
                log.contains(&format!("--> {REPORT}")),
                "{how:?}: the error names {REPORT}; stderr:\n{log}"
            );
            // The last good build, still with the report's text.
            let (status, body) = s.get(REPORT_PAGE);
            assert_eq!(status, 200, "{how:?}");
            assert!(body.contains(REPORT_TEXT), "{how:?}");
            let (status, _) = s.get("/");
            assert_eq!(status, 200, "{how:?}");
        });
        s.assert_alive();

        let marker = format!("readable again {i}");
        let rebuilds = s.rebuilds();
        restore(&report, &format!("{original}\n\n{marker}\n"));
        s.wait_page(REPORT_PAGE, WAIT, |status, body| {
            status == 200 && body.contains(&marker)
        });
        assert!(s.rebuilds() > rebuilds, "{how:?}");
        s.assert_alive();
    }
}

#[test]
fn a_thousand_events_in_a_second_are_a_few_rebuilds() {
    let site = example_site();
    let mut s = start(site.path());
    // Three Markdown files whose text shows, and two YAML files rewritten
    // with what they hold (a rebuild that reads one half-written may fail;
    // the last must not).
    let shown = [
        ("content/labs/2025-11-13/report.md", REPORT_PAGE),
        ("content/pages/about.md", "/about/"),
        ("content/pages/privacy.md", "/privacy/"),
    ];
    let same = ["content/labs/2025-11-13/lab.yaml", "content/program.yaml"];
    let texts: Vec<(PathBuf, String)> = shown
        .iter()
        .map(|(f, _)| *f)
        .chain(same)
        .map(|f| (s.path(f), std::fs::read_to_string(s.path(f)).unwrap()))
        .collect();
    let (rebuilds, failures) = (s.rebuilds(), s.failures());

    const ROUNDS: usize = 200;
    let (elapsed, answered) = while_polling(s.port, "/", || {
        let started = Instant::now();
        for round in 0..ROUNDS {
            for (i, (path, text)) in texts.iter().enumerate() {
                let text = if i < shown.len() {
                    format!("{text}\n\nburst {i} round {round}\n")
                } else {
                    text.clone()
                };
                std::fs::write(path, text).unwrap();
            }
            // 1,000 writes spread over about a second.
            std::thread::sleep(Duration::from_millis(4));
        }
        let elapsed = started.elapsed();
        // The last write shows on every page it changes.
        for (i, (_, page)) in shown.iter().enumerate() {
            let want = format!("burst {i} round {}", ROUNDS - 1);
            s.wait_page(page, WAIT, |status, body| {
                status == 200 && body.contains(&want)
            });
        }
        elapsed
    });
    assert!(answered > 0);
    // The rebuild after the last write has been served; nothing more
    // should come: the sentinel's rebuild is the next, counted out.
    let settled = s.settle();
    let builds = (s.rebuilds() - rebuilds - 1) + (s.failures() - failures);
    let log = s.log();
    assert!(
        (1..=20).contains(&builds),
        "{builds} rebuilds for {} writes in {elapsed:?}; stderr:\n{log}",
        ROUNDS * texts.len()
    );
    let last = log
        .lines()
        .rev()
        .filter(|l| l.contains(" → "))
        .find(|l| *l != settled)
        .unwrap_or_default();
    assert!(
        last.contains(" → rebuilt"),
        "the last build is good: {last}"
    );
    s.assert_alive();
    eprintln!(
        "{} writes in {elapsed:?}: {builds} builds, {answered} requests answered meanwhile",
        ROUNDS * texts.len()
    );
}

/// Wait on an event stream for `name`, reading raw lines.
fn stream_until(reader: &mut BufReader<TcpStream>, name: &str, timeout: Duration) -> bool {
    let end = Instant::now() + timeout;
    let mut line = String::new();
    while Instant::now() < end {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => return false,
            Ok(_) if line.trim_end() == format!("event: {name}") => return true,
            Ok(_) => {}
            Err(_) => {}
        }
    }
    false
}

/// Many pages opening their event streams at once, and a burst of
/// requests while they are open: every one is answered, and every stream
/// still carries events. (The server once ran on a thread pool that could
/// queue a connection behind threads that event streams held for good;
/// such a connection was never answered.)
#[test]
fn a_burst_of_event_streams_and_requests_is_all_answered() {
    let site = example_site();
    let mut s = start(site.path());
    let port = s.port;
    const N: usize = 40;
    let streams: Vec<_> = (0..N)
        .map(|_| {
            std::thread::spawn(move || {
                let mut t = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                t.set_read_timeout(Some(Duration::from_millis(200)))
                    .unwrap();
                t.write_all(b"GET /__labsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .unwrap();
                let mut reader = BufReader::new(t);
                let hello = stream_until(&mut reader, "hello", WAIT);
                (hello, reader)
            })
        })
        .collect();
    // Kept-alive requests whose connections then stay open, as a
    // browser's do.
    let requests: Vec<_> = (0..N)
        .map(|i| {
            std::thread::spawn(move || {
                let page = ["/", REPORT_PAGE, "/about/", "/privacy/"][i % 4];
                let mut t = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                t.set_read_timeout(Some(WAIT)).unwrap();
                let req = format!("GET {page} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                t.write_all(req.as_bytes()).unwrap();
                let mut reader = BufReader::new(t);
                let mut head = String::new();
                while !head.ends_with("\r\n\r\n") {
                    match reader.read_line(&mut head) {
                        Ok(n) if n > 0 => {}
                        _ => return Err(format!("{page}: no answer: {head:?}")),
                    }
                }
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().to_string())
                    })
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| format!("{page}: no length in {head:?}"))?;
                let mut body = vec![0; length];
                reader
                    .read_exact(&mut body)
                    .map_err(|e| format!("{page}: {e}"))?;
                let status: u16 = head
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                Ok((status, reader))
            })
        })
        .collect();
    let mut kept = Vec::new();
    for r in requests {
        let (status, conn) = r.join().unwrap().expect("every request is answered");
        assert_eq!(status, 200);
        kept.push(conn);
    }
    let mut readers = Vec::new();
    for t in streams {
        let (hello, reader) = t.join().unwrap();
        assert!(hello, "every event stream starts; stderr:\n{}", s.log());
        readers.push(reader);
    }
    // With the kept-alive connections still open, the streams carry events.
    let mut text = std::fs::read_to_string(s.path(REPORT)).unwrap();
    text.push_str("\n\nafter the burst\n");
    std::fs::write(s.path(REPORT), text).unwrap();
    for reader in &mut readers {
        assert!(
            stream_until(reader, "reload", WAIT),
            "every stream hears the reload; stderr:\n{}",
            s.log()
        );
    }
    let (status, body) = s.get(REPORT_PAGE);
    assert_eq!(status, 200);
    assert!(body.contains("after the burst"));
    s.assert_alive();
}
