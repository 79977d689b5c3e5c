//! What an organizer runs into on their own: the `--now` forms, warnings
//! for likely mistakes and `--deny-warnings`, `new lab` numbering by date,
//! and the per-lab privacy summary.

mod common;

use std::path::Path;

use common::*;

/// A copy of the example site (content and theme).
fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &tmp.path().join("content"));
    copy_tree(&repo().join("themes"), &tmp.path().join("themes"));
    tmp
}

fn recruit_html(root: &Path, now: &str) -> String {
    let r = labsite(&["build", "--root", root.to_str().unwrap(), "--now", now]);
    assert_eq!(r.code, 0, "--now {now}: {}", r.stderr);
    std::fs::read_to_string(root.join("public/labs/2027-01-21/recruit/index.html")).unwrap()
}

#[test]
fn now_takes_the_forms_deadline_takes_in_the_sites_zone() {
    let tmp = example_copy();
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
    let tmp = example_copy();
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
