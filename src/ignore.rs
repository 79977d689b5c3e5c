//! The one rule for what in a site's folders is not content: editor
//! temporaries, spreadsheet lock files, hidden files, any folder named
//! `private/`, and a folder labsite built itself. `build.rs` (embedding the
//! theme and the example site), `source` (labs, pages, a lab's files) and
//! the theme loader all ask here, so a file one of them skips, none reads.
//! (`build.rs` keeps the example site's `private/` folders, by asking
//! [`is_ignored_name`] alone: `init` writes the example's form exports,
//! which `source` then reads by their path and never publishes.)
//!
//! A leaf with no imports: `build.rs` compiles this file too.

/// The file that marks a directory as labsite's output. `output` writes it;
/// `source` never reads a folder holding it back as content (each build
/// would publish the last one again, one level deeper).
pub const OUTPUT_MARKER: &str = ".labsite-output";

/// A folder whose contents are never published, anywhere in `content/`:
/// form exports (applications, survey responses) live there.
pub const PRIVATE_DIR: &str = "private";

/// Editor backup, swap, lock and temporary files, spreadsheet lock files
/// and hidden files: never read, never published, and no reason to
/// rebuild.
pub fn is_ignored_name(name: &str) -> bool {
    // Hidden: `.git`, `.DS_Store`, vim's `.x.swp`, Emacs' `.#x` lock,
    // LibreOffice's `.~lock.survey.csv#`.
    name.starts_with('.')
        // Microsoft Office's lock file beside an open workbook: `~$survey.xlsx`.
        || name.starts_with("~$")
        // Emacs' auto-save file: `#report.md#`.
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        // vim's probe that a folder is writable.
        || name == "4913"
}

/// Whether an entry of a folder being walked is skipped: an ignored name,
/// or a folder named `private`.
pub fn is_ignored(name: &str, is_dir: bool) -> bool {
    is_ignored_name(name) || (is_dir && name == PRIVATE_DIR)
}

/// Whether the file at `rel` (relative to the folder walked, with `/` or
/// the platform's separator) is skipped: its own name or any folder on
/// the way to it.
pub fn is_ignored_file(rel: &std::path::Path) -> bool {
    let parts: Vec<_> = rel.iter().collect();
    parts.iter().enumerate().any(|(i, part)| {
        let is_dir = i + 1 < parts.len();
        is_ignored(&part.to_string_lossy(), is_dir)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn editor_and_spreadsheet_files_are_ignored() {
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
            "report.md___jb_old___",
            "~$survey.xlsx",
            ".~lock.survey.csv#",
            ".labsite-output",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in [
            "report.md",
            "lab.yaml",
            "style.css",
            "4914",
            "a#b",
            "a~b.png",
            "private",
        ] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn a_private_folder_is_ignored_wherever_it_is() {
        assert!(is_ignored("private", true));
        assert!(!is_ignored("private", false));
        assert!(is_ignored_file(Path::new("private/applications.csv")));
        assert!(is_ignored_file(Path::new("photos/private/a.jpg")));
        assert!(is_ignored_file(Path::new("photos/.git/config")));
        assert!(is_ignored_file(Path::new("data/~$survey.xlsx")));
        assert!(!is_ignored_file(Path::new("photos/board.jpg")));
        assert!(!is_ignored_file(Path::new("private")));
        assert!(!is_ignored_file(Path::new("privately/a.jpg")));
    }
}
