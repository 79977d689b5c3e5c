//! Link checking (SPEC §6), on the real binary: links to a planned lab and
//! to a free page by `@/` resolve under a sub-path `base_url`; a missing
//! page and a missing fragment fail the build at their file:line:col with
//! the nearest page or id suggested, every one of them in one run.

mod common;

use common::{build, check, site};

#[test]
fn source_and_relative_links_resolve_under_a_sub_path() {
    let out = tempfile::tempdir().unwrap();
    let run = build(&site("links_ok"), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The planned lab has a page of its own, so `../2027-02-04/` works.
    let overview = out.path().join("labs/2027-02-04/index.html");
    let overview = std::fs::read_to_string(&overview).expect("the planned lab's page");
    assert!(overview.contains("テストラボ 第2回"), "{overview}");
    let report = std::fs::read_to_string(out.path().join("labs/2025-11-13/index.html")).unwrap();
    // `@/labs/<id>/lab.yaml` and `@/pages/<slug>.md` become root-relative
    // URLs under the base path (`/lab/`).
    assert!(
        report.contains(r#"<a href="/lab/labs/2027-02-04/">第2回</a>"#),
        "{report}"
    );
    assert!(
        // (pulldown-cmark percent-encodes the fragment, as browsers read it)
        report.contains(r#"<a href="/lab/about/#%E9%81%8B%E5%96%B6">事務局</a>"#),
        "{report}"
    );
    assert!(report.contains(r#"href="../2027-02-04/recruit/""#));
    assert!(report.contains(r#"href="/lab/labs/""#));
    assert!(!report.contains("@/"), "a source link left unresolved");
    // Markdown inside YAML (a FAQ answer) resolves the same way.
    let recruit =
        std::fs::read_to_string(out.path().join("labs/2027-02-04/recruit/index.html")).unwrap();
    assert!(
        recruit.contains(r#"href="/lab/about/#%E9%81%8B%E5%96%B6""#),
        "{recruit}"
    );
    // The overview is in the sitemap with its absolute URL.
    let sitemap = std::fs::read_to_string(out.path().join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/lab/labs/2027-02-04/</loc>"));
}

#[test]
fn broken_links_are_errors_at_their_source_with_a_suggestion() {
    let run = check(&site("links_bad"));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.stderr;
    // A missing page: the relative link as written, where it is written.
    assert!(
        err.contains("error: broken link `../2027-02-05/`: no page or file `/labs/2027-02-05/`"),
        "{err}"
    );
    assert!(
        err.contains("content/labs/2025-11-13/report.md:8:4"),
        "{err}"
    );
    assert!(err.contains("did you mean `/labs/2027-02-04/`?"), "{err}");
    // A missing fragment: the page exists, the heading id does not.
    assert!(
        err.contains("the page `/about/` has no element with id `運用`"),
        "{err}"
    );
    assert!(
        err.contains("content/labs/2025-11-13/report.md:9:4"),
        "{err}"
    );
    assert!(err.contains("did you mean `#運営`?"), "{err}");
    // Markdown inside YAML: located at the FAQ answer.
    assert!(err.contains("broken link `@/pages/abuot.md`"), "{err}");
    assert!(
        err.contains("content/labs/2027-02-04/lab.yaml:20:10"),
        "{err}"
    );
    assert!(err.contains("did you mean `/about/`?"), "{err}");
    // Every broken link in one run.
    assert!(err.contains("the site has 3 errors"), "{err}");
}
