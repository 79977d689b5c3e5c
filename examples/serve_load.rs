//! `labsite serve` under load: many clients asking for pages, as many
//! pages listening for live reload, and an edit every 500 ms, for a while;
//! then whether every request was answered and whether memory stayed flat.
//!
//! ```text
//! cargo run --release --example serve_load -- [--root SITE] [--clients 100] [--seconds 30] [--keep-alive]
//! ```
//!
//! The server runs in this process (the same code as `labsite serve`) on a
//! copy of the site (default: the example site at the repository root) in a
//! temporary folder, on 127.0.0.1 only. `--clients N` starts N HTTP clients,
//! each looping over the site's pages (those of its sitemap, and the
//! stylesheet), a connection per request (`Connection: close`) or, with
//! `--keep-alive`, one connection for all, and N live-reload listeners on
//! `/__labsite/events`; an editor appends a line to the newest lab's
//! report.md every 500 ms. The process's resident memory and thread count
//! are sampled every second (the clients are in the same process; they
//! keep a few bytes per request). Exits 1 when a request went unanswered or
//! failed, or when memory grew by more than 20% after the warm-up.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use labsite::pipeline::BuildOptions;
use labsite::serve::{ServeConfig, start};

/// A request not answered within this counts as an error.
const TIMEOUT: Duration = Duration::from_secs(5);

/// `VmRSS` (kB) and `Threads` of this process.
fn proc_status() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("Threads:"))
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

/// One keep-alive HTTP/1.1 connection.
struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
    /// Keep the connection for the next request, or ask for
    /// `Connection: close`.
    keep_alive: bool,
}

impl Client {
    fn connect(&self) -> std::io::Result<BufReader<TcpStream>> {
        let s = TcpStream::connect_timeout(&self.addr, TIMEOUT)?;
        s.set_read_timeout(Some(TIMEOUT))?;
        s.set_write_timeout(Some(TIMEOUT))?;
        s.set_nodelay(true)?;
        Ok(BufReader::new(s))
    }

    /// GET `path`: the status, or what went wrong. A connection the server
    /// closed between requests is opened again once (as browsers do);
    /// `reconnects` counts those.
    fn get(&mut self, path: &str, reconnects: &AtomicUsize) -> Result<u16, String> {
        let reused = self.conn.is_some();
        match self.try_get(path) {
            Ok(status) => Ok(status),
            Err((e, nothing_read)) => {
                self.conn = None;
                if reused && nothing_read {
                    reconnects.fetch_add(1, Ordering::Relaxed);
                    self.try_get(path).map_err(|(e, _)| {
                        self.conn = None;
                        e
                    })
                } else {
                    Err(e)
                }
            }
        }
    }

    /// The error, and whether no byte of an answer had come.
    fn try_get(&mut self, path: &str) -> Result<u16, (String, bool)> {
        if self.conn.is_none() {
            self.conn = Some(
                self.connect()
                    .map_err(|e| (format!("connect: {e}"), false))?,
            );
        }
        let conn = self.conn.as_mut().unwrap();
        let close_header = if self.keep_alive {
            ""
        } else {
            "Connection: close\r\n"
        };
        let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{close_header}\r\n");
        conn.get_mut()
            .write_all(req.as_bytes())
            .map_err(|e| (format!("write: {e}"), true))?;
        let mut line = String::new();
        match conn.read_line(&mut line) {
            Ok(0) => return Err(("closed before answering".into(), true)),
            Ok(_) => {}
            Err(e) => return Err((format!("read: {e}"), false)),
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| (format!("bad status line {line:?}"), false))?;
        let mut length = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            match conn.read_line(&mut line) {
                Ok(0) => return Err(("closed in the headers".into(), false)),
                Ok(_) => {}
                Err(e) => return Err((format!("read: {e}"), false)),
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((name, value)) = l.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse::<u64>().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.eq_ignore_ascii_case("chunked");
                } else if name.eq_ignore_ascii_case("connection") {
                    close = value.eq_ignore_ascii_case("close");
                }
            }
        }
        if chunked {
            // The server sends Content-Length; a chunked body is read too,
            // so the client does not depend on that.
            loop {
                line.clear();
                conn.read_line(&mut line)
                    .map_err(|e| (format!("chunk size: {e}"), false))?;
                let size = u64::from_str_radix(line.trim_end(), 16)
                    .map_err(|_| (format!("bad chunk size {line:?}"), false))?;
                if size == 0 {
                    // No trailers: the empty line that ends the body.
                    line.clear();
                    conn.read_line(&mut line)
                        .map_err(|e| (format!("body end: {e}"), false))?;
                    break;
                }
                read_exactly(conn, size + 2)?;
            }
        } else {
            let Some(length) = length else {
                return Err(("neither Content-Length nor chunked".into(), false));
            };
            read_exactly(conn, length)?;
        }
        if close || !self.keep_alive {
            self.conn = None;
        }
        Ok(status)
    }
}

