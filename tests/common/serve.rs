//! A running `labsite serve` for the serve tests (`tests/serve.rs`,
//! `tests/serve_faults.rs`): started on a free port, its stderr collected,
//! killed when dropped.
//!
//! Tests wait for what the server says (a line on stderr), never for a
//! fixed time: each line wakes the waiters. [`WAIT`] only bounds a wait
//! for something that should come, so that a server that hangs fails the
//! test instead of stalling it; it is far above what a loaded machine
//! needs. To show that something did *not* happen (a second rebuild, a
//! stray event), a test calls [`Served::settle`]: the server handles file
//! events in order, so once the rebuild of a later, known save is logged,
//! everything the earlier change caused has been logged before it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::NOW;

/// The upper bound of any wait for the server (see the module comment).
pub const WAIT: Duration = Duration::from_secs(60);

/// A stylesheet of the theme that [`Served::settle`] writes to. A
/// stylesheet, so that its rebuild sends `css` and never reloads a page
/// under test; served as `/labsite-test-sentinel.css` and linked from
/// nothing.
pub const SENTINEL: &str = "themes/default/static/labsite-test-sentinel.css";

/// The server's stderr so far, and a signal for each new line.
#[derive(Default)]
struct Log {
    text: Mutex<String>,
    grew: Condvar,
}

/// A running `labsite serve`, killed when dropped.
pub struct Served {
    pub child: Child,
    pub port: u16,
    pub root: PathBuf,
    stderr: Arc<Log>,
    settled: AtomicUsize,
}

impl Served {
    /// `labsite serve --root ROOT --now NOW` plus `extra` (`--port 0`
    /// unless `extra` names a port), once it says where it serves.
    pub fn start(root: &Path, extra: &[&str]) -> Served {
        Served::start_within(root, extra, WAIT)
    }

    pub fn start_within(root: &Path, extra: &[&str], timeout: Duration) -> Served {
        let mut args = vec!["serve", "--root", root.to_str().unwrap(), "--now", NOW];
        if !extra.contains(&"--port") {
            args.extend(["--port", "0"]);
        }
        args.extend(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_labsite"))
            .args(&args)
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("LABSITE_TRACE_RELOAD")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start labsite serve");
        let stderr = Arc::new(Log::default());
        let pipe = child.stderr.take().unwrap();
        {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    let mut s = stderr.text.lock().unwrap();
                    s.push_str(&line);
                    s.push('\n');
                    stderr.grew.notify_all();
                }
            });
        }
        let mut served = Served {
            child,
            port: 0,
            root: root.to_path_buf(),
            stderr,
            settled: AtomicUsize::new(0),
        };
        let text = served.wait_for_log("serving http://", timeout);
        let url = text
            .lines()
            .find_map(|l| l.strip_prefix("serving "))
            .unwrap()
            .to_string();
        assert!(url.ends_with("/ (Ctrl-C to stop)"), "{url}");
        let port = url
            .trim_start_matches("http://127.0.0.1:")
            .split('/')
            .next()
            .unwrap();
        served.port = port.parse().unwrap_or_else(|_| panic!("a port in {url}"));
        served
    }

    pub fn log(&self) -> String {
        self.stderr.text.lock().unwrap().clone()
    }

    /// Wait until the log satisfies `done` (checked at each new line);
    /// `what` names it in the panic.
    pub fn wait_for(&self, timeout: Duration, what: &str, done: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + timeout;
        let mut log = self.stderr.text.lock().unwrap();
        loop {
            if done(log.as_str()) {
                return log.clone();
            }
            let Some(left) = end.checked_duration_since(Instant::now()) else {
                panic!("no {what} from labsite serve in {timeout:?}; stderr:\n{log}");
            };
            log = self.stderr.grew.wait_timeout(log, left).unwrap().0;
        }
    }

    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> String {
        self.wait_for(timeout, &format!("`{needle}`"), |l| l.contains(needle))
    }

    /// Lines of the log that contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.log().lines().filter(|l| l.contains(needle)).count()
    }

    /// Successful rebuilds so far.
    pub fn rebuilds(&self) -> usize {
        self.count(" → rebuilt ")
    }

    /// Rebuilds so far, good or failed (one line each).
    pub fn builds(&self) -> usize {
        self.count(" → ")
    }

    /// Wait for a build after the first `seen` (good or failed).
    pub fn wait_build_after(&self, seen: usize, what: &str) {
        self.wait_for(WAIT, &format!("rebuild after {what}"), |log| {
            log.lines().filter(|l| l.contains(" → ")).count() > seen
        });
    }

    /// The number of the build being served (as the pages and the `hello`,
    /// `reload` and `css` events carry it): one per good build.
    pub fn generation(&self) -> u64 {
        generation_in(&self.log())
    }

    /// Wait until build `n` is served and logged.
    pub fn wait_generation(&self, n: u64) {
        self.wait_for(WAIT, &format!("build {n}"), |log| generation_in(log) >= n);
    }

    /// Save [`SENTINEL`] and wait for its rebuild, so that everything that
    /// earlier changes caused has happened (see the module comment).
    /// Returns that rebuild's line: `changed themes/…/labsite-test-sentinel.css
    /// → rebuilt …` alone when nothing of an earlier change was still to
    /// come, or with other paths when their late events joined its batch.
    pub fn settle(&self) -> String {
        let n = self.settled.fetch_add(1, Ordering::SeqCst);
        let is_sentinel = |l: &&str| l.contains(" → ") && l.contains(SENTINEL);
        let before = self.log().lines().filter(is_sentinel).count();
        std::fs::write(self.path(SENTINEL), format!("/* settle {n} */\n")).unwrap();
        let log = self.wait_for(WAIT, "rebuild of the sentinel", |log| {
            log.lines().filter(is_sentinel).count() > before
        });
        log.lines()
            .filter(is_sentinel)
            .nth(before)
            .unwrap()
            .to_string()
    }

    /// Whether `line` (from [`Served::settle`]) is the sentinel's alone.
    pub fn only_sentinel(line: &str) -> bool {
        line.starts_with(&format!("changed {SENTINEL} → rebuilt "))
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// [`Served::generation`] of a log.
fn generation_in(log: &str) -> u64 {
    let first = log.lines().filter(|l| l.starts_with("built ")).count();
    let rebuilt = log.lines().filter(|l| l.contains(" → rebuilt ")).count();
    (first + rebuilt) as u64
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
