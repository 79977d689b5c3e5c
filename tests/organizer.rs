//! What an organizer runs into on their own: the `--now` forms, warnings
//! for likely mistakes and `--deny-warnings`, `new lab` numbering by date,
//! and the per-lab privacy summary.

mod common;

use std::path::Path;

use common::*;

fn recruit_html(root: &Path, now: &str) -> String {
    let r = build_at(root, now, &[]);
    assert_eq!(r.code, 0, "--now {now}: {}", r.stderr);
    std::fs::read_to_string(root.join("public/labs/2027-01-21/recruit/index.html")).unwrap()
}

#[test]
fn now_takes_the_forms_deadline_takes_in_the_sites_zone() {
    let tmp = example_site();
    let root = tmp.path();
    // The example's deadline is 2027-01-14T23:59 in Asia/Tokyo: "closing"
    // starts seven days before, at 2027-01-07T23:59 JST.
    for (now, badge) in [
        ("2027-01-07T23:58", "badge--open"),
        ("2027-01-07T23:59", "badge--closing"),
        ("2027-01-07 23:59:00", "badge--closing"),
        ("2027-01-07", "badge--open"),
        ("2027-01-08", "badge--closing"),
        ("2027-01-15", "badge--closed"),
        // RFC 3339 as before: 14:58Z is 23:58 JST.
        ("2027-01-07T14:58:00Z", "badge--open"),
    ] {
        let html = recruit_html(root, now);
        assert!(html.contains(badge), "--now {now}: expected {badge}");
    }
    // A local "now" is the site's local time, not the machine's: moving the
    // site to UTC moves the boundary by nine hours.
    let site = root.join("content/site.yaml");
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, text.replace("timezone: Asia/Tokyo", "timezone: UTC")).unwrap();
    assert!(recruit_html(root, "2027-01-07T23:58").contains("badge--open"));
    assert!(recruit_html(root, "2027-01-07T23:59").contains("badge--closing"));
}

#[test]
fn a_now_that_is_not_a_time_is_a_usage_error() {
    let tmp = example_site();
    let root = tmp.path().to_str().unwrap();
    for bad in ["2026-12-1", "tomorrow", "2026-12-10T25:00"] {
        let r = labsite(&["check", "--root", root, "--now", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("2026-12-10T09:00"), "{}", r.stderr);
    }
    // A local time the clocks skip in the site's zone.
    let site = tmp.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, text.replace("Asia/Tokyo", "America/New_York")).unwrap();
    let r = labsite(&["check", "--root", root, "--now", "2026-03-08T02:30"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
}

const PLANNED: &str = "content/labs/2027-01-21/lab.yaml";
const HELD: &str = "content/labs/2025-11-13/lab.yaml";
/// The held lab's applications (a Google Forms CSV): its participants.
const APPLICATIONS: &str = "content/labs/2025-11-13/private/applications.csv";
/// Between the two example labs, before the planned one's deadline.
const NOW: &str = "2026-12-01";

/// [`common::edit`] of `file` under `root`.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    common::edit(&root.join(file), from, to);
}

/// `labsite COMMAND --root ROOT --now NOW EXTRA…`.
fn run_at(command: &str, root: &Path, now: &str, extra: &[&str]) -> Run {
    let mut args = vec![command, "--root", root.to_str().unwrap(), "--now", now];
    args.extend_from_slice(extra);
    labsite(&args)
}

fn check_at(root: &Path, now: &str, extra: &[&str]) -> Run {
    run_at("check", root, now, extra)
}

fn build_at(root: &Path, now: &str, extra: &[&str]) -> Run {
    run_at("build", root, now, extra)
}

/// The warnings in stderr: `warning: …` and the `-->` line after it.
fn warnings(stderr: &str) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("warning: "))
        .map(|(i, l)| format!("{l} {}", lines.get(i + 1).unwrap_or(&"").trim()))
        .collect()
}

/// The example's own placeholders (organizer url and e-mail, the planned
/// lab's form): a new site's list of what to replace.
const EXAMPLE_WARNINGS: usize = 3;

