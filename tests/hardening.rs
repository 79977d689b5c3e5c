//! Hardening, through the real binary: every bad input gets a clear error
//! (exit code, message, file:line:col), odd but valid input just works,
//! nothing already published is lost, and hostile text stays text.
//!
//! The bad sites live under tests/sites/bad/ (small copies of
//! tests/sites/minimal); inputs that are large, binary or made of links are
//! generated into temporary copies by the tests themselves.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

const LAB: &str = "content/labs/2025-11-13/lab.yaml";
const REPORT: &str = "content/labs/2025-11-13/report.md";

struct Case {
    site: &'static str,
    /// `file:line:col`, or just the file, after `-->`.
    at: &'static str,
    message: &'static str,
    help: Option<&'static str>,
}

fn corpus() -> Vec<Case> {
    let c = |site, at, message, help| Case {
        site,
        at,
        message,
        help,
    };
    vec![
        c(
            "yaml-bad-indent",
            "content/labs/2025-11-13/lab.yaml:8:2",
            "invalid YAML: did not find expected key",
            Some("indentation"),
        ),
        c(
            "yaml-unclosed-quote",
            "content/labs/2025-11-13/lab.yaml:10:10",
            "invalid YAML: a quoted value is never closed",
            Some("same quote mark"),
        ),
        c(
            "yaml-alias-bomb",
            "content/labs/2025-11-13/lab.yaml:17:14",
            "invalid YAML: the file's aliases repeat more than 100000 values",
            Some("billion laughs"),
        ),
        c(
            "yaml-duplicate-key",
            "content/labs/2025-11-13/lab.yaml:10:1",
            "invalid YAML: the key `title` appears twice in the same mapping",
            Some("keep one"),
        ),
        c(
            "not-utf8",
            "content/labs/2025-11-13/lab.yaml:1:8",
            "the file is not valid UTF-8 text",
            Some("Shift_JIS"),
        ),
        c(
            "empty-lab-yaml",
            "content/labs/2025-11-13/lab.yaml",
            "lab.yaml is empty",
            Some("`title`, `date`, `start`, `end` and `status`"),
        ),
        c(
            "link-outside-root",
            "content/labs/2025-11-13/report.md:8:4",
            "the link `../../../etc/passwd` points outside the site",
            Some("beside the Markdown file"),
        ),
        c(
            "control-character",
            "content/labs/2025-11-13/report.md:8:6",
            "the file holds the control character U+000C",
            None,
        ),
        c(
            "unknown-theme",
            "content/site.yaml:6:8",
            "unknown theme `fancy`",
            Some("available: default"),
        ),
        c(
            "template-syntax-error",
            "templates/report.html:3:19",
            "template syntax error in `report.html`",
            Some("`}}`"),
        ),
        c(
            "template-unknown-variable",
            "templates/report.html",
            "template `report.html` failed to render labs/2025-11-13/index.html",
            Some("docs/theme.md"),
        ),
        c(
            "full-width-lab-id",
            "content/labs/２０２５-１１-１３",
            "`２０２５-１１-１３` is not a valid lab id",
            Some("^[a-z0-9][a-z0-9-]*$"),
        ),
        c(
            "organizer-url-javascript",
            "content/site.yaml:8:8",
            "`javascript:alert(1)` is not a web address",
            Some("https://example.org/"),
        ),
        c(
            "apply-url-javascript",
            "content/labs/2026-01-22/lab.yaml:13:14",
            "`javascript:alert(document.cookie)` is not a web address",
            Some("https://"),
        ),
    ]
}

/// The part of stderr that names places: every `--> ` line.
fn locations(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("--> "))
        .map(|l| l.trim().to_string())
        .collect()
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

fn no_panic(r: &Run) {
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "labsite panicked:\n{}",
        r.stderr
    );
}

