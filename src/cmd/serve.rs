//! `labsite serve`: build into memory, serve, rebuild on change, until
//! Ctrl-C.

use super::{EXIT_OK, EXIT_USAGE};
use crate::serve::{ServeConfig, start};

/// Open `url` in the desktop's browser; a failure is only a warning.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Err(e) = cmd.spawn() {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

pub fn run(cfg: ServeConfig, open: bool) -> i32 {
    let running = match start(cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    // Caught before the URL is printed: whoever reads it may stop us.
    let signals = match running.stop_signals() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot catch Ctrl-C: {e}");
            running.stop();
            return EXIT_USAGE;
        }
    };
    eprintln!("serving {} (Ctrl-C to stop)", running.url());
    if open {
        open_browser(running.url());
    }
    signals.wait();
    running.stop();
    eprintln!("stopped");
    EXIT_OK
}
