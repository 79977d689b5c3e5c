//! The example site, built by the real binary: every page, every link,
//! the sitemap, byte-identical rebuilds, and atomic publishing.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::*;

const BASE: &str = "https://example.com/sub/path/";

fn build_example(out: &Path) -> Run {
    let r = labsite(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        BASE,
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
    r
}

/// Attribute values of `attr="..."` in an HTML document.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn example_site_builds_every_page_and_every_link_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = build_example(&out);
    assert!(
        r.stderr.contains("privacy:"),
        "privacy summary missing: {}",
        r.stderr
    );
    let all = files(&out);
    for expected in [
        "index.html",
        "labs/index.html",
        "labs/2025-11-13/index.html",
        "labs/2025-11-13/program/index.html",
        "labs/2025-11-13/zoom-board.svg",
        "labs/2027-01-21/index.html",
        "labs/2027-01-21/program/index.html",
        "labs/2027-01-21/recruit/index.html",
        "labs/2027-01-21/lab.ics",
        "program/index.html",
        "highlights/index.html",
        "about/index.html",
        "privacy/index.html",
        "accessibility/index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "feed.xml",
        "style.css",
    ] {
        assert!(
            all.iter().any(|f| f == expected),
            "missing {expected} in {all:?}"
        );
    }

    let base_path = "/sub/path/";
    let mut checked = 0;
    for page in all.iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(html.contains("<html lang=\"ja\""), "{page} has no lang");
        let page_dir = Path::new(page)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        for raw in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            let link = unescape(raw);
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.is_empty()
            {
                assert!(
                    !link.starts_with("https://example.com/") || link.starts_with(BASE),
                    "{page}: absolute link outside base: {link}"
                );
                continue;
            }
            let (path_part, fragment) = match link.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            let target = if path_part.is_empty() {
                page.clone()
            } else if let Some(rest) = path_part.strip_prefix(base_path) {
                let rest = percent_decode(rest);
                if rest.is_empty() || rest.ends_with('/') {
                    format!("{rest}index.html")
                } else {
                    rest
                }
            } else {
                assert!(
                    !path_part.starts_with('/'),
                    "{page}: root link not under the base path: {link}"
                );
                let mut parts: Vec<String> = page_dir
                    .iter()
                    .map(|c| c.to_string_lossy().into_owned())
                    .collect();
                for seg in percent_decode(&path_part).split('/') {
                    match seg {
                        ".." => {
                            assert!(
                                parts.pop().is_some(),
                                "{page}: link climbs out of the site: {link}"
                            );
                        }
                        "." | "" => {}
                        s => parts.push(s.to_string()),
                    }
                }
                let joined = parts.join("/");
                if path_part.ends_with('/') {
                    format!("{joined}/index.html")
                } else {
                    joined
                }
            };
            assert!(
                out.join(&target).is_file(),
                "{page}: broken link {link} -> {target}"
            );
            if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
                let target_html = std::fs::read_to_string(out.join(&target)).unwrap();
                let frag = percent_decode(&frag);
                assert!(
                    target_html.contains(&format!("id=\"{frag}\"")),
                    "{page}: missing anchor #{frag} in {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");

    // The sitemap lists every HTML page (but 404) with absolute URLs.
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let locs: HashSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().to_string())
        .collect();
    for page in all
        .iter()
        .filter(|f| f.ends_with(".html") && f.as_str() != "404.html")
    {
        let url = format!("{BASE}{}", page.strip_suffix("index.html").unwrap_or(page));
        assert!(locs.contains(&url), "sitemap lacks {url}");
    }
    assert_eq!(
        locs.len(),
        all.iter()
            .filter(|f| f.ends_with(".html") && f.as_str() != "404.html")
            .count()
    );
    assert!(locs.iter().all(|l| l.starts_with(BASE)));

    // The feed and robots.txt use absolute URLs under the base.
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(
        feed.contains(&format!("<id>{BASE}labs/2025-11-13/</id>")),
        "{feed}"
    );
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains(&format!("Sitemap: {BASE}sitemap.xml")));
}