#[test]
fn every_bad_input_is_an_error_at_its_place() {
    let mut failures = Vec::new();
    for case in corpus() {
        let root = site(&format!("bad/{}", case.site));
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // `build`, so "nothing was published" is checked too.
        let r = build(&root, &out);
        no_panic(&r);
        let err = &r.stderr;
        let ok = r.code == 1
            && err.contains(&format!("--> {}\n", case.at))
            && err.contains(case.message)
            && case
                .help
                .is_none_or(|h| err.lines().any(|l| l.contains("help:") && l.contains(h)))
            && err.contains("nothing was published");
        if !ok {
            failures.push(format!(
                "--- {} (exit {}), expected {} / {} / {:?}\n{}",
                case.site, r.code, case.at, case.message, case.help, err
            ));
        }
        if case.at.matches(':').count() == 2 && !(err.contains(" | ") && err.contains('^')) {
            failures.push(format!(
                "--- {}: no source line and caret\n{err}",
                case.site
            ));
        }
        if out.exists() {
            failures.push(format!("--- {}: something was published", case.site));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What "fast" means for a refused input: well under a second today, and
/// met by a loaded 2-core CI machine running the debug binary beside other
/// tests; an input that is expanded or parsed in full instead takes
/// minutes (and gigabytes).
const REFUSED_WITHIN: Duration = Duration::from_secs(60);

#[test]
fn an_alias_bomb_fails_within_seconds() {
    let started = Instant::now();
    let r = check(&site("bad/yaml-alias-bomb"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        started.elapsed() < REFUSED_WITHIN,
        "took {:?}",
        started.elapsed()
    );
    // The quadratic variant: thousands of aliases of one long list, small
    // as a file (about 60 KB) but minutes and gigabytes to expand.
    let tmp = copy_site(&site("minimal"));
    let lab = tmp.path().join(LAB);
    let mut text = std::fs::read_to_string(&lab).unwrap();
    text.push_str(&format!(
        "big: &big [{}]\nmany:\n",
        vec!["1"; 4000].join(",")
    ));
    for _ in 0..4000 {
        text.push_str("  - *big\n");
    }
    std::fs::write(&lab, text).unwrap();
    let started = Instant::now();
    let r = check(tmp.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("aliases repeat more than"),
        "{}",
        r.stderr
    );
    assert!(started.elapsed() < REFUSED_WITHIN);
}

#[test]
fn a_50_mb_report_fails_fast_and_clearly() {
    let tmp = copy_site(&site("minimal"));
    let report = tmp.path().join(REPORT);
    let mut text = std::fs::read_to_string(&report).unwrap();
    let para =
        "## 見出し\n\n三部構成で行いました。**強調** と [リンク](https://example.org/)。\n\n";
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(para);
    }
    std::fs::write(&report, &text).unwrap();
    let out = tmp.path().join("public");
    let started = Instant::now();
    let r = build(tmp.path(), &out);
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the file is 50.0 MB; labsite reads source files of up to 8 MB"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("--> {REPORT}\n")),
        "{}",
        r.stderr
    );
    assert!(started.elapsed() < REFUSED_WITHIN);
    assert!(!out.exists());
}

#[test]
fn a_large_report_under_the_limit_builds() {
    // A thousand equal headings used to cost a quadratic anchor search.
    let tmp = copy_site(&site("minimal"));
    let report = tmp.path().join(REPORT);
    let mut text = std::fs::read_to_string(&report).unwrap();
    let para =
        "## 見出し\n\n三部構成で行いました。**強調** と [リンク](https://example.org/)。\n\n";
    while text.len() < 2 * 1024 * 1024 {
        text.push_str(para);
    }
    std::fs::write(&report, &text).unwrap();
    let out = tmp.path().join("public");
    let started = Instant::now();
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(started.elapsed() < Duration::from_secs(120));
    let html = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    assert!(html.contains("id=\"見出し-1000\""));
}

/// Rewrite every file of a site.
fn rewrite_all(root: &Path, f: impl Fn(&[u8]) -> Vec<u8>) {
    for rel in files(root) {
        let p = root.join(rel);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, f(&bytes)).unwrap();
    }
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 20);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_change_nothing() {
    let plain = copy_site(&site("minimal"));
    let plain_out = plain.path().join("public");
    assert_eq!(build(plain.path(), &plain_out).code, 0);
    let expected = snapshot(&plain_out);

    let bom = copy_site(&site("minimal"));
    for rel in [LAB, REPORT, "content/site.yaml"] {
        let p = bom.path().join(rel);
        let mut bytes = b"\xef\xbb\xbf".to_vec();
        bytes.extend(std::fs::read(&p).unwrap());
        std::fs::write(&p, bytes).unwrap();
    }
    let out = bom.path().join("public");
    let r = build(bom.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(snapshot(&out) == expected, "a BOM changed the output");

    let windows = copy_site(&site("minimal"));
    rewrite_all(windows.path(), crlf);
    let out = windows.path().join("public");
    let r = build(windows.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(snapshot(&out) == expected, "CRLF changed the output");
}

#[test]
fn crlf_files_report_the_same_lines_and_columns() {
    let cases = [
        "unknown-key",
        "tab-indent",
        "rating-out-of-range",
        "option-not-listed",
        "front-matter-unclosed",
        "base-url-without-scheme",
        "unknown-quote-question",
        "two-files",
        "yaml-bad-indent",
        "yaml-unclosed-quote",
        "yaml-duplicate-key",
        "link-outside-root",
        "not-utf8",
        "template-syntax-error",
    ];
    for case in cases {
        let lf = check(&site(&format!("bad/{case}")));
        let tmp = copy_site(&site(&format!("bad/{case}")));
        rewrite_all(tmp.path(), crlf);
        let r = check(tmp.path());
        assert_eq!(r.code, lf.code, "{case}:\n{}", r.stderr);
        assert!(!locations(&lf.stderr).is_empty(), "{case}");
        assert_eq!(
            locations(&r.stderr),
            locations(&lf.stderr),
            "{case}:\n{}",
            r.stderr
        );
        assert!(
            !r.stderr.contains('\r'),
            "{case}: a CR reached the terminal"
        );
    }
    // A front-matter error keeps the Markdown file's line numbers.
    let tmp = copy_site(&site("minimal"));
    let report = tmp.path().join(REPORT);
    std::fs::write(
        &report,
        crlf(b"---\ndescription: x\ndraftt: true\n---\n# Hi\n"),
    )
    .unwrap();
    let r = check(tmp.path());
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!("--> {REPORT}:3:1\n")),
        "{}",
        r.stderr
    );
}

#[test]
fn shift_jis_in_a_report_names_the_file_and_line() {
    let tmp = copy_site(&site("minimal"));
    let report = tmp.path().join(REPORT);
    let mut bytes = std::fs::read(&report).unwrap();
    // 「テスト」 in Shift_JIS, on the report's last line.
    bytes.extend(b"\n\x83\x65\x83\x58\x83\x67\n");
    std::fs::write(&report, bytes).unwrap();
    let r = check(tmp.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("--> {REPORT}:8:1\n")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not valid UTF-8"));
}

/// A file outside the site whose bytes must never be published.
const SECRET: &str = "SECRET-BYTES-7f3a9c: private notes, never publish";

#[test]
fn symlinks_never_carry_outside_files_into_the_output() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("notes.txt");
    std::fs::write(&secret, SECRET).unwrap();
    std::fs::create_dir(outside.path().join("dir")).unwrap();
    std::fs::write(outside.path().join("dir/inner.txt"), SECRET).unwrap();
    std::fs::write(outside.path().join("secret.md"), format!("# {SECRET}\n")).unwrap();

    let tmp = copy_site(&site("minimal"));
    let lab_dir = tmp.path().join("content/labs/2025-11-13");
    symlink(&secret, lab_dir.join("notes.txt")).unwrap();
    symlink(outside.path().join("dir"), lab_dir.join("dir")).unwrap();
    // A whole lab folder that is a link.
    let other = outside.path().join("2025-12-01");
    copy_tree(&lab_dir, &other);
    std::fs::write(other.join("secret.txt"), SECRET).unwrap();
    symlink(&other, tmp.path().join("content/labs/2025-12-01")).unwrap();
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for warning in [
        "the symbolic link `notes.txt` is not published",
        "the symbolic link `dir` is not published",
        "a symbolic link in content/labs/ is not followed",
    ] {
        assert!(r.stderr.contains(warning), "{warning}:\n{}", r.stderr);
    }
    let published = snapshot(&out);
    assert!(!published.is_empty());
    for (path, bytes) in &published {
        assert!(
            !String::from_utf8_lossy(bytes).contains("SECRET-BYTES"),
            "{path} holds the outside file"
        );
    }
    assert!(!published.keys().any(|p| p.contains("2025-12-01")));

    // A report.md (or a page) that is a link out of the site is an error.
    std::fs::remove_file(lab_dir.join("report.md")).unwrap();
    symlink(outside.path().join("secret.md"), lab_dir.join("report.md")).unwrap();
    std::fs::create_dir_all(tmp.path().join("content/pages")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        tmp.path().join("content/pages/about.md"),
    )
    .unwrap();
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("--> {REPORT}\n"))
            && r.stderr.contains("--> content/pages/about.md\n")
            && r.stderr
                .contains("a symbolic link to a place outside the site"),
        "{}",
        r.stderr
    );
    assert!(snapshot(&out) == published, "the output changed");

    // A content/ folder kept elsewhere and linked in is the site's own.
    let elsewhere = tempfile::tempdir().unwrap();
    copy_tree(&site("minimal/content"), elsewhere.path());
    let linked = tempfile::tempdir().unwrap();
    symlink(elsewhere.path(), linked.path().join("content")).unwrap();
    let r = build(linked.path(), &linked.path().join("public"));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Lab ids cannot collide "after normalization": an id must match
