//! Where the built files go: the [`Sink`]s (memory for `serve` and tests,
//! nothing for `check`, a staging directory for `build`).
//!
//! Publishing the in-memory site: written to a staging directory beside
//! the output, then swapped into place in one step, so the output directory
//! is never half-written. A build only ever replaces a directory it made
//! itself (marked with [`MARKER`]).
//!
//! The marker also holds a manifest (a hash of every file), so a rebuild
//! writes only what changed: unchanged files are hard-linked from the old
//! output into the staging tree, and a rebuild that changes nothing writes
//! nothing at all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::platform;
use crate::render::OutputFile;

/// Where built files go: memory (serve, tests), a staging directory
/// (build), or nowhere (check). Called from many threads; every file has
/// passed the leak gate before it is emitted.
pub trait Sink: Sync {
    fn emit(&self, file: OutputFile) -> Result<(), String>;
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct MemorySink(Mutex<Vec<OutputFile>>);

impl Sink for MemorySink {
    fn emit(&self, file: OutputFile) -> Result<(), String> {
        self.0
            .lock()
            .map_err(|_| "a rendering thread panicked".to_string())?
            .push(file);
        Ok(())
    }
}

impl MemorySink {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_default();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// Drops every file (`check`).
pub struct NullSink;

impl Sink for NullSink {
    fn emit(&self, _file: OutputFile) -> Result<(), String> {
        Ok(())
    }
}

/// The file that marks a directory as labsite's output (`source` skips a
/// folder holding it, so the rule lives below both).
pub use crate::ignore::OUTPUT_MARKER as MARKER;

const MARKER_TEXT: &str = "This directory is written by labsite; a build replaces it as a whole.\n";

/// What a publish did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Published {
    /// Files whose bytes were written.
    pub written: usize,
    /// Files carried over unchanged (hard links, or nothing at all).
    pub unchanged: usize,
}

/// What the manifest records of a file, to tell an unchanged one: XXH3's
/// 128-bit hash (a fixed function, unlike std's `DefaultHasher`, and about
/// ten times faster than SipHash over 300 MB of output) and the length.
fn fingerprint(bytes: &[u8]) -> String {
    format!(
        "x{:032x}-{}",
        xxhash_rust::xxh3::xxh3_128(bytes),
        bytes.len()
    )
}

fn manifest_text(entries: &[(String, String)]) -> String {
    let mut text = String::from(MARKER_TEXT);
    for (path, fp) in entries {
        text.push_str(fp);
        text.push(' ');
        text.push_str(path);
        text.push('\n');
    }
    text
}

fn read_manifest(out: &Path) -> HashMap<String, String> {
    let Ok(text) = std::fs::read_to_string(out.join(MARKER)) else {
        return HashMap::new();
    };
    text.lines()
        .skip(1)
        .filter_map(|l| l.split_once(' '))
        .map(|(fp, path)| (path.to_string(), fp.to_string()))
        .collect()
}

fn canonical(p: &Path) -> PathBuf {
    // The output may not exist yet: canonicalize its parent.
    match p.canonicalize() {
        Ok(c) => c,
        Err(_) => match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => canonical(if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            })
            .join(name),
            _ => p.to_path_buf(),
        },
    }
}

/// Refuse output paths that would replace the site's own sources.
pub fn check_output_path(out: &Path, root: &Path) -> Result<(), String> {
    let out_c = canonical(out);
    let root_c = canonical(root);
    for protected in [
        root_c.clone(),
        root_c.join("content"),
        root_c.join("themes"),
        root_c.join("templates"),
    ] {
        if protected.starts_with(&out_c) {
            return Err(format!(
                "refusing to write the site into {}: it would replace {}",
                out.display(),
                protected.display()
            ));
        }
        // Inside the sources, the next build would read the output back.
        if protected != root_c && out_c.starts_with(&protected) {
            return Err(format!(
                "refusing to write the site into {}: it is inside {}",
                out.display(),
                protected.display()
            ));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(format!("{} exists and is not a directory", out.display()));
        }
        let ours = out.join(MARKER).is_file();
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !ours && !empty {
            return Err(format!(
                "refusing to replace {}: it is not empty and was not made by labsite (no {MARKER} file in it)",
                out.display()
            ));
        }
    }
    Ok(())
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{suffix}"))
}

/// A staging directory beside the output that files are written into as
/// they are built. Unchanged files (by the previous output's manifest) are
/// hard-linked from it instead of written. [`Staging::finish`] swaps it into
/// place; dropping it unfinished removes it, leaving the output untouched.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: HashMap<String, String>,
    entries: Mutex<Vec<(String, String)>>,
    dirs: Mutex<HashSet<PathBuf>>,
    written: AtomicUsize,
    finished: bool,
}

