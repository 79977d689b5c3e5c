//! `labsite serve`: the site built into memory, served over HTTP, rebuilt
//! on every save and pushed to the open pages.
//!
//! The pipeline is the one `build` runs; only the end differs: the files
//! stay in memory ([`SiteFiles`]) and the HTTP server (axum on a tokio
//! runtime of its own) answers from there. The watcher and the rebuilds run
//! on a plain thread: a rebuild is CPU work, and requests never wait for
//! one.
//! A rebuild swaps the served site in one step and only then tells the
//! pages to reload, so a page never reloads into the old build. A failed
//! rebuild keeps the last good build served and sends the diagnostics to
//! the terminal and to the pages.

pub mod http;
pub mod reload;
pub mod watch;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::serve::ListenerExt;
use serde_json::json;

use crate::diagnostics::{Diagnostic, report};

use crate::pipeline::{BuildError, BuildOptions, Rebuilt, Session};
use reload::{Change, Hub};
use watch::{Batch, SiteWatcher};

/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 10;

/// Threads answering requests. Answers come from memory and event streams
/// are idle tasks, so two keep up with far more pages than a preview has;
/// the rest of the machine is left to the rebuilds.
const HTTP_THREADS: usize = 2;

/// The built site, as served. Files are shared between successive builds:
/// a rebuild that changes one lab replaces only that lab's entries.
#[derive(Clone)]
pub struct SiteFiles {
    /// `Bytes` so that a response shares the file instead of copying it.
    files: HashMap<String, Bytes>,
    /// Every folder that holds a file (`labs`, `labs/x`), for redirects.
    dirs: HashSet<String>,
    /// 1 for the first good build, then one more per good rebuild; 0 while
    /// nothing has built.
    pub generation: u64,
    pub pages: usize,
}

impl SiteFiles {
    fn empty() -> SiteFiles {
        SiteFiles::from_files(HashMap::new(), 0)
    }

    pub fn from_files(files: HashMap<String, Vec<u8>>, generation: u64) -> SiteFiles {
        let files = files
            .into_iter()
            .map(|(p, b)| (p, Bytes::from(b)))
            .collect();
        SiteFiles::from_shared(files, generation)
    }