#[test]
fn program_page_has_computed_times_and_the_framework() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_example(&out);
    let html = std::fs::read_to_string(out.join("labs/2025-11-13/program/index.html")).unwrap();
    // 18:00 start: オープニング 20 min, 1on1実践 100 min, 振り返り 30 min.
    for t in ["18:00", "18:20", "20:00", "20:30"] {
        assert!(html.contains(t), "program page lacks {t}");
    }
    for axis in ["成果", "業務・仕組み", "関係・成長", "自分"] {
        assert!(html.contains(axis), "program page lacks the axis {axis}");
    }
    let report = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    assert!(
        report.contains("2025年11月13日(木)"),
        "report page lacks the Japanese date"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    build_example(&a);
    build_example(&b);
    let fa = files(&a);
    assert_eq!(fa, files(&b));
    for f in &fa {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn a_failing_build_leaves_the_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&site("minimal"), tmp.path());
    let out = tmp.path().join("public");
    let root = tmp.path().to_str().unwrap();
    let ok = labsite(&["build", "--root", root, "--now", NOW]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let before: Vec<(String, Vec<u8>)> = files(&out)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(out.join(&f)).unwrap()))
        .collect();
    assert!(before.len() > 5);
    // Break the lab and build again.
    let lab = tmp.path().join("content/labs/2025-11-13/lab.yaml");
    let text = std::fs::read_to_string(&lab).unwrap();
    std::fs::write(&lab, text.replace("summary:", "summry:")).unwrap();
    let bad = labsite(&["build", "--root", root, "--now", NOW]);
    assert_eq!(bad.code, 1);
    let after: Vec<(String, Vec<u8>)> = files(&out)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(out.join(&f)).unwrap()))
        .collect();
    assert_eq!(before, after, "the failed build changed the output");
    // No staging directories (`.public.labsite-staging-<pid>`) are left
    // beside it. (The share-card cache, `.labsite-cache`, is meant to stay.)
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".public.labsite-")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn build_refuses_an_output_it_did_not_make() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&site("minimal"), tmp.path());
    let out = tmp.path().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep me").unwrap();
    let r = labsite(&[
        "build",
        "--root",
        tmp.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not made by labsite"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep me"
    );
    // Nor the site's own folders.
    for target in ["content", "."] {
        let r = labsite(&[
            "build",
            "--root",
            tmp.path().to_str().unwrap(),
            "--out",
            tmp.path().join(target).to_str().unwrap(),
            "--now",
            NOW,
        ]);
        assert_eq!(r.code, 2, "{target}: {}", r.stderr);
    }
    assert!(tmp.path().join("content/site.yaml").is_file());
}

#[test]
fn init_makes_a_site_that_builds_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("newsite");
    let r = labsite(&["init", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = labsite(&["build", "--root", dir.to_str().unwrap(), "--now", NOW]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert!(dir.join("public/labs/2025-11-13/index.html").is_file());
    let again = labsite(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.code, 2);
}

/// The example's exports (the held lab's applications and survey, the
/// planned lab's applications), as labsite init writes them and the
/// repository holds them.
const EXPORTS: [&str; 3] = [
    "content/labs/2025-11-13/private/applications.csv",
    "content/labs/2025-11-13/private/survey.xlsx",
    "content/labs/2027-01-21/private/applications.csv",
];

#[test]
fn the_example_exports_are_what_the_generator_writes() {
    // `cargo run --example gen_forms -- --example-site` rewrites them.
    for (path, bytes) in EXPORTS.iter().zip([
        common::example_exports::applications_csv(),
        common::example_exports::survey_xlsx(),
        common::example_exports::planned_applications_csv(),
    ]) {
        assert!(
            std::fs::read(repo().join(path)).unwrap() == bytes,
            "{path} is not what the generator writes"
        );
    }
}

/// Every name, reading, company, alias and e-mail in the example's
/// exports, and the answers the lab never reads (参加の動機).
fn export_terms() -> Vec<String> {
    use common::example_exports::{APPLICANTS, PLANNED_APPLICANTS, RESPONSES};
    let mut terms = Vec::new();
    for a in APPLICANTS.iter().chain(&PLANNED_APPLICANTS) {
        terms.extend([a.email, a.name, a.kana, a.company, a.motive].map(String::from));
        terms.push(a.name.replace(' ', ""));
        terms.push(a.kana.replace(' ', ""));
        // Name parts of two characters or more (a one-character one is an
        // identity term only before an honorific), but 中間, which
        // site.yaml allows: it begins 中間管理職, a survey option.
        for part in a.name.split(' ').chain(a.kana.split(' ')) {
            if part.chars().count() >= 2 && part != "中間" {
                terms.push(part.to_string());
            }
        }
        for legal in ["株式会社", "有限会社", "(株)"] {
            if a.company.contains(legal) {
                terms.push(a.company.replace(legal, ""));
            }
        }
        terms.extend(a.aliases.split('、').map(String::from));
    }
    terms.extend(RESPONSES.iter().map(|r| r.name.to_string()));
    terms
}

#[test]
fn init_ships_the_example_exports_and_the_build_publishes_none_of_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("newsite");
    let r = labsite(&["init", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for path in EXPORTS {
        assert_eq!(
            std::fs::read(dir.join(path)).unwrap(),
            std::fs::read(repo().join(path)).unwrap(),
            "init wrote a different {path}"
        );
    }
    let out = tmp.path().join("out");
    let b = build(&dir, &out);
    assert_eq!(b.code, 0, "{}", b.stderr);

    // The report has the survey read from the exports: its rating counts
    // (two 5s and one 4 among the consenting) and its quotes, redacted.
    let report = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    assert!(
        report.contains("5: 2") && report.contains("4: 1"),
        "{report}"
    );
    assert!(
        report.contains("〇〇社さんの事例で聞いた「問いを一つに絞って、答えを待つ」"),
        "{report}"
    );
    assert!(
        report.contains("〇〇社の〇〇さんが紹介してくれた"),
        "{report}"
    );
    // The planned lab's seats taken are its three applications.
    let recruit = std::fs::read_to_string(out.join("labs/2027-01-21/recruit/index.html")).unwrap();
    assert!(recruit.contains("残り5席"), "{recruit}");

    // Nothing from the exports reaches the output: no file, and no name,
    // reading, company, alias or e-mail in any file.
    let all = files(&out);
    assert!(all.len() > 20, "{all:?}");
    for f in &all {
        assert!(!f.contains("private"), "{f}");
        for ext in [".csv", ".xlsx", ".yaml"] {
            assert!(!f.ends_with(ext), "{f}");
        }
    }
    let terms = export_terms();
    assert!(terms.len() > 40, "{terms:?}");
    for f in &all {
        let text = String::from_utf8_lossy(&std::fs::read(out.join(f)).unwrap()).into_owned();
        for term in &terms {
            assert!(!text.contains(term.as_str()), "`{term}` in {f}");
        }
    }
}

#[test]
fn check_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&site("minimal"), tmp.path());
    let r = labsite(&[
        "check",
        "--root",
        tmp.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("privacy:"));
    assert!(!tmp.path().join("public").exists());
}

#[test]
fn a_rebuild_writes_only_what_changed_and_a_no_op_writes_nothing() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&site("minimal"), tmp.path());
    let root = tmp.path().to_str().unwrap();
    let out = tmp.path().join("public");
    assert_eq!(labsite(&["build", "--root", root, "--now", NOW]).code, 0);
    let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
    let (home, css, marker) = (
        inode("index.html"),
        inode("style.css"),
        inode(".labsite-output"),
    );
    let again = labsite(&["build", "--root", root, "--now", NOW]);
    assert!(again.stderr.contains("nothing changed"), "{}", again.stderr);
    assert_eq!(
        (
            inode("index.html"),
            inode("style.css"),
            inode(".labsite-output")
        ),
        (home, css, marker),
        "a no-op build rewrote files"
    );
    // A change to the lab's summary rewrites its pages but not the CSS.
    let lab = tmp.path().join("content/labs/2025-11-13/lab.yaml");
    let text = std::fs::read_to_string(&lab).unwrap();
    std::fs::write(
        &lab,
        text.replace(
            "summary: 製造業のマネジャーが参加",
            "summary: 製造業のマネジャー3名が参加",
        ),
    )
    .unwrap();
    let changed = labsite(&["build", "--root", root, "--now", NOW]);
    assert_eq!(changed.code, 0, "{}", changed.stderr);
    assert!(changed.stderr.contains("unchanged"), "{}", changed.stderr);
    assert_eq!(inode("style.css"), css, "an unchanged file was rewritten");
    assert!(
        std::fs::read_to_string(out.join("labs/2025-11-13/index.html"))
            .unwrap()
            .contains("製造業のマネジャー3名が参加")
    );
}