impl Staging {
    pub fn begin(out: &Path, root: &Path) -> Result<Staging, String> {
        check_output_path(out, root)?;
        remove_stale_siblings(out);
        let dir = sibling(out, &format!("labsite-staging-{}", std::process::id()));
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let old = if out.join(MARKER).is_file() {
            read_manifest(out)
        } else {
            HashMap::new()
        };
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            old,
            entries: Mutex::new(Vec::new()),
            dirs: Mutex::new(HashSet::new()),
            written: AtomicUsize::new(0),
            finished: false,
        })
    }

    fn write(&self, file: &OutputFile) -> std::io::Result<String> {
        let fp = fingerprint(&file.bytes);
        let path = self.dir.join(&file.path);
        if let Some(parent) = path.parent() {
            let known = self
                .dirs
                .lock()
                .map(|d| d.contains(parent))
                .unwrap_or(false);
            if !known {
                std::fs::create_dir_all(parent)?;
                if let Ok(mut d) = self.dirs.lock() {
                    d.insert(parent.to_path_buf());
                }
            }
        }
        if self.old.get(&file.path) == Some(&fp)
            && std::fs::hard_link(self.out.join(&file.path), &path).is_ok()
        {
            return Ok(fp);
        }
        std::fs::write(&path, &file.bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(fp)
    }

    /// Move the staged site into place in one step. When nothing changed,
    /// the output is left as it is.
    pub fn finish(mut self) -> Result<Published, String> {
        self.finished = true;
        let mut entries = std::mem::take(
            &mut *self
                .entries
                .lock()
                .map_err(|_| "a writer thread panicked".to_string())?,
        );
        entries.sort();
        let total = entries.len();
        let written = self.written.load(Ordering::Relaxed);
        let same_set =
            self.old.len() == total && entries.iter().all(|(p, fp)| self.old.get(p) == Some(fp));
        if written == 0 && same_set {
            let _ = std::fs::remove_dir_all(&self.dir);
            return Ok(Published {
                written: 0,
                unchanged: total,
            });
        }
        if let Err(e) = std::fs::write(self.dir.join(MARKER), manifest_text(&entries)) {
            let _ = std::fs::remove_dir_all(&self.dir);
            return Err(format!("cannot write {}: {e}", self.dir.display()));
        }
        let (out, staging) = (&self.out, &self.dir);
        if out.exists() {
            // One atomic step where the system has it; the old tree ends up
            // in the staging path and is removed after.
            if platform::exchange(staging, out).is_err() {
                let old = sibling(out, &format!("labsite-old-{}", std::process::id()));
                std::fs::rename(out, &old)
                    .map_err(|e| format!("cannot move {} aside: {e}", out.display()))?;
                if let Err(e) = std::fs::rename(staging, out) {
                    let _ = std::fs::rename(&old, out);
                    return Err(format!(
                        "cannot move the new site into {}: {e}",
                        out.display()
                    ));
                }
                let _ = std::fs::remove_dir_all(&old);
            } else {
                let _ = std::fs::remove_dir_all(staging);
            }
        } else {
            std::fs::rename(staging, out)
                .map_err(|e| format!("cannot move the new site into {}: {e}", out.display()))?;
        }
        Ok(Published {
            written,
            unchanged: total - written,
        })
    }
}

impl Sink for Staging {
    fn emit(&self, file: OutputFile) -> Result<(), String> {
        let fp = self
            .write(&file)
            .map_err(|e| format!("cannot write {}: {e}", self.dir.join(&file.path).display()))?;
        self.entries
            .lock()
            .map_err(|_| "a writer thread panicked".to_string())?
            .push((file.path, fp));
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Staging and old trees left beside the output by builds that were killed
/// (their process is gone): removed, so they do not pile up.
fn remove_stale_siblings(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let pid = rest
            .strip_prefix("labsite-staging-")
            .or_else(|| rest.strip_prefix("labsite-old-"))
            .and_then(|p| p.parse::<i32>().ok());
        if let Some(pid) = pid
            && !platform::process_alive(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Write `files` to `out` atomically, writing only what changed.
pub fn publish(files: &[OutputFile], out: &Path, root: &Path) -> Result<Published, String> {
    let staging = Staging::begin(out, root)?;
    files.par_iter().try_for_each(|f| staging.emit(f.clone()))?;
    staging.finish()
}