/// `^[a-z0-9][a-z0-9-]*$`, ASCII only, so it has one spelling. Case
/// folding cannot join two valid ids (upper case is refused), Unicode
/// normalization (NFC/NFD on macOS, NFKC) changes no ASCII character, and
/// two folders in one directory never share a name. What can look alike
/// is a folder named with full-width or other non-ASCII characters that
/// NFKC would turn into a valid id; those are refused by name, as below
/// and in tests/sites/bad/full-width-lab-id.
#[test]
fn look_alike_lab_folders_are_refused_not_merged() {
    let tmp = copy_site(&site("minimal"));
    let labs = tmp.path().join("content/labs");
    let src = labs.join("2025-11-13");
    for name in [
        "２０２５-１１-１３", // full-width digits (NFKC: 2025-11-13)
        "2025-11-13\u{200b}", // a zero-width space
        "2025‐11‐13",         // U+2010 hyphens
        "2025-11-1３",
        "Lab1",
        "lab 1",
    ] {
        copy_tree(&src, &labs.join(name));
    }
    let r = check(tmp.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("is not a valid lab id").count(),
        6,
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--> content/labs/２０２５-１１-１３\n"));
}

#[test]
fn build_refuses_the_site_folders_and_their_parents() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("site");
    copy_tree(&site("minimal"), &root);
    std::fs::create_dir_all(root.join("themes/mine/templates")).unwrap();
    std::fs::write(root.join("themes/mine/templates/base.html"), "keep").unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let before = snapshot(parent.path());
    for target in [
        root.join("themes"),
        root.join("themes/mine"),
        root.join("templates"),
        root.join("content"),
        root.clone(),
        parent.path().to_path_buf(),
        PathBuf::from("/"),
    ] {
        let r = build(&root, &target);
        assert_eq!(r.code, 2, "{}: {}", target.display(), r.stderr);
        assert!(
            r.stderr.contains("refusing"),
            "{}: {}",
            target.display(),
            r.stderr
        );
    }
    // A relative spelling of the parent.
    let r = labsite(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        root.join("content/..").join("..").to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(snapshot(parent.path()) == before, "a refused build wrote");
    // A non-empty folder that labsite did not make, even one holding only
    // a hidden file.
    let mine = parent.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join(".keep"), "").unwrap();
    let r = build(&root, &mine);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not made by labsite"));
    assert_eq!(files(&mine), vec![".keep".to_string()]);
    // An output path that is a file.
    let file = parent.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let r = build(&root, &file);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn init_and_new_never_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    // A content/ that is only a file, or a folder with one file in it.
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("content"), "mine").unwrap();
    let r = labsite(&["init", dir.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("content")).unwrap(),
        "mine"
    );
    std::fs::remove_file(dir.join("content")).unwrap();
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(dir.join("content/notes.md"), "mine").unwrap();
    let r = labsite(&["init", dir.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(files(&dir), vec!["content/notes.md".to_string()]);

    // `new lab` on a date whose folder exists without lab.yaml.
    let site_dir = copy_site(&site("minimal"));
    let folder = site_dir.path().join("content/labs/2026-02-05");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("report.md"), "draft notes").unwrap();
    let r = labsite(&[
        "new",
        "lab",
        "2026-02-05",
        "--root",
        site_dir.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(files(&folder), vec!["report.md".to_string()]);
    assert_eq!(
        std::fs::read_to_string(folder.join("report.md")).unwrap(),
        "draft notes"
    );
}

/// A site of many labs (300 copies of the minimal one, a week apart), for
/// builds long enough to be interrupted.
fn many_labs(root: &Path) {
    copy_tree(&site("minimal"), root);
    let labs = root.join("content/labs");
    let src = labs.join("2025-11-13");
    let lab = std::fs::read_to_string(src.join("lab.yaml")).unwrap();
    let report = std::fs::read_to_string(src.join("report.md")).unwrap();
    let first = chrono::NaiveDate::from_ymd_opt(2019, 1, 3).unwrap();
    for i in 0..300 {
        let day = first + chrono::Duration::days(7 * i);
        let id = day.format("%Y-%m-%d").to_string();
        let dir = labs.join(&id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("lab.yaml"),
            lab.replace("date: 2025-11-13", &format!("date: {id}"))
                .replace("number: 1", &format!("number: {}", i + 2)),
        )
        .unwrap();
        std::fs::write(dir.join("report.md"), &report).unwrap();
    }
}

fn set_summary(root: &Path, summary: &str) {
    let lab = root.join("content/labs/2019-01-03/lab.yaml");
    let text = std::fs::read_to_string(&lab).unwrap();
    let line = text.lines().find(|l| l.starts_with("summary:")).unwrap();
    std::fs::write(&lab, text.replace(line, &format!("summary: {summary}"))).unwrap();
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_output() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    many_labs(&root);
    let out = tmp.path().join("public");
    let summaries = ["第一の要約", "第二の要約"];
    // The two complete outputs a build may leave.
    let mut whole = Vec::new();
    for s in summaries {
        set_summary(&root, s);
        let o = tmp.path().join(format!("ref-{}", whole.len()));
        let started = Instant::now();
        let r = build(&root, &o);
        assert_eq!(r.code, 0, "{}", r.stderr);
        whole.push((snapshot(&o), started.elapsed()));
    }
    assert!(whole[0].0 != whole[1].0);
    let full = whole[1].1;
    set_summary(&root, summaries[0]);
    assert_eq!(build(&root, &out).code, 0);
    let mut current = 0;

    let mut delays: Vec<Duration> = [5, 20, 50, 100, 200]
        .into_iter()
        .map(Duration::from_millis)
        .collect();
    // And late, while it writes and swaps.
    for pct in [50, 75, 85, 90, 95, 98, 100, 105] {
        delays.push(full * pct / 100);
    }
    let mut completed = 0;
    for delay in delays {
        // Ask for the other output than the one in place.
        let next = 1 - current;
        set_summary(&root, summaries[next]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_labsite"))
            .args(["build", "--root", root.to_str().unwrap()])
            .args(["--out", out.to_str().unwrap(), "--now", NOW])
            .env_remove("SOURCE_DATE_EPOCH")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let now = snapshot(&out);
        eprintln!(
            "killed after {delay:?} ({status}): the output is build {}",
            if now == whole[next].0 { next } else { current }
        );
        if now == whole[next].0 {
            current = next;
            if status.success() {
                completed += 1;
            }
        } else {
            assert!(
                now == whole[current].0,
                "killed after {delay:?}: the output is neither build (exit {status:?}); {} files, expected {} or {}",
                now.len(),
                whole[current].0.len(),
                whole[next].0.len()
            );
        }
    }
    // The next build, after all that, works and is whole.
    set_summary(&root, summaries[1]);
    let r = build(&root, &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(snapshot(&out) == whole[1].0);
    eprintln!("{completed} of the interrupted builds completed before the kill");
    // What a killed build leaves beside the output: its staging folder.
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".labsite-staging-") || n.contains(".labsite-old-"))
        .collect();
    eprintln!("left beside the output: {leftovers:?}");
}

// ---------------------------------------------------------------------
// Escaping: hostile text in every public field stays text.

/// Every character that breaks some output format.
const HOSTILE: &str = "<script>alert(1)</script> \"onmouseover=x ' javascript:alert(1) </script> ]]> & \r\n ; , \\ end";

/// A YAML double-quoted string.
fn yq(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\r', "\\r")
            .replace('\n', "\\n")
    )
}

/// Markdown from YAML, with raw HTML and a script link.
fn hostile_md() -> String {
    format!("{HOSTILE} [x](javascript:alert(1)) <img src=x onerror=alert(1)> **b**")
}

const HOSTILE_URL: &str = "https://example.org/?q=<script>alert(1)</script>&x=\"onmouseover=x'";

fn hostile_site(root: &Path) {
    let h = yq(HOSTILE);
    let md = yq(&hostile_md());
    let content = root.join("content");
    std::fs::create_dir_all(content.join("labs/2025-11-13")).unwrap();
    std::fs::create_dir_all(content.join("labs/2026-01-22")).unwrap();
    std::fs::write(
        content.join("site.yaml"),
        format!(
            "title: {h}\ndescription: {h}\nbase_url: https://example.org/lab/\nlanguage: ja\ntimezone: Asia/Tokyo\norganizer:\n  name: {h}\n  url: {url}\n  email: lab@example.org\nprivacy:\n  min_group_size: 3\n",
            url = yq(HOSTILE_URL)
        ),
    )
    .unwrap();
    let program = format!(
        "concept: {h}\nprogram:\n  - title: {h}\n    minutes: 20\n    description: {md}\n  - title: {h}\n    minutes: 100\n    rounds: 2\n    round_minutes: 40\n    description: {md}\nframework:\n  title: {h}\n  axes:\n    - name: {h}\n      description: {md}\n      prompts: [{h}, {h}]\n    - {h}\n"
    );
    let participants = "participants:\n  - id: p1\n    name: 青木 一郎\n    company: 株式会社アオキ精機\n    industry: 製造業\n    role: 課長\n  - id: p2\n    name: 石田 花子\n    company: イシダ建設株式会社\n    industry: 製造業\n    role: 課長\n  - id: p3\n    name: 上野 次郎\n    company: (株)ウエノ工業\n    industry: 製造業\n    role: 課長\n";
    let mut responses = String::new();
    for p in ["p1", "p2", "p3"] {
        responses.push_str(&format!(
            "    - participant: {p}\n      consent: quote\n      answers:\n        satisfaction: 4\n        topics: [{h}]\n        takeaway: {h}\n"
        ));
    }
    std::fs::write(
        content.join("labs/2025-11-13/lab.yaml"),
        format!(
            "title: {h}\nnumber: 1\ndate: 2025-11-13\nstart: \"18:00\"\nend: \"20:30\"\nvenue:\n  online: false\n  name: {h}\n  address: {h}\nstatus: held\nsummary: {h}\n{program}{participants}survey:\n  questions:\n    - id: satisfaction\n      text: {h}\n      type: rating\n      scale: 5\n    - id: topics\n      text: {h}\n      type: choice\n      multiple: true\n      options: [{h}, \"<b>二つ目</b>\"]\n    - id: takeaway\n      text: {h}\n      type: text\n  responses:\n{responses}highlights:\n  quotes:\n    - participant: p1\n      question: takeaway\n"
        ),
    )
    .unwrap();
    std::fs::write(
        content.join("labs/2025-11-13/report.md"),
        "---\ndescription: 報告\n---\n## 当日\n\n三部構成で行いました。\n",
    )
    .unwrap();
    std::fs::write(
        content.join("labs/2026-01-22/lab.yaml"),
        format!(
            "title: {h}\nnumber: 2\ndate: 2026-01-22\nstart: \"18:00\"\nend: \"20:30\"\nvenue:\n  online: false\n  name: {h}\n  address: {h}\nstatus: planned\nsummary: {h}\n{program}recruitment:\n  capacity: 8\n  taken: 3\n  deadline: 2026-01-15T23:59\n  fee: {h}\n  audience: {h}\n  apply_url: {url}\n  faq:\n    - q: {h}\n      a: {md}\n",
            url = yq(HOSTILE_URL)
        ),
    )
    .unwrap();
}

/// Start tags of an HTML page: (name, attributes, raw text after a script
/// tag until its end). A tiny tokenizer: enough to see whether any value
/// broke out of its text or attribute.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    script_text: Option<String>,
}

