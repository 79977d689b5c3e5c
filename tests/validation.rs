//! Each SPEC §5 validation: a small broken site under tests/sites/bad/,
//! run through the real binary, with its exit code, its file:line:col and
//! its message.

mod common;

use common::*;

struct Case {
    site: &'static str,
    code: i32,
    /// `file:line:col` (or just the file) the error must point at.
    at: &'static str,
    message: &'static str,
    help: Option<&'static str>,
}

const LAB: &str = "content/labs/2025-11-13/lab.yaml";

fn cases() -> Vec<Case> {
    let c = |site, at: &'static str, message, help| Case {
        site,
        code: 1,
        at,
        message,
        help,
    };
    vec![
        c(
            "unknown-key",
            "content/labs/2025-11-13/lab.yaml:10:1",
            "unknown key `summry` in a lab",
            Some("did you mean `summary`?"),
        ),
        c(
            "wrong-type",
            "content/labs/2025-11-13/lab.yaml:2:9",
            "expected a whole number for `number`, found `first`",
            None,
        ),
        c(
            "impossible-date",
            "content/labs/2025-11-13/lab.yaml:3:7",
            "`2025-02-30` is not a date",
            Some("YYYY-MM-DD"),
        ),
        c(
            "impossible-time",
            "content/labs/2025-11-13/lab.yaml:4:8",
            "`25:00` is not a time of day",
            Some("HH:MM"),
        ),
        c(
            "end-before-start",
            "content/labs/2025-11-13/lab.yaml:5:6",
            "the lab ends (17:00) before it starts (18:00)",
            None,
        ),
        c(
            "missing-title",
            "content/labs/2025-11-13/lab.yaml:1:1",
            "missing required key `title` in a lab",
            Some("add `title:"),
        ),
        c(
            "unknown-status",
            "content/labs/2025-11-13/lab.yaml:9:9",
            "unknown status `hled`",
            Some("did you mean `held`?"),
        ),
        c(
            "duplicate-participant",
            "content/labs/2025-11-13/lab.yaml:31:9",
            "duplicate participant id `p2`",
            None,
        ),
        c(
            "duplicate-question",
            "content/labs/2025-11-13/lab.yaml:42:11",
            "duplicate question id `satisfaction`",
            None,
        ),
        c(
            "unknown-response-participant",
            "content/labs/2025-11-13/lab.yaml:57:20",
            "unknown participant `p9`",
            None,
        ),
        c(
            "unknown-quote-participant",
            "content/labs/2025-11-13/lab.yaml:68:20",
            "unknown participant `p7`",
            None,
        ),
        c(
            "unknown-quote-question",
            "content/labs/2025-11-13/lab.yaml:69:17",
            "unknown question `takeway`",
            Some("did you mean `takeaway`?"),
        ),
        c(
            "rating-out-of-range",
            "content/labs/2025-11-13/lab.yaml:64:23",
            "`7` is not a rating for `satisfaction`",
            Some("from 1 to 5"),
        ),
        c(
            "option-not-listed",
            "content/labs/2025-11-13/lab.yaml:55:18",
            "`対話を続ける` is not an option of `topics`",
            None,
        ),
        c(
            "unknown-answer-key",
            "content/labs/2025-11-13/lab.yaml:54:9",
            "unknown key `satisfacton` in the answers",
            Some("did you mean `satisfaction`?"),
        ),
        c(
            "unknown-consent",
            "content/labs/2025-11-13/lab.yaml:58:16",
            "unknown consent `agregate`",
            Some("did you mean `aggregate`?"),
        ),
        c(
            "quote-without-consent",
            "content/labs/2025-11-13/lab.yaml:68:20",
            "`p2` did not consent to being quoted",
            None,
        ),
        c(
            "program-overrun",
            "content/labs/2025-11-13/lab.yaml:5:6",
            "the program runs 165 minutes but the lab has 150",
            Some("end the lab at 20:45"),
        ),
        c(
            "rounds-do-not-fit",
            "content/labs/2025-11-13/lab.yaml:17:20",
            "2 rounds of 60 minutes do not fit in the part's 100 minutes",
            None,
        ),
        c(
            "bad-lab-id",
            "content/labs/Lab 1",
            "`Lab 1` is not a valid lab id",
            Some("^[a-z0-9][a-z0-9-]*$"),
        ),
        c(
            "lab-without-yaml",
            "content/labs/2025-12-01",
            "a lab folder without lab.yaml",
            None,
        ),
        c(
            "base-url-without-scheme",
            "content/site.yaml:3:11",
            "has no scheme",
            Some("https://example.org/lab/"),
        ),
        c(
            "min-group-size-one",
            "content/site.yaml:11:19",
            "`min_group_size` is 1",
            None,
        ),
        c(
            "unknown-timezone",
            "content/site.yaml:5:11",
            "unknown time zone `Asia/Tokio`",
            Some("IANA"),
        ),
        c(
            "unknown-site-key",
            "content/site.yaml:2:1",
            "unknown key `descripton` in site.yaml",
            Some("did you mean `description`?"),
        ),
        c(
            "recruitment-missing-apply-url",
            "content/labs/2026-01-22/lab.yaml",
            "missing required key `apply_url` in the recruitment",
            None,
        ),
        c(
            "front-matter-unclosed",
            "content/labs/2025-11-13/report.md:1:1",
            "the front matter of the report is never closed",
            Some("`---`"),
        ),
        c(
            "kana-parts",
            "content/labs/2025-11-13/lab.yaml:23:11",
            "`kana` has 1 part(s) but `name` has 2",
            Some("separated as in `name`"),
        ),
        c(
            "tab-indent",
            "content/labs/2025-11-13/lab.yaml:7:1",
            "invalid YAML",
            Some("tabs"),
        ),
    ]
}