    fn from_shared(files: HashMap<String, Bytes>, generation: u64) -> SiteFiles {
        let mut dirs = HashSet::new();
        for path in files.keys() {
            let mut p = path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                if !dirs.insert(parent.to_string()) {
                    break;
                }
                p = parent;
            }
        }
        SiteFiles {
            files,
            dirs,
            generation,
            pages: 0,
        }
    }

    /// The served form of a built file. A theme that leaves out
    /// `{{ live_reload_html | safe }}` still gets the script.
    fn served_bytes(path: &str, bytes: &[u8]) -> Bytes {
        let mut bytes = bytes.to_vec();
        if path.ends_with(".html")
            && memchr::memmem::find(&bytes, reload::SNIPPET_MARKER.as_bytes()).is_none()
        {
            let at = memchr::memmem::rfind(&bytes, b"</body>").unwrap_or(bytes.len());
            bytes.splice(at..at, reload::snippet_template().bytes());
        }
        Bytes::from(bytes)
    }

    /// The served site of a whole build.
    fn from_session(session: &Session, generation: u64) -> SiteFiles {
        let files = session
            .files()
            .iter()
            .map(|(p, f)| (p.clone(), SiteFiles::served_bytes(p, &f.bytes)))
            .collect();
        SiteFiles {
            pages: session.pages,
            ..SiteFiles::from_shared(files, generation)
        }
    }

    /// `self` with the files a rebuild changed or removed.
    fn updated(&self, session: &Session, rebuilt: &Rebuilt, generation: u64) -> SiteFiles {
        let mut files = self.files.clone();
        for p in &rebuilt.removed {
            files.remove(p);
        }
        for p in &rebuilt.changed {
            if let Some(f) = session.files().get(p) {
                files.insert(p.clone(), SiteFiles::served_bytes(p, &f.bytes));
            }
        }
        SiteFiles {
            pages: session.pages,
            ..SiteFiles::from_shared(files, generation)
        }
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| b.as_ref())
    }

    /// A file's bytes as a shared handle (no copy).
    pub fn bytes(&self, path: &str) -> Option<Bytes> {
        self.files.get(path).cloned()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        self.dirs.contains(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// What the HTTP handlers and the watcher share.
pub struct Shared {
    root: PathBuf,
    build: BuildOptions,
    site: RwLock<Arc<SiteFiles>>,
    /// The last good build, kept for partial rebuilds.
    session: Mutex<Option<Session>>,
    pub hub: Hub,
    trace: bool,
}

impl Shared {
    /// The site being served now (a cheap handle; a rebuild never changes
    /// it under a request).
    pub fn current(&self) -> Arc<SiteFiles> {
        self.site.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn swap(&self, site: SiteFiles) {
        *self.site.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(site);
    }
}

pub struct ServeConfig {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    /// As for `build`; the base URL and the live reload script are set here.
    pub build: BuildOptions,
}

/// A running server: the HTTP runtime and the watcher thread in the
/// background.
pub struct Running {
    url: String,
    port: u16,
    shared: Arc<Shared>,
    runtime: tokio::runtime::Runtime,
    /// Tells the server to stop accepting and finish what it is answering.
    shutdown: tokio::sync::watch::Sender<bool>,
    server: Mutex<Option<tokio::task::JoinHandle<std::io::Result<()>>>>,
}

/// How long [`Running::stop`] waits for answers under way to go out.
const GRACE: Duration = Duration::from_secs(5);

impl Running {
    /// `http://127.0.0.1:1111/`
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The site being served now.
    pub fn site(&self) -> Arc<SiteFiles> {
        self.shared.current()
    }

    /// Event streams (open pages) being served.
    pub fn event_streams(&self) -> usize {
        self.shared.hub.clients()
    }

    /// Stop: accept no more connections, end the event streams, and let
    /// the answers under way go out (for up to [`GRACE`]). Not to be called
    /// from inside the server's runtime.
    pub fn stop(&self) {
        let _ = self.shutdown.send(true);
        self.shared.hub.close();
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(server) = server {
            let done = self
                .runtime
                .block_on(async { tokio::time::timeout(GRACE, server).await });
            match done {
                Ok(Ok(Err(e))) => eprintln!("warning: the server stopped with an error: {e}"),
                Ok(_) => {}
                Err(_) => eprintln!(
                    "warning: connections still open after {} s; closing them",
                    GRACE.as_secs()
                ),
            }
        }
    }

    /// From now on, Ctrl-C (SIGINT) or SIGTERM ends [`StopSignals::wait`]
    /// instead of the process.
    pub fn stop_signals(&self) -> std::io::Result<StopSignals> {
        StopSignals::new(self.runtime.handle().clone())
    }
}

/// The signals that stop `labsite serve`, caught.
pub struct StopSignals {
    runtime: tokio::runtime::Handle,
    #[cfg(unix)]
    signals: [tokio::signal::unix::Signal; 2],
}

impl StopSignals {
    fn new(runtime: tokio::runtime::Handle) -> std::io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let _inside = runtime.enter();
            let signals = [
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
            ];
            Ok(StopSignals { runtime, signals })
        }
        #[cfg(not(unix))]
        Ok(StopSignals { runtime })
    }

    /// Block until one of the signals arrives.
    pub fn wait(self) {
        #[cfg(unix)]
        {
            let mut signals = self.signals;
            self.runtime.block_on(std::future::poll_fn(|cx| {
                if signals.iter_mut().any(|s| s.poll_recv(cx).is_ready()) {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            }));
        }
        #[cfg(not(unix))]
        {
            let _ = self.runtime.block_on(tokio::signal::ctrl_c());
        }
    }
}

/// Bind `port`, or the next free one of the ten after it.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, String> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    let mut p = port;
    loop {
        match TcpListener::bind(SocketAddr::new(ip, p)) {
            Ok(l) => {
                if p != port {
                    eprintln!("port {port} is in use; serving on {p}");
                }
                return Ok(l);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && p < last => p += 1,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
                return Err(format!(
                    "ports {port} to {last} on {ip} are all in use; choose another with --port"
                ));
            }
            Err(e) => return Err(format!("cannot listen on {}: {e}", SocketAddr::new(ip, p))),
        }
    }
}

/// The URL pages are served under: a browser cannot open 0.0.0.0, so an
/// "any address" bind is shown as loopback.
fn site_url(ip: IpAddr, port: u16) -> String {
    let shown = match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        other => other,
    };
    match shown {
        IpAddr::V4(v4) => format!("http://{v4}:{port}/"),
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}/"),
    }
}