/// Read and drop `n` bytes of a body.
fn read_exactly(conn: &mut BufReader<TcpStream>, n: u64) -> Result<(), (String, bool)> {
    let got = std::io::copy(&mut conn.by_ref().take(n), &mut std::io::sink())
        .map_err(|e| (format!("body: {e}"), false))?;
    if got != n {
        return Err((format!("body cut at {got} of {n} bytes"), false));
    }
    Ok(())
}

/// The site's pages: its sitemap's, the home page and the stylesheet.
fn pages(addr: SocketAddr, url: &str) -> Vec<String> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(b"GET /sitemap.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let mut out = vec!["/".to_string(), "/style.css".to_string()];
    for part in text.split("<loc>").skip(1) {
        if let Some(loc) = part.split("</loc>").next()
            && let Some(rest) = loc.strip_prefix(url)
        {
            let page = format!("/{rest}");
            if !out.contains(&page) {
                out.push(page);
            }
        }
    }
    out
}

/// A live-reload listener: counts `reload` events until `stop`; `Err` when
/// the stream ended or failed before that.
fn listen(addr: SocketAddr, stop: &AtomicBool) -> Result<usize, String> {
    let mut s = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| e.to_string())?;
    s.write_all(
        b"GET /__labsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
    )
    .map_err(|e| e.to_string())?;
    // Short reads let it notice `stop`; the heartbeat (15 s) keeps a quiet
    // stream alive.
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    let mut reloads = 0;
    let mut hello = false;
    let mut last_data = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        match reader.read_line(&mut line) {
            Ok(0) => return Err("the event stream ended".into()),
            Ok(_) if line.ends_with('\n') => {
                last_data = Instant::now();
                if line.starts_with("event: hello") {
                    hello = true;
                } else if line.starts_with("event: reload") {
                    reloads += 1;
                }
                line.clear();
            }
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if last_data.elapsed() > Duration::from_secs(20) {
                    return Err("nothing on the event stream for 20 s".into());
                }
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    if !hello {
        return Err("no hello".into());
    }
    Ok(reloads)
}

struct Stats {
    latencies_us: Vec<u32>,
    answered: usize,
    errors: Vec<String>,
}

