//! Save-to-reload latency of `labsite serve`: from the moment a file is
//! written to the moment the `reload` event reaches a connected page.
//!
//! ```text
//! cargo run --release --example serve_latency -- [--root SITE] [--edits 30]
//! ```
//!
//! The server runs in this process (the same code as `labsite serve`) on a
//! copy of the site (default: the example site at the repository root) in a
//! temporary folder, so the site itself is never edited. A live-reload
//! client reads the event stream over TCP; each edit appends a line to the
//! newest lab's report.md, timestamps the write, and waits for `reload`.
//! Prints p50/p95 of that, and of `build_site` alone for comparison.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use labsite::pipeline::{BuildOptions, build_site};
use labsite::serve::{ServeConfig, start};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn summary(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{name}: n={} p50={:.1} ms p95={:.1} ms min={:.1} ms max={:.1} ms",
        ms.len(),
        percentile(&ms, 50.0),
        percentile(&ms, 95.0),
        ms[0],
        ms[ms.len() - 1]
    );
}

/// Events of the live-reload stream, each with the time it arrived.
fn events(port: u16) -> Receiver<(String, Instant)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.write_all(b"GET /__labsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if let Some(name) = line.strip_prefix("event: ")
                && tx.send((name.to_string(), Instant::now())).is_err()
            {
                break;
            }
        }
    });
    rx
}

fn main() {
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut edits = 30usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = PathBuf::from(args.next().expect("--root DIR")),
            "--edits" => edits = args.next().and_then(|n| n.parse().ok()).expect("--edits N"),
            _ => {
                eprintln!("usage: serve_latency [--root SITE] [--edits N]");
                std::process::exit(2);
            }
        }
    }
    let (copy, report, original) = common::site_copy(&root);
    let site = copy.path();

    let build = BuildOptions {
        now: Some(chrono::Utc::now()),
        ..BuildOptions::default()
    };
    let running = start(ServeConfig {
        root: site.to_path_buf(),
        bind: IpAddr::from([127, 0, 0, 1]),
        port: 0,
        build: build.clone(),
    })
    .expect("start the server");
    let rx = events(running.port());
    let wait = |name: &str, timeout: Duration| -> Option<Instant> {
        let end = Instant::now() + timeout;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok((n, at)) if n == name => return Some(at),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    };
    wait("hello", Duration::from_secs(5)).expect("the event stream");

    let mut latencies = Vec::with_capacity(edits);
    for i in 0..edits {
        let written = Instant::now();
        std::fs::write(&report, format!("{original}\n\nlatency edit {i}\n")).unwrap();
        let at = wait("reload", Duration::from_secs(10)).expect("a reload after the edit");
        latencies.push(at.duration_since(written).as_secs_f64() * 1000.0);
        // Let the save's last events settle so edits are not merged.
        std::thread::sleep(Duration::from_millis(150));
    }
    std::fs::write(&report, &original).unwrap();

    let mut builds = Vec::with_capacity(edits);
    for _ in 0..edits {
        let t = Instant::now();
        build_site(site, &build).expect("the site builds");
        builds.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let pages = running.site().pages;
    println!(
        "site: {} ({pages} pages), edited {}",
        root.display(),
        report.strip_prefix(site).unwrap().display()
    );
    summary("save to reload", latencies);
    summary("build_site alone", builds);
}
