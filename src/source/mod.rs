//! Loading a site: every source file into typed records that remember where
//! each value came from, and every problem found on the way.

pub mod forms;
pub mod lab;
pub mod page;
pub mod program;
pub mod read;
pub mod record;
pub mod site;
pub mod terms;
pub mod warnings;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Loc, SourceFile, has_errors};
use crate::ignore;
use lab::{LabRecord, LabStatus, read_lab};
use page::{MarkdownDoc, read_markdown};
use program::ProgramSpec;
pub use read::{MAX_SOURCE_BYTES, line_col, read_source};
use read::{Roots, read_source_in};
use site::SiteConfig;

/// A file published beside a lab's pages (an image, a PDF).
#[derive(Clone, Debug)]
pub struct Asset {
    /// Path relative to the lab folder, with `/`.
    pub rel: String,
    pub path: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Lab {
    pub record: LabRecord,
    /// The program after inheritance from `program.yaml`.
    pub program: ProgramSpec,
    pub report: Option<MarkdownDoc>,
    pub assets: Vec<Asset>,
    /// The warnings its files gave when it was read: they go with the lab,
    /// so a lab read again (serve's partial rebuild) brings its own.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub slug: String,
    pub doc: MarkdownDoc,
}

#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// `program.yaml`, when it exists.
    pub series: Option<ProgramSpec>,
    /// The file `series` was read from (for the locations of its links).
    pub series_file: Option<Arc<SourceFile>>,
    /// Newest first.
    pub labs: Vec<Lab>,
    pub pages: Vec<Page>,
    /// The warnings of everything but the labs (each lab keeps its own).
    pub warnings: Vec<Diagnostic>,
}

impl Site {
    /// Every warning: the site's, then each lab's.
    pub fn all_warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.warnings
            .iter()
            .chain(self.labs.iter().flat_map(|l| &l.warnings))
    }
}

#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    pub base_url: Option<String>,
    pub drafts: bool,
}

#[derive(Debug)]
pub enum LoadError {
    /// The site could not be read at all (exit code 2).
    Io(String),
    /// Content errors, all of them (exit code 1).
    Content(Vec<Diagnostic>),
}

/// `^[a-z0-9][a-z0-9-]*$`
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z' | '0'..='9'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-'))
}

/// Files of a lab's folder that are sources, never assets (SPEC §10):
/// what [`ignore`] skips (anything under a `private/` folder, lock
/// files), spreadsheets and form exports, and YAML (survey.yaml, and any
/// other: sources, never assets).
pub fn is_never_published(rel: &Path) -> bool {
    if ignore::is_ignored_file(rel) {
        return true;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "csv" | "tsv" | "xlsx" | "xlsm" | "xls" | "ods" | "yaml" | "yml"
    )
}

fn sorted_entries(dir: &Path) -> Vec<std::fs::DirEntry> {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(_) => Vec::new(),
    };
    entries.sort_by_key(|e| e.file_name());
    entries
}

