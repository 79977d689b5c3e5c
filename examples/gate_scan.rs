//! The leak gate alone: how long scanning a built site's files takes, and
//! how long building the automata takes, on one thread.
//!
//! ```text
//! cargo run --release --example gate_scan -- --root SITE --out BUILT [--rounds 3]
//! ```
//!
//! `SITE` gives the identity terms (its labs' participants and
//! `privacy.deny`); `BUILT` is a folder of files to scan, normally that
//! site's `labsite build` output. Prints the CPU time per round and MB/s;
//! the scan must find nothing (a built site passed the gate).

use std::path::PathBuf;
use std::time::Instant;

use labsite::privacy::gate::Gate;
use labsite::privacy::redact::Redactor;
use labsite::source::terms::{allowed_terms, collect_term_table};
use labsite::source::{LoadOptions, load_site};
use labsite::timings::thread_cpu_ns;

fn main() {
    let (mut root, mut out, mut rounds) = (PathBuf::from("."), None, 3usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = args.next().map(PathBuf::from).expect("--root DIR"),
            "--out" => out = args.next().map(PathBuf::from),
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--rounds N")
            }
            other => panic!("unknown argument {other}"),
        }
    }
    let out = out.expect("--out BUILT");
    let site = load_site(&root, &LoadOptions::default())
        .unwrap_or_else(|_| panic!("{} loads", root.display()));
    // As a build makes them: one table of the terms, both built from it.
    let (table, _) = collect_term_table(&site);
    let allow = allowed_terms(&site);
    let t = thread_cpu_ns();
    let redactor = Redactor::from_table(&table);
    let automaton_ms = (thread_cpu_ns() - t) as f64 / 1e6;
    let gate = Gate::from_table(&table, &allow).with_quick_automaton(redactor.automaton());
    let files: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file() && !e.path().to_string_lossy().contains(".labsite-output")
        })
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).expect("readable")).into_owned())
        .collect();
    let bytes: usize = files.iter().map(String::len).sum();
    println!(
        "{} distinct terms, {} files, {:.1} MB; automaton {automaton_ms:.0} ms CPU",
        table.patterns.len(),
        files.len(),
        bytes as f64 / 1e6
    );
    for round in 1..=rounds {
        let (cpu, wall) = (thread_cpu_ns(), Instant::now());
        let hits: usize = files.iter().map(|f| gate.scan(f).len()).sum();
        let cpu_s = (thread_cpu_ns() - cpu) as f64 / 1e9;
        println!(
            "round {round}: {:.0} ms CPU ({:.0} ms wall), {:.0} MB/s, {hits} hit(s)",
            cpu_s * 1e3,
            wall.elapsed().as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / cpu_s
        );
    }
}