/// Build the site, start watching and serving. Messages (port fallback, the
/// first build) go to stderr; the caller prints the URL.
pub fn start(cfg: ServeConfig) -> Result<Running, String> {
    let root = cfg
        .root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", cfg.root.display()))?;
    let site_yaml = root.join("content").join("site.yaml");
    if !site_yaml.is_file() {
        return Err(format!(
            "{} not found: is `{}` a labsite site? (`labsite init DIR` makes one)",
            site_yaml.display(),
            cfg.root.display()
        ));
    }
    let listener = bind(cfg.bind, cfg.port)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = site_url(cfg.bind, addr.port());
    if cfg.bind.is_unspecified() {
        eprintln!(
            "listening on every address ({}); other machines can reach it",
            addr.ip()
        );
    }

    let mut build = cfg.build;
    build.load.base_url = Some(url.clone());
    let shared = Arc::new(Shared {
        root,
        build,
        site: RwLock::new(Arc::new(SiteFiles::empty())),
        session: Mutex::new(None),
        hub: Hub::new(),
        trace: std::env::var_os("LABSITE_TRACE_RELOAD").is_some_and(|v| !v.is_empty() && v != "0"),
    });

    // Watch before the first build: a save during it is not lost.
    match SiteWatcher::new(&shared.root) {
        Ok(mut watcher) => {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("labsite-watch".into())
                .spawn(move || {
                    while let Some(batch) = watcher.next_batch() {
                        rebuild(&shared, &batch);
                    }
                })
                .map_err(|e| format!("cannot start the watcher: {e}"))?;
        }
        Err(e) => {
            eprintln!("warning: cannot watch the site ({e}); pages will not reload on change")
        }
    }

    first_build(&shared);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(HTTP_THREADS)
        .thread_name("labsite-http")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let listener = {
        let _inside = runtime.enter();
        listener
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpListener::from_std(listener))
            .map_err(|e| format!("cannot serve on {addr}: {e}"))?
    };
    // Nagle's algorithm off: an event is a few bytes that must go out now,
    // not when the previous segment is acknowledged.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = axum::Router::new()
        .fallback(http::handle)
        .with_state(shared.clone());
    let (shutdown, mut stopping) = tokio::sync::watch::channel(false);
    let server = runtime.spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(Running {
        url,
        port: addr.port(),
        shared,
        runtime,
        shutdown,
        server: Mutex::new(Some(server)),
    })
}

fn options(shared: &Shared) -> BuildOptions {
    BuildOptions {
        live_reload_html: reload::snippet_template(),
        ..shared.build.clone()
    }
}

fn first_build(shared: &Shared) {
    let started = Instant::now();
    match Session::build(&shared.root, &options(shared)) {
        Ok(session) => {
            print_warnings(&session.warnings());
            let pages = session.pages;
            shared.swap(SiteFiles::from_session(&session, 1));
            *shared.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(session);
            shared.hub.built(1, Change::Reload);
            eprintln!(
                "built {pages} pages in {} ms",
                started.elapsed().as_millis()
            );
        }
        Err(e) => {
            failed(shared, e);
            eprintln!("the site has errors: serving a page that lists them until they are fixed");
        }
    }
}

fn print_warnings(warnings: &[Diagnostic]) {
    if !warnings.is_empty() {
        let mut w = warnings.to_vec();
        eprint!("{}", report(&mut w));
    }
}