fn main() {
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut clients = 100usize;
    let mut seconds = 30u64;
    let mut keep_alive = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |flag: &str| -> u64 {
            args.next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{flag} N"))
        };
        match a.as_str() {
            "--root" => root = PathBuf::from(args.next().expect("--root DIR")),
            "--clients" => clients = num("--clients") as usize,
            "--seconds" => seconds = num("--seconds").max(2),
            "--keep-alive" => keep_alive = true,
            _ => {
                eprintln!(
                    "usage: serve_load [--root SITE] [--clients N] [--seconds S] [--keep-alive]"
                );
                std::process::exit(2);
            }
        }
    }
    let (copy, report, original) = common::site_copy(&root);
    let site = copy.path().to_path_buf();

    let (rss_before, threads_before) = proc_status();
    let running = start(ServeConfig {
        root: site.clone(),
        bind: IpAddr::from([127, 0, 0, 1]),
        port: 0,
        build: BuildOptions {
            now: Some(chrono::Utc::now()),
            ..BuildOptions::default()
        },
    })
    .expect("start the server");
    let addr = SocketAddr::from(([127, 0, 0, 1], running.port()));
    let pages = Arc::new(pages(addr, running.url()));
    let (rss_start, _) = proc_status();
    println!(
        "site: {} ({} pages served, {} URLs asked for), {clients} clients ({}) + {clients} listeners, {seconds} s",
        root.display(),
        running.site().pages,
        pages.len(),
        if keep_alive {
            "keep-alive"
        } else {
            "Connection: close"
        }
    );

    let stop = Arc::new(AtomicBool::new(false));
    let reconnects = Arc::new(AtomicUsize::new(0));
    let listeners: Vec<_> = (0..clients)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || listen(addr, &stop))
        })
        .collect();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let requesters: Vec<_> = (0..clients)
        .map(|c| {
            let pages = pages.clone();
            let reconnects = reconnects.clone();
            std::thread::spawn(move || {
                let mut client = Client {
                    addr,
                    conn: None,
                    keep_alive,
                };
                let mut stats = Stats {
                    latencies_us: Vec::with_capacity(4096),
                    answered: 0,
                    errors: Vec::new(),
                };
                let mut i = c;
                while Instant::now() < deadline {
                    let page = &pages[i % pages.len()];
                    i += 1;
                    let t = Instant::now();
                    let result = client.get(page, &reconnects);
                    let us = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
                    match result {
                        Ok(200) => {
                            stats.answered += 1;
                            stats.latencies_us.push(us);
                        }
                        Ok(status) => stats.errors.push(format!("{page}: status {status}")),
                        Err(e) => stats.errors.push(format!("{page}: {e}")),
                    }
                }
                stats
            })
        })
        .collect();
    let edits = Arc::new(AtomicUsize::new(0));
    let editor = {
        let (stop, edits, report, original) = (
            stop.clone(),
            edits.clone(),
            report.clone(),
            original.clone(),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let n = edits.fetch_add(1, Ordering::Relaxed);
                std::fs::write(&report, format!("{original}\n\nload edit {n}\n")).unwrap();
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };

    // Resident memory and threads, every second.
    let mut samples: Vec<(u64, u64)> = Vec::new();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_secs(1));
        samples.push(proc_status());
    }
    let mut stats = Stats {
        latencies_us: Vec::new(),
        answered: 0,
        errors: Vec::new(),
    };
    for r in requesters {
        let s = r.join().expect("a client");
        stats.answered += s.answered;
        stats.latencies_us.extend(s.latencies_us);
        stats.errors.extend(s.errors);
    }
    stop.store(true, Ordering::Relaxed);
    editor.join().unwrap();
    let mut reloads = Vec::new();
    let mut listener_errors = Vec::new();
    for l in listeners {
        match l.join().expect("a listener") {
            Ok(n) => reloads.push(n),
            Err(e) => listener_errors.push(e),
        }
    }
    let elapsed = started.elapsed();

    // The clients are gone: a few more saves let the server notice, and
    // drop the event streams whose pages went away.
    let settle = Instant::now();
    for n in 0..3 {
        std::fs::write(&report, format!("{original}\n\nafter the load {n}\n")).unwrap();
        std::thread::sleep(Duration::from_millis(400));
    }
    let (threads_after, streams_after) = loop {
        let (_, t) = proc_status();
        let streams = running.event_streams();
        if (t <= threads_before + 20 && streams == 0) || settle.elapsed() > Duration::from_secs(15)
        {
            break (t, streams);
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    std::fs::write(&report, &original).unwrap();

    stats.latencies_us.sort_unstable();
    reloads.sort_unstable();
    let warm = samples[(samples.len() / 6).min(samples.len() - 1)].0;
    let middle = samples[samples.len() / 2].0;
    let end = samples[samples.len() - 1].0;
    let max_rss = samples.iter().map(|s| s.0).max().unwrap_or(0);
    let max_threads = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let mb = |kb: u64| kb as f64 / 1024.0;
    let requests = stats.answered + stats.errors.len();
    println!(
        "requests: {requests} in {:.1} s ({:.0}/s), answered 200: {}, errors: {}, reconnects: {}",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        stats.answered,
        stats.errors.len(),
        reconnects.load(Ordering::Relaxed)
    );
    for e in stats.errors.iter().take(5) {
        println!("  error: {e}");
    }
    println!(
        "latency: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&stats.latencies_us, 50.0),
        percentile(&stats.latencies_us, 95.0),
        percentile(&stats.latencies_us, 99.0),
        percentile(&stats.latencies_us, 100.0),
    );
    let edits = edits.load(Ordering::Relaxed);
    println!(
        "reloads per listener: min {}, median {}, max {} ({edits} edits); listeners failed: {}",
        reloads.first().copied().unwrap_or(0),
        reloads.get(reloads.len() / 2).copied().unwrap_or(0),
        reloads.last().copied().unwrap_or(0),
        listener_errors.len()
    );
    for e in listener_errors.iter().take(5) {
        println!("  listener: {e}");
    }
    println!(
        "RSS: before start {:.1} MB, after the first build {:.1} MB, after warm-up {:.1} MB, middle {:.1} MB, end {:.1} MB, max {:.1} MB",
        mb(rss_before),
        mb(rss_start),
        mb(warm),
        mb(middle),
        mb(end),
        mb(max_rss)
    );
    println!(
        "threads: before start {threads_before}, max under load {max_threads}, {:.1} s after the clients left {threads_after}; event streams still open then: {streams_after}",
        settle.elapsed().as_secs_f64()
    );
    let growth = end as f64 / warm.max(1) as f64 - 1.0;
    let mut ok = true;
    if !stats.errors.is_empty() || !listener_errors.is_empty() {
        println!("FAIL: requests or event streams failed");
        ok = false;
    }
    if growth > 0.20 {
        println!("FAIL: memory grew {:.0}% after the warm-up", growth * 100.0);
        ok = false;
    }
    if ok {
        println!(
            "ok: every request answered; memory {:+.1}% from warm-up to end",
            growth * 100.0
        );
    }
    running.stop();
    std::process::exit(if ok { 0 } else { 1 });
}