pub fn load_site(root: &Path, opts: &LoadOptions) -> Result<Site, LoadError> {
    let content = root.join("content");
    let site_path = content.join("site.yaml");
    if !site_path.is_file() {
        return Err(LoadError::Io(format!(
            "{} not found: is `{}` a labsite site? (`labsite init DIR` makes one)",
            site_path.display(),
            root.display()
        )));
    }
    let mut diags = Vec::new();
    let roots = Roots::new(root);
    let site_file =
        read_source_in(&roots, root, &site_path, None).map_err(|d| LoadError::Content(vec![d]))?;
    let (config, site_diags) = site::read_site(&site_file, opts.base_url.as_deref());
    diags.extend(site_diags);
    let Some(config) = config else {
        return Err(LoadError::Content(diags));
    };

    let mut series_file = None;
    let series = {
        let path = content.join("program.yaml");
        if path.is_file() {
            match read_source_in(&roots, root, &path, None) {
                Ok(file) => match yaml::parse(&file) {
                    Ok(v) => {
                        let ctx = yaml::Ctx::new(file.clone(), &v);
                        let spec = ctx
                            .map(&v, "", "program.yaml", &program::PROGRAM_KEYS)
                            .map(|m| program::read_program_keys(&m));
                        diags.extend(ctx.into_diags());
                        series_file = Some(file.released());
                        spec
                    }
                    Err(d) => {
                        diags.push(d);
                        None
                    }
                },
                Err(d) => {
                    diags.push(d);
                    None
                }
            }
        } else {
            None
        }
    };
    let defaults = series.clone().unwrap_or_default();

    // Labs load in parallel; each reports its own problems. Whatever else
    // stands in labs/ is named, so nothing is left out unnoticed.
    // A lab folder is no link (links are refused below), so it resolves
    // to the place content/labs/ resolves to, and its name.
    let mut lab_dirs: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let labs_canon = root.join(LABS_DIR).canonicalize().ok();
    for e in sorted_entries(&root.join(LABS_DIR)) {
        if ignore::is_ignored(&e.file_name().to_string_lossy(), e.path().is_dir()) {
            continue;
        }
        let path = e.path();
        let here = SourceFile::new(root, &path, "");
        if path.is_symlink() {
            diags.push(
                Diagnostic::warning(
                    "a symbolic link in content/labs/ is not followed",
                    Some(Loc::file(&here)),
                )
                .with_help("move the lab's folder itself into content/labs/"),
            );
        } else if path.is_dir() {
            let canon = labs_canon.as_ref().map(|c| c.join(e.file_name()));
            lab_dirs.push((path, canon));
        } else {
            diags.push(
                Diagnostic::warning(
                    "a file directly in content/labs/ is not read",
                    Some(Loc::file(&here)),
                )
                .with_help("each lab is a folder, content/labs/<lab-id>/, holding lab.yaml"),
            );
        }
    }
    let loaded: Vec<(Option<Lab>, Vec<Diagnostic>)> = lab_dirs
        .par_iter()
        .map(|(dir, canon)| {
            load_lab_in(
                &roots,
                root,
                dir,
                canon.as_deref(),
                &defaults,
                &config,
                opts,
            )
        })
        .collect();
    let mut labs = Vec::new();
    for (lab, d) in loaded {
        diags.extend(d);
        labs.extend(lab);
    }
    labs.sort_by(|a, b| (b.record.date, &b.record.id).cmp(&(a.record.date, &a.record.id)));

    let mut pages = Vec::new();
    let pages_canon = content.join("pages").canonicalize().ok();
    for entry in sorted_entries(&content.join("pages")) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if ignore::is_ignored(&name, path.is_dir()) {
            continue;
        }
        if !path.is_file() || path.extension().is_none_or(|e| e != "md") {
            diags.push(
                Diagnostic::warning(
                    "only `.md` files in content/pages/ are pages; this is not read",
                    Some(Loc::file(&SourceFile::new(root, &path, ""))),
                )
                .with_help("a page is content/pages/<slug>.md; images for pages belong in the theme's static/ folder"),
            );
            continue;
        }
        let slug = name.trim_end_matches(".md").to_string();
        let file = match read_source_in(&roots, root, &path, pages_canon.as_deref()) {
            Ok(f) => f,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if !is_valid_id(&slug) {
            diags.push(
                Diagnostic::error(format!("`{slug}` is not a valid page name"), Some(Loc::file(&file)))
                    .with_help("page file names use lower-case letters, digits and hyphens: ^[a-z0-9][a-z0-9-]*$"),
            );
            continue;
        }
        if matches!(
            slug.as_str(),
            "labs" | "program" | "highlights" | "feed" | "sitemap" | "404"
        ) {
            diags.push(
                Diagnostic::error(
                    format!("the page name `{slug}` is taken by a page labsite makes"),
                    Some(Loc::file(&file)),
                )
                .with_help("rename the file"),
            );
            continue;
        }
        let (doc, d) = read_markdown(&file, "the page");
        diags.extend(d);
        // A page is at <slug>/index.html: one folder below the root.
        if let Some(doc) = &doc {
            check_links(doc, 1, &mut diags);
        }
        if let Some(mut doc) = doc
            && (!doc.front.draft || opts.drafts)
        {
            // Kept to the end of the build; its text is read again only
            // if a diagnostic needs it.
            doc.file = doc.file.released();
            pages.push(Page { slug, doc });
        }
    }

    let (errors, warnings): (Vec<_>, Vec<_>) = diags
        .into_iter()
        .partition(|d| d.severity == crate::diagnostics::Severity::Error);
    if has_errors(&errors) {
        let mut all = errors;
        all.extend(warnings);
        all.extend(labs.into_iter().flat_map(|l| l.warnings));
        return Err(LoadError::Content(all));
    }
    Ok(Site {
        root: root.to_path_buf(),
        config,
        series,
        series_file,
        labs,
        pages,
        warnings,
    })
}

