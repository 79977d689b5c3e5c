//! A running `labsite serve` for the serve tests (`tests/serve.rs`,
//! `tests/serve_faults.rs`): started on a free port, its stderr collected,
//! killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{NOW, copy_tree, repo};

/// A copy of the example site (content and theme) in a temporary folder.
pub fn example_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    copy_tree(&repo().join("themes"), &dir.path().join("themes"));
    dir
}

/// A running `labsite serve`, killed when dropped.
pub struct Served {
    pub child: Child,
    pub port: u16,
    pub root: PathBuf,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    /// `labsite serve --root ROOT --now NOW` plus `extra` (`--port 0`
    /// unless `extra` names a port), once it says where it serves.
    pub fn start(root: &Path, extra: &[&str]) -> Served {
        Served::start_within(root, extra, Duration::from_secs(60))
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
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    let mut s = stderr.lock().unwrap();
                    s.push_str(&line);
                    s.push('\n');
                }
            });
        }
        let mut served = Served {
            child,
            port: 0,
            root: root.to_path_buf(),
            stderr,
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
        self.stderr.lock().unwrap().clone()
    }

    /// Wait until the log satisfies `done`; `what` names it in the panic.
    pub fn wait_for(&self, timeout: Duration, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let log = self.log();
            if done(&log) {
                return log;
            }
            assert!(
                start.elapsed() < timeout,
                "no {what} from labsite serve in {timeout:?}; stderr:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
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

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
