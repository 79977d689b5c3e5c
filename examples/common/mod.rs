//! What the serve examples (`serve_latency`, `serve_load`) share: a copy of
//! a site to edit, and the report.md they edit.

use std::path::{Path, PathBuf};

/// A copy of `root`'s `content/`, `themes/` and `templates/` in a temporary
/// folder, and in it the newest lab's `report.md` with its text.
pub fn site_copy(root: &Path) -> (tempfile::TempDir, PathBuf, String) {
    let copy = tempfile::tempdir().expect("tempdir");
    for dir in ["content", "themes", "templates"] {
        if root.join(dir).is_dir() {
            copy_tree(&root.join(dir), &copy.path().join(dir));
        }
    }
    let mut labs: Vec<PathBuf> = std::fs::read_dir(copy.path().join("content/labs"))
        .expect("content/labs")
        .flatten()
        .map(|e| e.path().join("report.md"))
        .filter(|p| p.is_file())
        .collect();
    labs.sort();
    let report = labs.pop().expect("a lab with a report.md");
    let original = std::fs::read_to_string(&report).unwrap();
    (copy, report, original)
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("read the site");
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}