/// The `error` event's data: `[{location, message, rendered}]`.
pub fn diagnostics_json(diags: &[Diagnostic]) -> String {
    let list: Vec<_> = diags
        .iter()
        .map(|d| {
            json!({
                "location": d.location_label(),
                "message": d.message,
                "rendered": d.render(),
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// Print a failed build as `build` does, and tell the pages.
fn failed(shared: &Shared, e: BuildError) -> usize {
    let (json, text, count) = match e {
        BuildError::Io(msg) => {
            let text = format!("error: {msg}\n");
            let json = json!([{ "location": null, "message": msg, "rendered": text }]).to_string();
            (json, text, 1)
        }
        BuildError::Content(mut diags) => {
            // `report` sorts them; the overlay lists them in the same order.
            let text = report(&mut diags);
            let count = diags
                .iter()
                .filter(|d| d.severity == crate::diagnostics::Severity::Error)
                .count();
            (diagnostics_json(&diags), text, count)
        }
    };
    eprint!("{text}");
    shared.hub.failed(json, text);
    count
}

fn describe(paths: &[String]) -> String {
    const SHOWN: usize = 3;
    if paths.is_empty() {
        return "files changed".into();
    }
    let mut s = paths
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        s.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    format!("changed {s}")
}

/// Rebuild after a batch of changes (only the labs touched, when only
/// labs' write-ups or files changed); on success swap and then tell the
/// pages, on failure keep the last good build.
fn rebuild(shared: &Shared, batch: &Batch) {
    let started = Instant::now();
    let generation = shared.current().generation + 1;
    let what = describe(&batch.paths);
    let opts = options(shared);
    let mut slot = shared.session.lock().unwrap_or_else(|p| p.into_inner());
    let result = match slot.as_mut() {
        Some(session) => session.rebuild(&batch.paths, &opts),
        None => Session::build(&shared.root, &opts).map(|session| {
            let rebuilt = Rebuilt {
                pages: session.pages,
                full: true,
                elapsed_ms: started.elapsed().as_millis(),
                warnings: session.warnings(),
                changed: session.files().keys().cloned().collect(),
                removed: Vec::new(),
            };
            *slot = Some(session);
            rebuilt
        }),
    };
    match result {
        Ok(rebuilt) => {
            let built_at = Instant::now();
            print_warnings(&rebuilt.warnings);
            let Some(session) = slot.as_ref() else {
                return;
            };
            let site = if rebuilt.full {
                SiteFiles::from_session(session, generation)
            } else {
                shared.current().updated(session, &rebuilt, generation)
            };
            drop(slot);
            let css_only =
                !batch.paths.is_empty() && batch.paths.iter().all(|p| p.ends_with(".css"));
            shared.swap(site);
            let event = shared.hub.built(
                generation,
                if css_only {
                    Change::Css
                } else {
                    Change::Reload
                },
            );
            let sent = Instant::now();
            let ms = sent.duration_since(started).as_millis();
            let note = if event == "css" {
                " (stylesheets swapped in place)"
            } else {
                ""
            };
            let scope = if rebuilt.full {
                "rebuilt"
            } else {
                "rebuilt only the changed lab:"
            };
            eprintln!("{what} → {scope} {} pages in {ms} ms{note}", rebuilt.pages);
            if shared.trace {
                eprintln!(
                    "trace: {event} sent {:.1} ms after the first event (waiting for quiet {:.1} ms, build {:.1} ms, swap and send {:.1} ms)",
                    ms_f(sent.duration_since(batch.first_event)),
                    ms_f(started.duration_since(batch.first_event)),
                    ms_f(built_at.duration_since(started)),
                    ms_f(sent.duration_since(built_at)),
                );
            }
        }
        Err(e) => {
            drop(slot);
            let errors = failed(shared, e);
            let ms = started.elapsed().as_millis();
            eprintln!(
                "{what} → build failed with {errors} error{} in {ms} ms; still serving the last good build",
                if errors == 1 { "" } else { "s" }
            );
        }
    }
}

fn ms_f(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