/// Where the labs' folders are, relative to the site's root, with `/`.
pub const LABS_DIR: &str = "content/labs";

/// A lab's record, in its folder.
pub const LAB_FILE: &str = "lab.yaml";

/// The folder of the lab `id`.
pub fn lab_dir(root: &Path, id: &str) -> PathBuf {
    root.join(LABS_DIR).join(id)
}

/// For a path relative to the root (with `/`) inside a lab's folder: the
/// lab's id and the path inside the folder (empty for the folder itself).
pub fn lab_path_parts(rel: &str) -> Option<(&str, &str)> {
    rel.strip_prefix(LABS_DIR)?
        .strip_prefix('/')?
        .split_once('/')
}

/// Load the lab in `dir` (a [`lab_dir`]) again, on its own. Its warnings
/// are in the lab; the diagnostics returned are its errors (all of them,
/// warnings too, when there is no lab).
pub fn load_lab(
    root: &Path,
    dir: &Path,
    defaults: &ProgramSpec,
    config: &SiteConfig,
    opts: &LoadOptions,
) -> (Option<Lab>, Vec<Diagnostic>) {
    let canon = dir.canonicalize().ok();
    load_lab_in(
        &Roots::new(root),
        root,
        dir,
        canon.as_deref(),
        defaults,
        config,
        opts,
    )
}

