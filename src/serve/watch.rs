//! Watching the site's sources and turning a burst of file events into one
//! rebuild.
//!
//! An editor's save is several events (vim: a probe file, a rename to a
//! backup, a new file, a delete; JetBrains: a temporary file renamed over),
//! and reading the sources during a build makes events of its own (opens).
//! So: only events that change something count, only under `content/`,
//! `themes/` and `templates/`, never editor droppings; after the first one,
//! events are drained until [`QUIET`] (15 ms) passes without a new one, and the
//! batch becomes a single rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// How long the events of one save may be apart.
pub const QUIET: Duration = Duration::from_millis(15);

/// A stream of events that never goes quiet still rebuilds this often.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// The folders of a site whose changes matter.
pub const WATCHED: [&str; 3] = ["content", "themes", "templates"];

/// The changes of one save.
#[derive(Debug)]
pub struct Batch {
    /// Changed paths, relative to the root, with `/`, sorted.
    pub paths: Vec<String>,
    /// When the first event of the batch arrived.
    pub first_event: Instant,
}

/// `path` relative to `root` when a change to it matters.
pub fn relevant_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => return None,
        }
    }
    let first = parts.first()?;
    if !WATCHED.contains(&first.as_str()) || parts.iter().any(|p| crate::ignore::is_ignored_name(p))
    {
        return None;
    }
    Some(parts.join("/"))
}

/// Events that change a file; opening or reading one (the build does) and
/// metadata changes do not.
fn changes_something(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Any
        | EventKind::Other => true,
    }
}

pub struct SiteWatcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    rx: Receiver<notify::Result<Event>>,
}

impl SiteWatcher {
    /// Watch `content/`, `themes/` and `templates/` (those that exist), and
    /// the root itself so that one created later is noticed.
    pub fn new(root: &Path) -> notify::Result<SiteWatcher> {
        let (tx, rx) = channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED {
            let path = root.join(dir);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(SiteWatcher {
            root: root.to_path_buf(),
            watcher,
            rx,
        })
    }

    /// The relevant paths of one event (an event with no path, such as an
    /// overflow, counts as a change with no name, noted in `burst`).
    fn take(&mut self, event: notify::Result<Event>, burst: &mut Burst) -> bool {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                eprintln!("warning: watching the site: {e}");
                return false;
            }
        };
        if !changes_something(&event.kind) {
            return false;
        }
        if event.paths.is_empty() {
            burst.unnamed = true;
            return true;
        }
        let created = matches!(event.kind, EventKind::Create(_));
        let mut any = false;
        for path in &event.paths {
            if let Some(rel) = relevant_path(&self.root, path) {
                if WATCHED.contains(&rel.as_str()) && path.is_dir() {
                    // A watched folder appeared (or came back): watch it.
                    if let Err(e) = self.watcher.watch(path, RecursiveMode::Recursive) {
                        eprintln!("warning: cannot watch {rel}/: {e}");
                    }
                }
                if created && !burst.paths.contains(&rel) {
                    burst.created.insert(rel.clone());
                }
                burst.paths.insert(rel);
                any = true;
            }
        }
        any
    }

    /// Block until a change, then drain its burst. `None` when the watcher
    /// has stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        loop {
            let burst = self.next_burst()?;
            // A file made and gone again within the burst (`sed -i`'s
            // `sedXXXXXX`, any tool's temporary file renamed over the real
            // one) changed nothing: only the file it became did.
            let paths: Vec<String> = burst
                .paths
                .iter()
                .filter(|p| !burst.created.contains(*p) || self.root.join(p).exists())
                .cloned()
                .collect();
            if !paths.is_empty() || burst.unnamed {
                return Some(Batch {
                    paths,
                    first_event: burst.first_event,
                });
            }
        }
    }

    fn next_burst(&mut self) -> Option<Burst> {
        let mut burst = Burst {
            paths: BTreeSet::new(),
            created: BTreeSet::new(),
            unnamed: false,
            first_event: Instant::now(),
        };
        let first_event = loop {
            let event = self.rx.recv().ok()?;
            if self.take(event, &mut burst) {
                break Instant::now();
            }
        };
        burst.first_event = first_event;
        let mut quiet_until = Instant::now() + QUIET;
        loop {
            let now = Instant::now();
            if now >= quiet_until || now >= first_event + MAX_WAIT {
                break;
            }
            match self.rx.recv_timeout(quiet_until - now) {
                Ok(event) => {
                    if self.take(event, &mut burst) {
                        quiet_until = Instant::now() + QUIET;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        Some(burst)
    }
}

/// The events of one save, as they came.
struct Burst {
    paths: BTreeSet<String>,
    /// Paths whose first event in the burst made them.
    created: BTreeSet<String>,
    /// An event named no path (an overflow): anything may have changed.
    unnamed: bool,
    first_event: Instant,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored_and_exports_are_not() {
        let root = Path::new("/site");
        let rel = |name: &str| relevant_path(root, &root.join("content/labs/a").join(name));
        for name in [
            ".report.md.swp",
            ".report.md.swx",
            "report.md~",
            "4913",
            "x.tmp",
            "#report.md#",
            ".#report.md",
            ".DS_Store",
            "report.md___jb_tmp___",
            "private/~$survey.xlsx",
            "private/.~lock.survey.csv#",
        ] {
            assert_eq!(rel(name), None, "{name}");
        }
        // A fresh export in private/ is read by the build, so it rebuilds.
        for name in [
            "report.md",
            "lab.yaml",
            "4914",
            "a#b",
            "private/survey.xlsx",
        ] {
            assert!(rel(name).is_some(), "{name}");
        }
    }

    #[test]
    fn only_the_site_sources_count() {
        let root = Path::new("/site");
        let rel = |p: &str| relevant_path(root, Path::new(p));
        assert_eq!(
            rel("/site/content/labs/a/report.md").as_deref(),
            Some("content/labs/a/report.md")
        );
        assert_eq!(
            rel("/site/themes/default/static/style.css").as_deref(),
            Some("themes/default/static/style.css")
        );
        assert_eq!(rel("/site/templates").as_deref(), Some("templates"));
        assert_eq!(rel("/site/public/index.html"), None);
        assert_eq!(rel("/site/.public.staging/index.html"), None);
        assert_eq!(rel("/site/content/labs/a/.report.md.swp"), None);
        assert_eq!(rel("/site/content/.git/x"), None);
        assert_eq!(rel("/site/README.md"), None);
        assert_eq!(rel("/elsewhere/content/x"), None);
    }
}