fn html_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"<!--") {
            i = html[i..].find("-->").map(|e| i + e + 3).unwrap_or(b.len());
            continue;
        }
        if b[i] != b'<' || !b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let a = i;
            while i < b.len() && !b"= \t\r\n>/".contains(&b[i]) {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let v = i + 1;
                    i = v;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = html[v..i.min(b.len())].to_string();
                    i += 1;
                } else {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
            attrs.push((attr, value));
        }
        let mut script_text = None;
        if name == "script" || name == "style" {
            let end = html[i.min(b.len())..]
                .to_ascii_lowercase()
                .find(&format!("</{name}"))
                .map(|e| i + e)
                .unwrap_or(b.len());
            script_text = Some(html[i.min(end)..end].to_string());
            i = end;
        }
        out.push(Tag {
            name,
            attrs,
            script_text,
        });
    }
    out
}

fn unescape_html(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn hostile_text_in_every_public_field_stays_text() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    hostile_site(&root);
    let out = tmp.path().join("public");
    let r = labsite(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--now",
        "2026-01-05T12:00:00+09:00",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let site = snapshot(&out);
    let text = |p: &str| String::from_utf8(site[p].clone()).unwrap();
    let mut problems = Vec::new();
    let mut jsonld_checked = 0;
    for (path, bytes) in &site {
        let body = String::from_utf8_lossy(bytes);
        if !path.ends_with(".html") {
            continue;
        }
        if body.to_ascii_lowercase().contains("<script>alert") {
            problems.push(format!("{path}: an unescaped <script>alert"));
        }
        for tag in html_tags(&body) {
            for (a, v) in &tag.attrs {
                if a.starts_with("on") {
                    problems.push(format!("{path}: <{} {a}={v:?}>", tag.name));
                }
                // A value that broke out of its quotes shows up as attributes
                // named by its words (`x`, `end`, `javascript:alert(1)`).
                let plain_name = a
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == ':')
                    && a.starts_with(|c: char| c.is_ascii_lowercase());
                if !plain_name || a == "end" || (a == "x" && v.is_empty()) {
                    problems.push(format!(
                        "{path}: unexpected attribute <{} {a}={v:?}>",
                        tag.name
                    ));
                }
                if a == "href" || a == "src" {
                    let v = unescape_html(v).trim().to_ascii_lowercase();
                    if v.starts_with("javascript:") || v.starts_with("data:") {
                        problems.push(format!("{path}: <{} {a}={v:?}>", tag.name));
                    }
                }
            }
            if tag.name == "script" {
                let ty = tag
                    .attrs
                    .iter()
                    .find(|(a, _)| a == "type")
                    .map(|(_, v)| v.as_str());
                // The theme's own copy-button script, by its address.
                let theme_script = ty.is_none()
                    && tag
                        .attrs
                        .iter()
                        .any(|(a, v)| a == "src" && v.as_str() == "/lab/share.js");
                if theme_script {
                    if tag
                        .script_text
                        .as_deref()
                        .is_some_and(|t| !t.trim().is_empty())
                    {
                        problems.push(format!("{path}: the theme's <script> has a body"));
                    }
                    continue;
                }
                if ty != Some("application/ld+json") {
                    problems.push(format!("{path}: a <script> of type {ty:?}"));
                    continue;
                }
                let json = tag.script_text.clone().unwrap_or_default();
                match serde_json::from_str::<serde_json::Value>(&json) {
                    Ok(v) => {
                        jsonld_checked += 1;
                        if path.ends_with("recruit/index.html") && v["name"] != HOSTILE {
                            problems.push(format!("{path}: JSON-LD name is {:?}", v["name"]));
                        }
                    }
                    Err(e) => problems.push(format!("{path}: JSON-LD does not parse: {e}")),
                }
            }
        }
    }
    assert!(jsonld_checked >= 1, "no JSON-LD found");
    // The hostile text is shown, escaped, where it belongs.
    let report = text("labs/2025-11-13/index.html");
    assert!(
        report.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || report.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the title is not shown escaped"
    );
    // Each page that shows the fields shows them, escaped (so the checks
    // above looked at real output).
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    for (page, at_least) in [
        ("index.html", 2),
        ("labs/index.html", 2),
        ("labs/2025-11-13/index.html", 6),
        ("labs/2025-11-13/program/index.html", 8),
        ("labs/2026-01-22/program/index.html", 8),
        ("labs/2026-01-22/recruit/index.html", 6),
        ("highlights/index.html", 2),
    ] {
        let n = text(page).matches(escaped).count();
        assert!(n >= at_least, "{page}: the hostile text shown {n} times");
        assert!(!text(page).contains("<img src=x"), "{page}");
    }
    let program = text("labs/2025-11-13/program/index.html");
    assert!(
        program.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "part description"
    );
    let recruit = text("labs/2026-01-22/recruit/index.html");
    assert!(
        recruit.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the FAQ answer's raw HTML is not shown as text"
    );

    // The XML files are well-formed and carry the exact text.
    for path in ["feed.xml", "sitemap.xml"] {
        if let Err(e) = roxmltree::Document::parse(&text(path)) {
            problems.push(format!("{path} is not well-formed XML: {e}"));
        }
    }
    let feed = text("feed.xml");
    if let Ok(doc) = roxmltree::Document::parse(&feed) {
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap_or_default();
        // XML reads a CR LF in text as LF.
        assert_eq!(title, HOSTILE.replace("\r\n", "\n"), "feed title");
        let entry_title = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .flat_map(|e| e.children())
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap_or_default();
        assert_eq!(entry_title, HOSTILE.replace("\r\n", "\n"), "entry title");
    }

    // The calendar parses and gives the summary back.
    let ics = text("labs/2026-01-22/lab.ics");
    let unfolded = icalendar::parser::unfold(&ics);
    match icalendar::parser::read_calendar(&unfolded) {
        Ok(cal) => {
            let ev = cal
                .components
                .iter()
                .find(|c| c.name == "VEVENT")
                .expect("VEVENT");
            let summary = ev
                .properties
                .iter()
                .find(|p| p.name == "SUMMARY")
                .map(|p| p.val.as_str().to_string())
                .unwrap_or_default();
            let unescaped = summary
                .replace("\\n", "\n")
                .replace("\\N", "\n")
                .replace("\\,", ",")
                .replace("\\;", ";")
                .replace("\\\\", "\\");
            if unescaped != HOSTILE && unescaped != HOSTILE.replace("\r\n", "\n") {
                problems.push(format!("ICS SUMMARY did not round-trip: {summary:?}"));
            }
        }
        Err(e) => problems.push(format!("the .ics does not parse: {e}")),
    }
    for line in ics.split("\r\n") {
        if line.contains('\r') || line.contains('\n') {
            problems.push(format!("the .ics has a bare line break in {line:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn hostile_addresses_are_refused_at_load() {
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "content/site.yaml",
            "  url: https://example.org/",
            "  url: \" javascript:alert(1)\"",
            "is not a web address",
        ),
        (
            "content/site.yaml",
            "  email: lab@example.org",
            "  email: \"lab@example.org?bcc=all@example.org\"",
            "is not an e-mail address",
        ),
        (
            "content/site.yaml",
            "  email: lab@example.org",
            "  email: \"\\\"><script>alert(1)</script>\"",
            "is not an e-mail address",
        ),
        (
            "content/site.yaml",
            "base_url: https://example.org/lab/",
            "base_url: \"https://example.org/lab/\\\" onload=\\\"x\"",
            "cannot stand in an address",
        ),
        (
            LAB,
            "summary: 製造業のマネジャーが参加",
            "summary: \"a\\u001b[2Jb\"",
            "control character U+001B",
        ),
    ];
    for (file, from, to, message) in cases {
        let tmp = copy_site(&site("minimal"));
        let p = tmp.path().join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&p, text.replace(from, to)).unwrap();
        let r = check(tmp.path());
        assert_eq!(r.code, 1, "{to}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{to}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("--> {file}:")),
            "{to}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains('\u{1b}'),
            "an escape reached the terminal"
        );
    }
}

#[test]
fn a_cover_outside_the_lab_folder_is_refused() {
    for cover in ["/etc/passwd", "../../site.yaml", "./../2025-11-13/lab.yaml"] {
        let tmp = copy_site(&site("minimal"));
        let report = tmp.path().join(REPORT);
        let text = std::fs::read_to_string(&report).unwrap();
        std::fs::write(
            &report,
            text.replace(
                "description: テストの報告",
                &format!("description: テストの報告\ncover: {cover}"),
            ),
        )
        .unwrap();
        let r = check(tmp.path());
        assert_eq!(r.code, 1, "{cover}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "the cover image `{cover}` is not in the lab's folder"
            )),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("--> {REPORT}:3:8\n")),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn an_output_inside_a_lab_folder_is_never_published_again() {
    // `--out content/labs/<id>/out`: either refused, or built without the
    // last output being read back as the lab's files (it used to grow by a
    // copy of the site on every build).
    let tmp = copy_site(&site("minimal"));
    let out = tmp.path().join("content/labs/2025-11-13/out");
    let mut counts = Vec::new();
    for _ in 0..3 {
        let r = build(tmp.path(), &out);
        if r.code == 2 {
            assert!(r.stderr.contains("refusing"), "{}", r.stderr);
            assert!(!out.exists());
            return;
        }
        assert_eq!(r.code, 0, "{}", r.stderr);
        counts.push(files(&out).len());
    }
    assert_eq!(counts[0], counts[2], "the output grew: {counts:?}");
    assert!(!files(&out).iter().any(|f| f.contains("/out/")));
}

#[test]
fn a_template_that_fails_to_render_leaves_the_last_output_whole() {
    let tmp = copy_site(&site("minimal"));
    let out = tmp.path().join("public");
    assert_eq!(build(tmp.path(), &out).code, 0);
    let before = snapshot(&out);
    copy_tree(
        &site("bad/template-unknown-variable/templates"),
        &tmp.path().join("templates"),
    );
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("template `report.html` failed to render"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was published"), "{}", r.stderr);
    assert!(
        snapshot(&out) == before,
        "the failed build changed the output"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.contains(".labsite-staging-") || n.contains(".labsite-old-")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