/// [`load_lab`] with the site's [`Roots`], and the canonical form of the
/// lab's folder when known.
fn load_lab_in(
    roots: &Roots,
    root: &Path,
    dir: &Path,
    canon: Option<&Path>,
    defaults: &ProgramSpec,
    config: &SiteConfig,
    opts: &LoadOptions,
) -> (Option<Lab>, Vec<Diagnostic>) {
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lab_yaml = dir.join(LAB_FILE);
    let dir_file = SourceFile::new(root, dir, "");
    if !is_valid_id(&id) {
        return (
            None,
            vec![
                Diagnostic::error(format!("`{id}` is not a valid lab id"), Some(Loc::file(&dir_file)))
                    .with_help("a lab folder is named with lower-case letters, digits and hyphens (^[a-z0-9][a-z0-9-]*$), e.g. 2025-11-13"),
            ],
        );
    }
    if !lab_yaml.is_file() {
        return (
            None,
            vec![
                Diagnostic::error("a lab folder without lab.yaml", Some(Loc::file(&dir_file)))
                    .with_help("add lab.yaml, or move the folder out of content/labs/"),
            ],
        );
    }
    let file = match read_source_in(roots, root, &lab_yaml, canon) {
        Ok(f) => f,
        Err(d) => return (None, vec![d]),
    };
    let (record, mut diags) = read_lab(&id, &file);
    let Some(mut record) = record else {
        return (None, diags);
    };
    let program = record.program.inherit(defaults);
    check_timetable(&record, &program, &mut diags);
    let _ = config;

    let mut report = None;
    let report_path = dir.join("report.md");
    // A report.md that is there but is not a file (a folder, a named pipe)
    // is an error naming it, not a lab without a report.
    if report_path.exists() {
        match read_source_in(roots, root, &report_path, canon) {
            Ok(f) => {
                let (doc, d) = read_markdown(&f, "the report");
                diags.extend(d);
                // The report is at labs/<id>/index.html: two folders down.
                if let Some(doc) = &doc {
                    check_links(doc, 2, &mut diags);
                }
                report = doc.filter(|doc| !doc.front.draft || opts.drafts);
            }
            Err(d) => diags.push(d),
        }
    }
    // The cover is published from the lab's folder: a name inside it (not
    // `/etc/passwd` or `../x`, which `join` would happily reach), naming a
    // file that is published (not a link).
    if let Some(doc) = &report
        && let Some(cover) = &doc.front.cover
        && !(Path::new(cover)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
            && !cover.contains('\\')
            && dir.join(cover).is_file()
            && !dir.join(cover).is_symlink()
            && !is_never_published(Path::new(cover)))
    {
        diags.push(
            Diagnostic::error(
                format!("the cover image `{cover}` is not in the lab's folder"),
                Some(match &doc.front_file {
                    Some(f) => Loc::yaml(f, "cover", false),
                    None => Loc::file(&doc.file),
                }),
            )
            .with_help("put the image beside report.md and give its file name"),
        );
    }

    let mut assets = Vec::new();
    // A folder labsite wrote (its output, built into the lab's folder by
    // `--out`) is never read back as content: each build would publish
    // the last one again, one level deeper.
    let mut outputs = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let ours = e.file_type().is_dir() && e.path().join(ignore::OUTPUT_MARKER).is_file();
            if ours {
                outputs.push(e.path().to_path_buf());
            }
            !ours
        });
    for entry in walk {
        let Ok(entry) = entry else { continue };
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel_s = rel.to_string_lossy().replace('\\', "/");
        if rel_s == LAB_FILE || rel_s == "report.md" || is_never_published(rel) {
            continue;
        }
        // Symlinks are never followed into the output: they could point
        // anywhere on the machine.
        if entry.path_is_symlink() {
            diags.push(Diagnostic::warning(
                format!("the symbolic link `{rel_s}` is not published"),
                Some(Loc::file(&SourceFile::new(root, entry.path(), ""))),
            ));
            continue;
        }
        if entry.file_type().is_file() {
            if matches!(
                rel_s.as_str(),
                "index.html" | "program/index.html" | "recruit/index.html" | "lab.ics"
            ) || rel_s.starts_with("program/")
                || rel_s.starts_with("recruit/")
            {
                diags.push(
                    Diagnostic::error(
                        format!("the file `{rel_s}` would overwrite a page labsite makes"),
                        Some(Loc::file(&SourceFile::new(root, entry.path(), ""))),
                    )
                    .with_help("rename it"),
                );
                continue;
            }
            assets.push(Asset {
                rel: rel_s,
                path: entry.path().to_path_buf(),
            });
        }
    }
    for out in outputs {
        diags.push(
            Diagnostic::warning(
                "a folder that labsite built is not published as the lab's files",
                Some(Loc::file(&SourceFile::new(root, &out, ""))),
            )
            .with_help("build into a folder outside content/, e.g. the default public/"),
        );
    }
    if record.status != LabStatus::Held
        && let Some(doc) = &report
        && record.status == LabStatus::Planned
        && !doc.body.trim().is_empty()
    {
        diags.push(
            Diagnostic::warning(
                "the lab is planned, so its report is not published yet",
                Some(Loc::file(&doc.file)),
            )
            .with_help("set `status: held` in lab.yaml once the lab has taken place"),
        );
    }
    // The lab is kept to the end of the build: its files' texts are read
    // again only if a diagnostic (or the leak gate's search for a term's
    // source) needs them. Diagnostics made above keep theirs.
    record.file = record.file.released();
    if let Some(doc) = &mut report {
        doc.file = doc.file.released();
    }
    let (errors, warnings) = diags
        .into_iter()
        .partition(|d| d.severity == crate::diagnostics::Severity::Error);
    (
        Some(Lab {
            record,
            program,
            report,
            assets,
            warnings,
        }),
        errors,
    )
}