#[test]
fn the_example_warns_only_about_its_placeholders() {
    let tmp = example_site();
    let r = check_at(tmp.path(), NOW, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w = warnings(&r.stderr);
    assert_eq!(w.len(), EXAMPLE_WARNINGS, "{w:#?}");
    assert!(
        w[0].contains("`recruitment.apply_url`") && w[0].contains("2027-01-21/lab.yaml:21:14"),
        "{w:#?}"
    );
    assert!(
        w[1].contains("`organizer.url`") && w[1].contains("site.yaml:11:8"),
        "{w:#?}"
    );
    assert!(
        w[2].contains("`organizer.email`") && w[2].contains("site.yaml:12:10"),
        "{w:#?}"
    );
    assert!(
        r.stderr.contains("help: `example.org` is a placeholder"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_held_lab_s_recruitment_placeholders_do_not_warn() {
    // A lab made by `new lab` keeps its recruitment block once held; that
    // block is no longer published, so its example form link is no one's
    // concern. (A report is not needed for the lab to be held.)
    let tmp = example_site();
    edit(tmp.path(), PLANNED, "status: planned", "status: held");
    // The first report links to the recruitment page, which is gone.
    edit(
        tmp.path(),
        "content/labs/2025-11-13/report.md",
        "と[募集ページ](../2027-01-21/recruit/)",
        "",
    );
    let r = check_at(tmp.path(), "2027-02-01", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w = warnings(&r.stderr);
    assert!(
        !w.iter().any(|w| w.contains("`recruitment.apply_url`")),
        "{w:#?}"
    );
    assert_eq!(w.len(), EXAMPLE_WARNINGS - 1, "{w:#?}");
}

#[test]
fn each_likely_mistake_warns_at_its_place() {
    let cases: [(&str, &str, &str, &str, &str); 6] = [
        (
            PLANNED,
            "capacity: 8\n",
            "capacity: 8\n  taken: 12\n",
            "`taken` (12) is more than `capacity` (8)",
            "2027-01-21/lab.yaml:16:10",
        ),
        (
            PLANNED,
            "fee: 無料",
            "fee: 無料(TODO)",
            "`TODO` left in `recruitment.fee`",
            "2027-01-21/lab.yaml:19:8",
        ),
        (
            HELD,
            "date: 2025-11-13",
            "date: 2026-12-24",
            "marked `held` but its date, 2026-12-24, is still to come",
            "2025-11-13/lab.yaml:8:9",
        ),
        (
            PLANNED,
            "date: 2027-01-21",
            "date: 2026-11-20",
            "`planned` but its date, 2026-11-20, has passed",
            "2027-01-21/lab.yaml:8:9",
        ),
        (
            PLANNED,
            "summary: 業種も会社も違うマネジャー同士で、1on1を2ラウンド。部下との対話に手応えがほしい方、自分のマネジメントを外の目で見直したい方の参加をお待ちしています。",
            "summary: 会社の垣根を越えて、マネジャー同士が1on1で学び合う。社名を明かさずに本音で話せる、オンラインの越境対話の場です。",
            "the summary is the site's description",
            "2027-01-21/lab.yaml:9:10",
        ),
        (
            PLANNED,
            "name: Zoom",
            "name: https://zoom.example.com/j/1",
            "`example.com` left in `venue.name`",
            "2027-01-21/lab.yaml:12:9",
        ),
    ];
    for (file, from, to, message, place) in cases {
        let tmp = example_site();
        let root = tmp.path();
        edit(root, file, from, to);
        if to.contains("TODO") {
            // The example's 藤堂 reads Tōdō: its romaji is `todo`, which the
            // leak gate would find in a published TODO first.
            edit(
                root,
                APPLICATIONS,
                "\"とうどう わたる\"",
                "\"ふじどう わたる\"",
            );
        }
        if to.starts_with("date: 2026-11-20") {
            // A planned lab in the past has its deadline in the past too.
            edit(
                root,
                file,
                "deadline: 2027-01-14T23:59",
                "deadline: 2026-11-13T23:59",
            );
        }
        let r = check_at(root, NOW, &[]);
        assert_eq!(r.code, 0, "{to}: {}", r.stderr);
        let w = warnings(&r.stderr);
        assert_eq!(w.len(), EXAMPLE_WARNINGS + 1, "{to}: {w:#?}");
        assert!(
            w.iter().any(|w| w.contains(message) && w.contains(place)),
            "{to}: no `{message}` at {place} in {w:#?}"
        );

        // --deny-warnings: the same, as errors, exit 1, nothing published.
        let r = check_at(root, NOW, &["--deny-warnings"]);
        assert_eq!(r.code, 1, "{to}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("error: {}", message.split('`').next().unwrap()))
                || r.stderr.contains(message),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("made an error by --deny-warnings"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains(&format!("the site has {} errors", EXAMPLE_WARNINGS + 1)),
            "{}",
            r.stderr
        );
        let out = root.join("public");
        let b = build_at(root, NOW, &["--deny-warnings"]);
        assert_eq!(b.code, 1, "{}", b.stderr);
        assert!(!out.exists(), "a denied build published {}", out.display());
        let b = build_at(root, NOW, &[]);
        assert_eq!(b.code, 0, "{}", b.stderr);
        assert!(out.join("index.html").is_file());
    }
}

#[test]
fn placeholders_in_private_fields_do_not_warn() {
    let tmp = example_site();
    let root = tmp.path();
    // The example's participants already use `.example` addresses; an
    // example.org one and a TODO there are never published. (The
    // participant whose response gave no consent: their e-mail is their
    // id, and no quote names it.)
    edit(
        root,
        APPLICATIONS,
        "\"c.nakama@shiomi-gumi.example\"",
        "\"nakama@example.org\"",
    );
    edit(
        root,
        APPLICATIONS,
        "\"株式会社汐見組\"",
        "\"株式会社汐見組 TODO\"",
    );
    let r = check_at(root, NOW, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(warnings(&r.stderr).len(), EXAMPLE_WARNINGS, "{}", r.stderr);
}

#[test]
fn unknown_participants_after_a_misspelt_participants_are_folded() {
    // A lab with its participants written inline (the example reads its
    // own from an export).
    let tmp = copy_site(&site("minimal"));
    let root = tmp.path();
    edit(root, HELD, "\nparticipants:", "\nparticipant:");
    let r = check_at(root, NOW, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown key `participant`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `participants`?"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("error: unknown participant"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("unknown participant error(s) follow from this one"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("the site has 1 error"), "{}", r.stderr);
}

#[test]
fn new_lab_takes_its_number_from_the_dates() {
    let tmp = example_site();
    let root = tmp.path();
    let r = labsite(&["new", "lab", "2026-12-17", "--root", root.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(root.join("content/labs/2026-12-17/lab.yaml")).unwrap();
    assert!(text.contains("title: 対話1on1ラボ 第2回\n"), "{text}");
    assert!(text.contains("\nnumber: 2\n"), "{text}");
    assert!(
        !text.contains("taken:") || text.contains("# seats taken"),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("taken:")),
        "{text}"
    );
    assert!(!text.contains("SPEC"), "{text}");
    assert!(
        r.stderr
            .contains("warning: labs/2027-01-21/lab.yaml is 第2回, but by date it is now 第3回"),
        "{}",
        r.stderr
    );
    // The later lab is left alone.
    let later = std::fs::read_to_string(root.join(PLANNED)).unwrap();
    assert!(later.contains("number: 2\n"));
    // The draft's placeholders warn: its form link and its summary.
    let r = check_at(root, "2026-11-01", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w = warnings(&r.stderr);
    assert!(
        w.iter()
            .any(|w| w.contains("`recruitment.apply_url`") && w.contains("2026-12-17/lab.yaml")),
        "{w:#?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("the summary is the site's description")),
        "{w:#?}"
    );

    // A lab after all others: the next number, no warning.
    let r = labsite(&["new", "lab", "2027-03-18", "--root", root.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let text = std::fs::read_to_string(root.join("content/labs/2027-03-18/lab.yaml")).unwrap();
    assert!(
        text.contains("第3回") && text.contains("\nnumber: 3\n"),
        "{text}"
    );
}

#[test]
fn init_says_what_to_replace_and_how_to_remove_the_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-lab");
    let r = labsite(&["init", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "invented",
        "base_url",
        "organizer",
        "privacy.allow (`中間`)",
        "labsite new lab YYYY-MM-DD",
        "next: labsite build",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    // The removal command names the example labs that init wrote.
    let rm = r
        .stderr
        .lines()
        .find_map(|l| l.split_once("rm -r "))
        .map(|(_, p)| p)
        .unwrap();
    let paths: Vec<&str> = rm.split(' ').collect();
    assert_eq!(paths.len(), 2, "{rm}");
    for p in &paths {
        assert!(Path::new(p).join("lab.yaml").is_file(), "{p}");
        std::fs::remove_dir_all(p).unwrap();
    }
    let r = check_at(&dir, NOW, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn the_privacy_summary_is_per_lab_and_names_the_kinds() {
    let tmp = example_site();
    let root = tmp.path();
    let r = check_at(root, NOW, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = "privacy: 3 quote(s) published, 9 redaction(s), 1 group(s) suppressed, 1 response(s) left out for lack of consent\n  labs/2025-11-13: 3 quote(s), 9 redaction(s), 1 group(s) suppressed, 1 response(s) left out (業種: 1 group under k left out)\n  (--explain says what each figure means)\nallowed and published: 中間 (2 pages, feed.xml)\nok: 13 pages checked, no errors\n";
    assert!(r.stderr.ends_with(summary), "{}", r.stderr);

    // Small industries that together reach k are merged into その他; the
    // rating mean by industry leaves its small groups out.
    let edit_all = |file: &str, f: &dyn Fn(String) -> String| {
        let p = root.join(file);
        std::fs::write(&p, f(std::fs::read_to_string(&p).unwrap())).unwrap();
    };
    edit_all(APPLICATIONS, &|s| {
        s.replacen("\"製造業\"", "\"小売業\"", 1)
            .replacen("\"製造業\"", "\"金融業\"", 1)
    });
    edit(
        root,
        "content/site.yaml",
        "min_group_size: 3",
        "min_group_size: 2",
    );
    let r = check_at(root, NOW, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("  labs/2025-11-13: 3 quote(s), 9 redaction(s), 7 group(s) suppressed, 1 response(s) left out (業種別の平均「本日のラボの満足度」: 3 groups under k left out; 業種: 4 groups under k merged into その他)\n"),
        "{}",
        r.stderr
    );

    // --explain: each lab in full, on build too.
    let b = build_at(root, NOW, &["--explain"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    for line in [
        "\nlabs/2025-11-13:\n",
        "\n  3 quote(s) published: ",
        "\n  9 redaction(s): ",
        "\n  1 response(s) left out for lack of consent: ",
        "\n  7 group(s) suppressed: ",
        "\n    業種: 4 groups under k merged into その他\n",
    ] {
        assert!(b.stderr.contains(line), "{line:?} not in {}", b.stderr);
    }
}