#[test]
fn every_validation_names_file_line_column_and_what_was_expected() {
    let mut failures = Vec::new();
    for case in cases() {
        let root = site(&format!("bad/{}", case.site));
        let r = labsite(&["check", "--root", root.to_str().unwrap(), "--now", NOW]);
        let err = &r.stderr;
        let ok = r.code == case.code
            && err.contains(&format!("--> {}", case.at))
            && err.contains(case.message)
            && case
                .help
                .is_none_or(|h| err.lines().any(|l| l.contains("help:") && l.contains(h)));
        if !ok {
            failures.push(format!(
                "--- {} (exit {}), expected {} / {} / {:?}\n{}",
                case.site, r.code, case.at, case.message, case.help, err
            ));
        }
        // The source line and a caret are shown under the location.
        if case.at.matches(':').count() == 2 {
            assert!(
                err.contains(" | ") && err.contains('^'),
                "{}: no snippet\n{err}",
                case.site
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_in_two_files_are_both_reported() {
    let r = labsite(&[
        "check",
        "--root",
        site("bad/two-files").to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--> content/site.yaml:1:1"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("unknown key `titel`"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("--> {LAB}:3:7")), "{}", r.stderr);
    assert!(r.stderr.contains("the site has 2 errors"), "{}", r.stderr);
}

#[test]
fn build_exit_codes() {
    // Content error: 1. Usage error: 2. Missing site: 2.
    let bad = labsite(&[
        "build",
        "--root",
        site("bad/unknown-key").to_str().unwrap(),
        "--now",
        NOW,
        "--out",
        "/nonexistent-dir-for-test/out",
    ]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    let usage = labsite(&["build", "--frobnicate"]);
    assert_eq!(usage.code, 2);
    let tmp = tempfile::tempdir().unwrap();
    let missing = labsite(&["build", "--root", tmp.path().to_str().unwrap()]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("site.yaml not found"),
        "{}",
        missing.stderr
    );
    let bad_now = labsite(&[
        "build",
        "--root",
        site("minimal").to_str().unwrap(),
        "--now",
        "yesterday",
    ]);
    assert_eq!(bad_now.code, 2);
}

#[test]
fn a_name_in_the_report_fails_the_gate_without_printing_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = labsite(&[
        "build",
        "--root",
        site("bad/name-in-report").to_str().unwrap(),
        "--now",
        NOW,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("participant `p1` of lab `2025-11-13`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("labs/2025-11-13/index.html"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("--> content/labs/2025-11-13/report.md:8:"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("青木"),
        "the term was printed:\n{}",
        r.stderr
    );
    assert!(!out.exists(), "something was published");
    let shown = labsite(&[
        "check",
        "--root",
        site("bad/name-in-report").to_str().unwrap(),
        "--now",
        NOW,
        "--show-terms",
    ]);
    assert!(shown.stderr.contains("青木"), "{}", shown.stderr);
}
