//! A partial rebuild (one lab's write-up changed) gives exactly the site a
//! full build gives, and a leak in the change is caught without losing the
//! last good site.

mod common;

use std::collections::BTreeMap;

use common::*;
use labsite::pipeline::{BuildOptions, Session};

fn opts() -> BuildOptions {
    BuildOptions {
        now: Some(
            chrono::DateTime::parse_from_rfc3339(NOW)
                .unwrap()
                .with_timezone(&chrono::Utc),
        ),
        ..BuildOptions::default()
    }
}

fn snapshot(s: &Session) -> BTreeMap<String, Vec<u8>> {
    s.files()
        .iter()
        .map(|(p, f)| (p.clone(), f.bytes.clone()))
        .collect()
}

#[test]
fn a_partial_rebuild_equals_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &tmp.path().join("content"));
    let mut session = Session::build(tmp.path(), &opts()).unwrap();
    let report = tmp.path().join("content/labs/2025-11-13/report.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, text.replace("## ", "## 改訂 ")).unwrap();
    std::fs::write(
        tmp.path().join("content/labs/2025-11-13/extra.txt"),
        "added",
    )
    .unwrap();
    let rebuilt = session
        .rebuild(
            &[
                "content/labs/2025-11-13/report.md".into(),
                "content/labs/2025-11-13/extra.txt".into(),
            ],
            &opts(),
        )
        .unwrap();
    assert!(!rebuilt.full, "a write-up change rebuilt everything");
    assert!(
        rebuilt
            .changed
            .iter()
            .any(|p| p == "labs/2025-11-13/index.html")
    );
    assert!(
        rebuilt
            .changed
            .iter()
            .any(|p| p == "labs/2025-11-13/extra.txt")
    );
    assert!(
        !rebuilt.changed.iter().any(|p| p == "style.css"),
        "an unchanged file was reported changed"
    );
    let fresh = Session::build(tmp.path(), &opts()).unwrap();
    assert_eq!(snapshot(&session), snapshot(&fresh));

    // A removed asset disappears.
    std::fs::remove_file(tmp.path().join("content/labs/2025-11-13/extra.txt")).unwrap();
    let rebuilt = session
        .rebuild(&["content/labs/2025-11-13/extra.txt".into()], &opts())
        .unwrap();
    assert_eq!(
        rebuilt.removed,
        vec!["labs/2025-11-13/extra.txt".to_string()]
    );
    assert_eq!(
        snapshot(&session),
        snapshot(&Session::build(tmp.path(), &opts()).unwrap())
    );
}

#[test]
fn a_leak_in_a_partial_rebuild_fails_and_keeps_the_last_good_site() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &tmp.path().join("content"));
    let mut session = Session::build(tmp.path(), &opts()).unwrap();
    let before = snapshot(&session);
    let report = tmp.path().join("content/labs/2025-11-13/report.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n東雲重工の方も参加しました。\n")).unwrap();
    let err = session.rebuild(&["content/labs/2025-11-13/report.md".into()], &opts());
    assert!(err.is_err(), "the leak passed a partial rebuild");
    assert_eq!(
        snapshot(&session),
        before,
        "a failed rebuild changed the site"
    );
    // A lab.yaml change is a full rebuild.
    std::fs::write(&report, text).unwrap();
    let rebuilt = session
        .rebuild(&["content/labs/2025-11-13/lab.yaml".into()], &opts())
        .unwrap();
    assert!(rebuilt.full);
}

#[test]
fn removing_a_report_updates_the_listings_too() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &tmp.path().join("content"));
    let mut session = Session::build(tmp.path(), &opts()).unwrap();
    std::fs::remove_file(tmp.path().join("content/labs/2025-11-13/report.md")).unwrap();
    let rebuilt = session
        .rebuild(&["content/labs/2025-11-13/report.md".into()], &opts())
        .unwrap();
    // The lab's page stays, as its overview (every lab has a page).
    assert!(
        rebuilt
            .changed
            .iter()
            .any(|p| p == "labs/2025-11-13/index.html")
    );
    let page = &session.files()["labs/2025-11-13/index.html"];
    assert!(String::from_utf8_lossy(&page.bytes).contains("ラボ概要"));
    assert!(
        rebuilt.changed.iter().any(|p| p == "index.html"),
        "the home page still lists the report"
    );
    assert_eq!(
        snapshot(&session),
        snapshot(&Session::build(tmp.path(), &opts()).unwrap())
    );
}

