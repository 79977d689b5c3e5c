//! Reading one source file (`site.yaml`, a `lab.yaml`, a `report.md`, a
//! page) into text with its line index: only regular files inside the
//! site, of a sane size, in UTF-8 without control characters. The loader
//! (`source/mod.rs`) and `lab.rs` (a `survey.yaml`) both read through
//! here, so neither imports the other for it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::yaml;
use crate::diagnostics::{Diagnostic, Loc, SourceFile, decode};

/// The largest source text file labsite reads (a YAML file, `report.md`,
/// a page). A write-up is a few dozen kilobytes; a file past this is a
/// mistake (a pasted image, a log), and rendering it would take a long time
/// and gigabytes of memory (some 40 times its size).
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// 1-based line and column (in characters) of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// The places a source file may resolve to: the site's root, and its
/// `content/` folder where that resolves (a site may keep its content/
/// elsewhere and link it in). Made once per load: each `canonicalize` is
/// a `realpath`, a `readlink` for every component of the path.
pub(crate) struct Roots {
    root: Option<PathBuf>,
    content: Option<PathBuf>,
}

impl Roots {
    pub(crate) fn new(root: &Path) -> Roots {
        Roots {
            root: root.canonicalize().ok(),
            content: root.join("content").canonicalize().ok(),
        }
    }

    fn inside(&self, p: &Path) -> bool {
        [&self.root, &self.content]
            .into_iter()
            .flatten()
            .any(|d| p.starts_with(d))
    }

    /// Does `path` lead, through a symbolic link, out of the site?
    /// `parent`, when given, is the canonical form of `path`'s folder: a
    /// file that is not a link then resolves to `parent/<name>` without a
    /// `realpath`. `meta` is `path`'s own (not followed) metadata.
    fn leaves(&self, path: &Path, parent: Option<&Path>, meta: Option<&std::fs::Metadata>) -> bool {
        let resolved = match (parent, meta, path.file_name()) {
            (Some(dir), Some(m), Some(name)) if !m.file_type().is_symlink() => Some(dir.join(name)),
            _ => path.canonicalize().ok(),
        };
        resolved.is_some_and(|p| !self.inside(&p))
    }
}

/// Read a text file: UTF-8 (a BOM is dropped), line breaks as `\n` or
/// `\r\n` (a lone `\r` becomes `\n`, as YAML and Markdown read it, so
/// every line number agrees); anything else is a diagnostic naming the
/// file and, where there is one, the line and column.
pub fn read_source(root: &Path, path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    read_source_in(&Roots::new(root), root, path, None)
}

/// [`read_source`] with the site's [`Roots`] made once, and the canonical
/// form of the file's folder when the caller knows it.
pub(crate) fn read_source_in(
    roots: &Roots,
    root: &Path,
    path: &Path,
    parent: Option<&Path>,
) -> Result<Arc<SourceFile>, Diagnostic> {
    let no_text = || SourceFile::new(root, path, "");
    let lmeta = std::fs::symlink_metadata(path).ok();
    if roots.leaves(path, parent, lmeta.as_ref()) {
        return Err(Diagnostic::error(
            "the file is a symbolic link to a place outside the site",
            Some(Loc::file(&no_text())),
        )
        .with_help("labsite reads nothing from outside the site's folder: copy the file in instead of linking it"));
    }
    // The file's metadata, the link followed (a link inside the site is
    // read as the file it names).
    let meta = match lmeta {
        Some(m) if !m.file_type().is_symlink() => Ok(m),
        _ => std::fs::metadata(path),
    };
    // A FIFO would block the read forever (and a device could be endless):
    // only regular files are read.
    if meta.as_ref().is_ok_and(|m| !m.is_file()) {
        return Err(Diagnostic::error(
            "the file is not a regular file (a folder, a named pipe or a device)",
            Some(Loc::file(&no_text())),
        )
        .with_help("replace it with a plain text file"));
    }
    let size = meta.map(|m| m.len()).unwrap_or(0);
    if size > MAX_SOURCE_BYTES {
        return Err(Diagnostic::error(
            format!(
                "the file is {:.1} MB; labsite reads source files of up to {} MB",
                size as f64 / (1024.0 * 1024.0),
                MAX_SOURCE_BYTES / (1024 * 1024)
            ),
            Some(Loc::file(&no_text())),
        )
        .with_help("split the text, or put large material (images, PDFs) beside it as files and link to them"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            format!("cannot read the file: {e}"),
            Some(Loc::file(&no_text())),
        )
    })?;
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let lossy = String::from_utf8_lossy(&bytes).into_owned();
            // Everything before the bad byte is valid, and the lossy text
            // keeps it as it is.
            let (line, col) = line_col(&lossy, bad);
            let f = SourceFile::new(root, path, lossy);
            return Err(Diagnostic::error(
                "the file is not valid UTF-8 text",
                Some(Loc::at(&f, line, col, 1)),
            )
            .with_help(
                "save the file as UTF-8 (Shift_JIS and other encodings are not supported)",
            ));
        }
    };
    if let Some(c) = yaml::forbidden_char(&text) {
        let at = text.find(c).unwrap_or(0);
        let (line, col) = line_col(&text, at);
        let f = SourceFile::new(root, path, text);
        return Err(Diagnostic::error(
            format!("the file holds the control character U+{:04X}", c as u32),
            Some(Loc::at(&f, line, col, 1)),
        )
        .with_help(
            "remove it: it is invisible in most editors, and feeds and calendars cannot carry it",
        ));
    }
    Ok(SourceFile::new_yaml(root, path, text, yaml::index))
}
