//! What the browser tests (`tests/browser/*.mjs`) need: Chromium, Node and
//! the npm packages of `tests/browser`. Without Chromium or Node a browser
//! test is skipped with a message; with them, it runs and its failures fail
//! the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::repo;

/// The browser and Node, ready to run a script of `tests/browser`.
pub struct Browser {
    pub chromium: PathBuf,
    pub node: PathBuf,
    /// `tests/browser`, its packages installed.
    pub dir: PathBuf,
}

fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Path::new(program).is_file().then(|| PathBuf::from(program));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    })
}

/// Chromium (`/usr/bin/chromium` or `LABSITE_CHROMIUM`) and Node, with the
/// npm packages installed (by `npm ci` when any is missing); `None`, after
/// saying that `test` is skipped, when Chromium or Node is not there.
pub fn browser(test: &str) -> Option<Browser> {
    let chromium = std::env::var("LABSITE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let (Some(chromium), Some(node)) = (which(&chromium), which("node")) else {
        eprintln!(
            "SKIPPED {test}: needs Chromium (/usr/bin/chromium or LABSITE_CHROMIUM) and node"
        );
        return None;
    };
    let dir = repo().join("tests/browser");
    let installed = ["playwright-core", "axe-core"]
        .iter()
        .all(|p| dir.join("node_modules").join(p).is_dir());
    if !installed {
        // .ci/run installs them; a fresh checkout gets them here.
        let npm = which("npm").expect(
            "tests/browser needs its packages: install npm, then run `npm ci --prefix tests/browser`",
        );
        let ok = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "`npm ci --prefix tests/browser` failed");
    }
    Some(Browser {
        chromium,
        node,
        dir,
    })
}

impl Browser {
    /// `node tests/browser/<script>` with `env` and `LABSITE_CHROMIUM`.
    pub fn run(&self, script: &str, env: &[(&str, &std::ffi::OsStr)]) -> std::process::Output {
        let mut cmd = Command::new(&self.node);
        cmd.arg(self.dir.join(script))
            .env("LABSITE_CHROMIUM", &self.chromium);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run node")
    }
}