#[test]
fn leftovers_of_killed_builds_are_cleared_and_outputs_inside_the_sources_refused() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&site("minimal"), tmp.path());
    let root = tmp.path().to_str().unwrap();
    // A staging tree of a build whose process is gone (pid far above any).
    let stale = tmp.path().join(".public.labsite-staging-2147483646");
    std::fs::create_dir_all(stale.join("labs")).unwrap();
    let r = labsite(&["build", "--root", root, "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!stale.exists(), "a dead build's staging tree was left");
    let inside = tmp.path().join("content/labs/2025-11-13/out");
    let r = labsite(&[
        "build",
        "--root",
        root,
        "--now",
        NOW,
        "--out",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!inside.exists());
}

/// The accessibility statement (`menu: footer`) is linked from every
/// page's footer, not from the header's menu, which keeps the free pages
/// without a `menu`.
#[test]
fn the_accessibility_statement_is_in_every_footer() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_example(&out);
    let link = "<a href=\"/sub/path/accessibility/\"";
    for f in files(&out).iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(f)).unwrap();
        let (header, footer) = html.split_once("<footer").unwrap();
        assert!(!header.contains(link), "{f}: in the header");
        assert!(header.contains("<a href=\"/sub/path/about/\""), "{f}");
        let nav = footer
            .split_once("<nav class=\"site-footer__nav\" aria-label=\"サイトについて\">")
            .unwrap_or_else(|| panic!("{f}: no footer menu"))
            .1;
        let nav = nav.split_once("</nav>").unwrap().0;
        let current = f == "accessibility/index.html";
        assert!(
            nav.contains(&format!(
                "{link}{}>アクセシビリティ方針</a>",
                if current {
                    " aria-current=\"page\""
                } else {
                    ""
                }
            )),
            "{f}: {nav}"
        );
    }
}
