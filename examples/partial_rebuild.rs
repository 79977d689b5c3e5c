//! How long `serve` takes to rebuild after one `report.md` edit, without
//! the watcher's debounce or the HTTP side: the partial rebuild alone.
//!
//! ```text
//! cargo run --release --example partial_rebuild -- --root SITE [--edits 20]
//! ```
//!
//! Edits the newest held lab's report.md in place (and restores it at the
//! end), so run it on a generated corpus or a copy, not on a site you care
//! about. Prints p50/p95 of the rebuild and the time of the first full build.

use std::path::PathBuf;
use std::time::Instant;

use labsite::pipeline::{BuildOptions, Session};

fn main() {
    let mut root = PathBuf::from(".");
    let mut edits = 20usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = args.next().map(PathBuf::from).expect("--root DIR"),
            "--edits" => edits = args.next().and_then(|n| n.parse().ok()).expect("--edits N"),
            other => panic!("unknown argument {other}"),
        }
    }
    let opts = BuildOptions {
        now: Some(chrono::Utc::now()),
        ..BuildOptions::default()
    };
    let started = Instant::now();
    let mut session =
        Session::build(&root, &opts).unwrap_or_else(|e| panic!("the site does not build: {e:?}"));
    let full_ms = started.elapsed().as_secs_f64() * 1000.0;
    let lab = session
        .files()
        .keys()
        .filter_map(|p| {
            p.strip_prefix("labs/")
                .and_then(|r| r.strip_suffix("/index.html"))
        })
        .filter(|id| !id.contains('/'))
        .max()
        .map(str::to_string)
        .expect("a lab with a report");
    let rel = format!("content/labs/{lab}/report.md");
    let path = root.join(&rel);
    let original = std::fs::read_to_string(&path).expect("report.md");
    let mut times = Vec::new();
    for n in 0..edits {
        std::fs::write(&path, format!("{original}\n\n編集 {n}\n")).unwrap();
        let t = Instant::now();
        let r = session
            .rebuild(std::slice::from_ref(&rel), &opts)
            .expect("rebuild");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(!r.full);
    }
    std::fs::write(&path, original).unwrap();
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "site: {} ({} files); full build {full_ms:.0} ms; partial rebuild after a report.md edit: n={} p50={:.1} ms p95={:.1} ms",
        root.display(),
        session.files().len(),
        times.len(),
        pct(0.5),
        pct(0.95)
    );
}
