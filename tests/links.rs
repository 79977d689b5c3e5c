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
    // Markdown inside YAML: located at the link inside the FAQ answer.
    assert!(err.contains("broken link `@/pages/abuot.md`"), "{err}");
    assert!(
        err.contains("content/labs/2027-02-04/lab.yaml:20:14"),
        "{err}"
    );
    assert!(err.contains("did you mean `/about/`?"), "{err}");
    // Every broken link in one run.
    assert!(err.contains("the site has 3 errors"), "{err}");
}

/// Where `needle` starts in line `line` (1-based) of `text`, as
/// `line:col` with the column in characters.
fn at(text: &str, line: usize, needle: &str) -> String {
    let l = text.lines().nth(line - 1).unwrap();
    let col = l[..l.find(needle).expect(needle)].chars().count() + 1;
    format!("{line}:{col}")
}

#[test]
fn links_in_program_yaml_are_checked_at_their_own_place_in_the_value() {
    let dir = common::copy_site(&site("links_ok"));
    // The planned lab has no program of its own: it inherits this one.
    let program = "program:\n  - title: オープニング\n    minutes: 20\n    description: |\n      趣旨を確認します。\n      詳しくは[運営](@/pages/about.md#運営)と[古い案内](/guide/)、[一覧](../labs/)。\n  - title: 1on1実践\n    minutes: 100\nframework:\n  title: 四つの軸\n  axes:\n    - name: 成果\n      description: \"「成果」は[ここ](@/pages/abuot.md)と[ここ](@/pages/abuot.md)\"\n";
    std::fs::write(dir.path().join("content/program.yaml"), program).unwrap();
    let run = check(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.stderr;
    let file = "content/program.yaml";
    // Inside a block scalar: the line and column of the link itself.
    assert!(
        err.contains(&format!(
            "error: broken link `/guide/`: no page or file `/guide/` in the site\n  --> {file}:{}",
            at(program, 6, "[古い案内]")
        )),
        "{err}"
    );
    // A relative link reads differently on a lab's program page, which
    // shows the same text: checked there too, and the note says so.
    assert!(
        err.contains(&format!(
            "error: broken link `../labs/`: no page or file `/labs/2027-02-04/labs/` in the site\n  --> {file}:{}",
            at(program, 6, "[一覧]")
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "a relative link is read from the page it is on, here `/labs/2027-02-04/program/`"
        ),
        "{err}"
    );
    // In a quoted string, the second of two identical links at its own
    // place, not at the first.
    let line = program.lines().nth(12).unwrap();
    let second = line.rfind("[ここ]").unwrap();
    let col = line[..second].chars().count() + 1;
    assert!(
        err.contains(&format!("{file}:{}\n", at(program, 13, "[ここ]"))),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:13:{col}\n")), "{err}");
    assert!(err.contains("the site has 4 errors"), "{err}");
}