/// Links and images of a Markdown document that climb above the site
/// root (`../../../etc/passwd`), each an error at its line. `depth`: how
/// many folders below the root the page is published.
fn check_links(doc: &MarkdownDoc, depth: i32, diags: &mut Vec<Diagnostic>) {
    for (dest, at) in crate::markdown::link_targets(&doc.body) {
        if crate::markdown::climbs_out(&dest, depth) {
            let (line, col) = line_col(&doc.body, at);
            diags.push(
                Diagnostic::error(
                    format!("the link `{dest}` points outside the site"),
                    Some(Loc::at(&doc.file, doc.body_line + line - 1, col, 1)),
                )
                .with_help("link to files beside the Markdown file, or to a page of the site with a path starting with `/`"),
            );
        }
    }
}

/// The program must fit between the lab's start and end.
fn check_timetable(record: &LabRecord, program: &ProgramSpec, diags: &mut Vec<Diagnostic>) {
    let total = program.total_minutes() as i64;
    let span = (record.end - record.start).num_minutes();
    if total > span && span > 0 {
        let inherited = record.program.program.is_none();
        let loc = Loc::yaml(&record.file, "end", false);
        let mut d = Diagnostic::error(
            format!(
                "the program runs {total} minutes but the lab has {span} ({}–{})",
                record.start.format("%H:%M"),
                record.end.format("%H:%M")
            ),
            Some(loc),
        )
        .with_help(format!(
            "end the lab at {} or later, or shorten the parts",
            (record.start + chrono::Duration::minutes(total)).format("%H:%M")
        ));
        if inherited {
            d = d.with_note("the program is inherited from content/program.yaml", None);
        }
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn read(bytes: &[u8]) -> Result<Arc<SourceFile>, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.yaml");
        std::fs::write(&path, bytes).unwrap();
        read_source(dir.path(), &path)
    }

    fn at(d: &Diagnostic) -> Option<(usize, usize, usize)> {
        d.loc.as_ref().and_then(Loc::resolve)
    }

    #[test]
    fn a_released_text_is_read_again_only_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.yaml");
        std::fs::write(&path, b"\xef\xbb\xbftitle: a\r\nb: c\rd: e\n").unwrap();
        let held = read_source(dir.path(), &path).unwrap();
        let released = held.released();
        assert!(held.text.is_held() && !released.text.is_held());
        assert_eq!(released.display, "lab.yaml");
        assert_eq!(&*released.text, &*held.text);
        assert!(released.text.is_held());
        let d = Diagnostic::error("x", Some(Loc::yaml(&released, "d", false)));
        assert!(d.render().contains("lab.yaml:3:4"), "{}", d.render());

        // Changed since (even to the same length), or gone: empty, so a
        // diagnostic names the file and quotes nothing.
        for change in [Some("title: b\r\nb: c\rd: e\n"), None] {
            let released = held.released();
            match change {
                Some(t) => std::fs::write(&path, t).unwrap(),
                None => std::fs::remove_file(&path).unwrap(),
            }
            assert_eq!(&*released.text, "");
            let d = Diagnostic::error("x", Some(Loc::yaml(&released, "d", false)));
            assert_eq!(d.render(), "error: x\n  --> lab.yaml\n");
        }
        // A file much larger than the text is not read.
        std::fs::write(&path, "a: 1\n".repeat(10_000)).unwrap();
        assert_eq!(&*held.released().text, "");
    }

    #[test]
    fn text_files_are_read_with_their_line_numbers() {
        let f = read(b"\xef\xbb\xbftitle: a\r\nb: c\rd: e\n").unwrap();
        assert_eq!(&*f.text, "title: a\r\nb: c\nd: e\n");
        // Shift_JIS after a BOM: the column does not count the BOM.
        let d = read(b"\xef\xbb\xbfab\n\x83\x65\x83\x58").unwrap_err();
        assert_eq!(at(&d), Some((2, 1, 1)));
        let d = read(b"title: ok\nsummary: \x83\x65\x83\x58\n").unwrap_err();
        assert_eq!(at(&d), Some((2, 10, 1)));
        assert!(d.render().contains("not valid UTF-8"));
        let d = read("a: 1\nb: 日本\u{7}\n".as_bytes()).unwrap_err();
        assert_eq!(at(&d), Some((2, 6, 1)));
        assert!(d.message.contains("U+0007"));
    }

    #[test]
    fn a_file_too_large_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_SOURCE_BYTES + 1).unwrap();
        let d = read_source(dir.path(), &path).unwrap_err();
        assert!(d.message.contains("MB"), "{}", d.message);
    }

    fn copy_tree(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let dest = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }

    fn minimal_site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/minimal"),
            dir.path(),
        );
        dir
    }

    fn load_errors(root: &Path) -> Vec<String> {
        match load_site(root, &LoadOptions::default()) {
            Ok(_) => Vec::new(),
            Err(LoadError::Content(d)) => d
                .iter()
                .filter(|d| d.severity == crate::diagnostics::Severity::Error)
                .map(|d| format!("{}: {}", d.location_label().unwrap_or_default(), d.message))
                .collect(),
            Err(LoadError::Io(e)) => vec![e],
        }
    }

    /// SPEC §10: nothing under a `private/` folder is published, and
    /// spreadsheet and editor lock files are not read at all.
    #[test]
    fn private_folders_and_lock_files_are_not_a_labs_files() {
        let site = minimal_site();
        let lab = site.path().join("content/labs/2025-11-13");
        for (rel, text) in [
            ("private/applications.csv", "name\n"),
            ("photos/private/face.jpg", "x"),
            ("~$survey.xlsx", "x"),
            (".~lock.survey.csv#", "x"),
            ("photos/board.jpg", "x"),
        ] {
            std::fs::create_dir_all(lab.join(rel).parent().unwrap()).unwrap();
            std::fs::write(lab.join(rel), text).unwrap();
        }
        // A private folder among the labs or the pages is no lab and no page.
        std::fs::create_dir_all(site.path().join("content/labs/private")).unwrap();
        std::fs::create_dir_all(site.path().join("content/pages/private")).unwrap();
        let loaded = load_site(site.path(), &LoadOptions::default()).unwrap();
        let l = loaded
            .labs
            .iter()
            .find(|l| l.record.id == "2025-11-13")
            .unwrap();
        let assets: Vec<&str> = l.assets.iter().map(|a| a.rel.as_str()).collect();
        assert!(assets.contains(&"photos/board.jpg"), "{assets:?}");
        for a in &assets {
            assert!(!a.contains("private") && !a.contains('~'), "{assets:?}");
        }
        assert!(
            loaded
                .warnings
                .iter()
                .all(|w| !w.message.contains("content/pages/")),
            "{:?}",
            loaded
                .warnings
                .iter()
                .map(|w| &w.message)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_changed_path_names_its_lab() {
        assert_eq!(
            lab_path_parts("content/labs/2025-11-13/report.md"),
            Some(("2025-11-13", "report.md"))
        );
        assert_eq!(
            lab_path_parts("content/labs/a/photos/b.jpg"),
            Some(("a", "photos/b.jpg"))
        );
        assert_eq!(lab_path_parts("content/labs/a/"), Some(("a", "")));
        assert_eq!(lab_path_parts("content/labs/a"), None);
        assert_eq!(lab_path_parts("content/labsx/a/b"), None);
        assert_eq!(lab_path_parts("content/site.yaml"), None);
        assert_eq!(
            lab_dir(Path::new("/site"), "a"),
            Path::new("/site/content/labs/a")
        );
    }

    const LEAVES: &str = "the file is a symbolic link to a place outside the site";

    /// The symlink check resolves a lab's folder once rather than every
    /// file: links out of the site are still refused wherever they are.
    #[test]
    fn links_out_of_the_site_are_refused_at_any_level() {
        use std::os::unix::fs::symlink;
        let lab = "content/labs/2025-11-13";

        // The file itself is a link out.
        let site = minimal_site();
        let outside = tempfile::tempdir().unwrap();
        std::fs::copy(
            site.path().join(lab).join("report.md"),
            outside.path().join("report.md"),
        )
        .unwrap();
        std::fs::remove_file(site.path().join(lab).join("report.md")).unwrap();
        symlink(
            outside.path().join("report.md"),
            site.path().join(lab).join("report.md"),
        )
        .unwrap();
        assert_eq!(
            load_errors(site.path()),
            vec![format!("{lab}/report.md: {LEAVES}")]
        );

        // content/labs/ is a link out: every lab's files are outside.
        let site = minimal_site();
        let outside = tempfile::tempdir().unwrap();
        copy_tree(&site.path().join("content/labs"), outside.path());
        std::fs::remove_dir_all(site.path().join("content/labs")).unwrap();
        symlink(outside.path(), site.path().join("content/labs")).unwrap();
        assert_eq!(
            load_errors(site.path()),
            vec![format!("{lab}/lab.yaml: {LEAVES}")]
        );

        // content/pages/ is a link out.
        let site = minimal_site();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("about.md"), "# About\n").unwrap();
        symlink(outside.path(), site.path().join("content/pages")).unwrap();
        assert_eq!(
            load_errors(site.path()),
            vec![format!("content/pages/about.md: {LEAVES}")]
        );

        // The same through load_lab (a partial rebuild) of a lab folder
        // that is a link out.
        let site = minimal_site();
        let outside = tempfile::tempdir().unwrap();
        copy_tree(&site.path().join(lab), &outside.path().join("x"));
        let (config, _) = site::read_site(
            &read_source(site.path(), &site.path().join("content/site.yaml")).unwrap(),
            None,
        );
        symlink(outside.path().join("x"), site.path().join("content/labs/x")).unwrap();
        let (l, d) = load_lab(
            site.path(),
            &site.path().join("content/labs/x"),
            &ProgramSpec::default(),
            &config.unwrap(),
            &LoadOptions::default(),
        );
        assert!(l.is_none());
        assert_eq!(d[0].message, LEAVES);
    }

    /// Links that stay in the site are read: to another file of the site,
    /// and a content/ folder kept elsewhere and linked in.
    #[test]
    fn links_inside_the_site_are_read() {
        use std::os::unix::fs::symlink;
        let site = minimal_site();
        let lab = site.path().join("content/labs/2025-11-13");
        std::fs::rename(lab.join("report.md"), site.path().join("report.md")).unwrap();
        symlink(site.path().join("report.md"), lab.join("report.md")).unwrap();
        let loaded = load_site(site.path(), &LoadOptions::default()).unwrap();
        assert!(loaded.labs[0].report.is_some());

        let elsewhere = minimal_site();
        let linked = tempfile::tempdir().unwrap();
        symlink(
            elsewhere.path().join("content"),
            linked.path().join("content"),
        )
        .unwrap();
        assert_eq!(load_errors(linked.path()), Vec::<String>::new());
        // And through the site's folder given as a link.
        let root_link = linked.path().join("root");
        symlink(site.path(), &root_link).unwrap();
        let loaded = load_site(&root_link, &LoadOptions::default()).unwrap();
        assert!(loaded.labs[0].report.is_some());
    }

    #[test]
    fn line_col_is_safe_at_any_offset() {
        let t = "aé\n日本";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 2), (1, 2));
        assert_eq!(line_col(t, 4), (2, 1));
        assert_eq!(line_col(t, 5), (2, 1));
        assert_eq!(line_col(t, 999), (2, 3));
    }

    #[test]
    fn sources_and_exports_are_never_assets() {
        for never in [
            "private/survey.xlsx",
            "private/photo.jpg",
            "img/private/a.png",
            "survey.yaml",
            "notes.YML",
            "applications.CSV",
            "x.tsv",
            "x.xls",
            "x.ods",
            "~$survey.xlsx",
        ] {
            assert!(is_never_published(Path::new(never)), "{never}");
        }
        for asset in [
            "photo.jpg",
            "private.png",
            "slides/deck.pdf",
            "privately/a.png",
        ] {
            assert!(!is_never_published(Path::new(asset)), "{asset}");
        }
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("2025-11-13"));
        assert!(is_valid_id("a"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("Lab1"));
        assert!(!is_valid_id("lab 1"));
        assert!(!is_valid_id(""));
    }
}