#[test]
fn a_removed_lab_folder_is_a_full_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &tmp.path().join("content"));
    let mut session = Session::build(tmp.path(), &opts()).unwrap();
    std::fs::remove_dir_all(tmp.path().join("content/labs/2027-01-21")).unwrap();
    // The report links the removed lab: a broken link, shown as an error.
    let err = session
        .rebuild(&["content/labs/2027-01-21/lab.yaml".into()], &opts())
        .err()
        .expect("a link to a removed lab passed");
    assert!(format!("{err:?}").contains("broken link"), "{err:?}");
    let report = tmp.path().join("content/labs/2025-11-13/report.md");
    let text = std::fs::read_to_string(&report).unwrap();
    let text = text
        .replace("(@/labs/2027-01-21/lab.yaml)", "")
        .replace("(../2027-01-21/recruit/)", "");
    std::fs::write(&report, text).unwrap();
    // A watcher may report only a file inside the folder.
    let rebuilt = session
        .rebuild(&["content/labs/2027-01-21/zoom.svg".into()], &opts())
        .unwrap();
    assert!(rebuilt.full);
    assert!(
        rebuilt
            .removed
            .iter()
            .any(|p| p == "labs/2027-01-21/recruit/index.html")
    );
    assert_eq!(
        snapshot(&session),
        snapshot(&Session::build(tmp.path(), &opts()).unwrap())
    );
}

#[test]
fn a_partial_rebuild_checks_the_links_of_the_edited_report() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &tmp.path().join("content"));
    let mut session = Session::build(tmp.path(), &opts()).unwrap();
    let report = tmp.path().join("content/labs/2025-11-13/report.md");
    let text = std::fs::read_to_string(&report).unwrap();
    let changed = ["content/labs/2025-11-13/report.md".to_string()];
    for broken in ["[次](../2099-01-01/)", "[概要](@/pages/about.md#nothing)"] {
        std::fs::write(&report, format!("{text}\n{broken}\n")).unwrap();
        let err = session
            .rebuild(&changed, &opts())
            .err()
            .expect("a broken link passed a partial rebuild");
        assert!(format!("{err:?}").contains("broken link"), "{err:?}");
    }
    // Links into pages kept from the last build resolve, fragments too.
    std::fs::write(
        &report,
        format!("{text}\n[会社の外に](@/pages/about.md#会社の外に-もう一人の-1on1の相手-を)\n"),
    )
    .unwrap();
    let rebuilt = session.rebuild(&changed, &opts());
    assert!(rebuilt.is_ok(), "{:?}", rebuilt.err());
}

#[test]
fn a_partial_rebuild_refreshes_the_warnings_of_the_edited_lab() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &tmp.path().join("content"));
    let mut session = Session::build(tmp.path(), &opts()).unwrap();
    let before: Vec<String> = session
        .warnings()
        .iter()
        .map(|w| w.message.clone())
        .collect();
    let lab = tmp.path().join("content/labs/2025-11-13");
    let report = lab.join("report.md");
    let text = std::fs::read_to_string(&report).unwrap();
    // A title the card font cannot draw, and a file that is not published.
    std::fs::write(&report, text.replacen("title: ", "title: 𠮷野家😀 ", 1)).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&report, lab.join("linked.md")).unwrap();
    let changed = [
        "content/labs/2025-11-13/report.md".to_string(),
        "content/labs/2025-11-13/linked.md".to_string(),
    ];
    let rebuilt = session.rebuild(&changed, &opts()).unwrap();
    assert!(!rebuilt.full, "a write-up change rebuilt everything");
    let messages: Vec<&str> = rebuilt
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    let card = |m: &&&str| m.contains("labs/2025-11-13/index.html") && m.contains("2 character(s)");
    assert_eq!(messages.iter().filter(card).count(), 1, "{messages:#?}");
    #[cfg(unix)]
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.contains("`linked.md`"))
            .count(),
        1,
        "{messages:#?}"
    );
    // The same warnings again after a second rebuild: replaced, not added.
    let again = session.rebuild(&changed, &opts()).unwrap();
    assert_eq!(again.warnings.len(), rebuilt.warnings.len());
    // Put right, the lab's warnings are gone and the others are as before.
    std::fs::write(&report, &text).unwrap();
    #[cfg(unix)]
    std::fs::remove_file(lab.join("linked.md")).unwrap();
    let fixed = session.rebuild(&changed, &opts()).unwrap();
    assert!(!fixed.full);
    let after: Vec<String> = fixed.warnings.iter().map(|w| w.message.clone()).collect();
    assert_eq!(after, before);

    // A lab whose lab.yaml warns (the planned lab's example form link,
    // found by the site-wide checks) keeps that warning through a partial
    // rebuild of its files.
    let planned = tmp.path().join("content/labs/2027-01-21");
    std::fs::write(planned.join("notes.txt"), "a file beside the lab").unwrap();
    let rebuilt = session
        .rebuild(&["content/labs/2027-01-21/notes.txt".to_string()], &opts())
        .unwrap();
    assert!(!rebuilt.full, "a file beside a lab rebuilt everything");
    let now: Vec<String> = rebuilt.warnings.iter().map(|w| w.message.clone()).collect();
    assert!(
        now.iter().any(|m| m.contains("`recruitment.apply_url`")),
        "{now:#?}"
    );
    assert_eq!(now, before);
}
