//! Recruitment pages through the real binary: the status by the clock at
//! its boundaries, JSON-LD, the calendar file, and `labsite new lab`.

mod common;

use std::path::Path;

use common::*;

const PLANNED: &str = "content/labs/2027-01-21/lab.yaml";

fn build_at(root: &Path, now: &str) -> (Run, String) {
    let out = root.join("public");
    let r = labsite(&["build", "--root", root.to_str().unwrap(), "--now", now]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html =
        std::fs::read_to_string(out.join("labs/2027-01-21/recruit/index.html")).unwrap_or_default();
    (r, html)
}

fn status_class(html: &str) -> &'static str {
    for s in ["cancelled", "waitlist", "closing", "closed", "full", "open"] {
        if html.contains(&format!("badge--{s}")) {
            return s;
        }
    }
    "none"
}

#[test]
fn status_follows_the_clock_at_its_boundaries() {
    let tmp = example_site();
    let root = tmp.path();
    // The example: deadline 2027-01-14T23:59 JST, 3 of 8 seats taken (its
    // three applications in private/applications.csv).
    let cases = [
        ("2026-01-01T12:00:00+09:00", "open", "受付中", true),
        ("2027-01-07T23:58:59+09:00", "open", "受付中", true),
        ("2027-01-07T23:59:00+09:00", "closing", "締切間近", true),
        ("2027-01-14T23:58:59+09:00", "closing", "締切間近", true),
        ("2027-01-14T23:59:01+09:00", "closed", "受付終了", false),
        // The same instant written in UTC.
        ("2027-01-14T14:59:01Z", "closed", "受付終了", false),
    ];
    for (now, class, label, apply) in cases {
        let (_, html) = build_at(root, now);
        assert_eq!(status_class(&html), class, "at {now}");
        assert!(html.contains(label), "at {now}: no {label}");
        assert_eq!(
            html.contains("href=\"https://forms.example.org/lab2\""),
            apply,
            "at {now}: apply link shown = {}",
            !apply
        );
        // The home page's call carries the same status.
        let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
        if class != "closed" {
            assert!(home.contains(label), "home at {now} lacks {label}");
        }
    }
}

#[test]
fn full_waitlist_and_cancelled() {
    let tmp = example_site();
    let lab = tmp.path().join(PLANNED);
    // An explicit `taken` wins over the applications.
    edit(&lab, "capacity: 8\n", "capacity: 8\n  taken: 8\n");
    let (_, html) = build_at(tmp.path(), "2026-01-01T12:00:00+09:00");
    assert_eq!(status_class(&html), "waitlist");
    assert!(html.contains("キャンセル待ち受付中"));
    assert!(
        html.contains("href=\"https://forms.example.org/lab2\""),
        "waitlist still takes applications"
    );
    edit(&lab, "waitlist: true", "waitlist: false");
    let (_, html) = build_at(tmp.path(), "2026-01-01T12:00:00+09:00");
    assert_eq!(status_class(&html), "full");
    assert!(html.contains("満席"));
    assert!(
        !html.contains("href=\"https://forms.example.org/lab2\""),
        "a full lab shows the apply link"
    );
    edit(&lab, "status: planned", "status: cancelled");
    let (_, html) = build_at(tmp.path(), "2026-01-01T12:00:00+09:00");
    assert_eq!(status_class(&html), "cancelled");
    assert!(html.contains("中止"));
    assert!(!html.contains("href=\"https://forms.example.org/lab2\""));
}

#[test]
fn deadlines_are_local_to_the_site_zone_across_dst() {
    // New York: DST starts 2026-03-08. A deadline the day after, at 09:00
    // local (EDT, UTC-4), is 13:00 UTC, not 14:00.
    let tmp = example_site();
    edit(
        &tmp.path().join("content/site.yaml"),
        "timezone: Asia/Tokyo",
        "timezone: America/New_York",
    );
    let lab = tmp.path().join(PLANNED);
    edit(&lab, "date: 2027-01-21", "date: 2026-03-20");
    edit(
        &lab,
        "deadline: 2027-01-14T23:59",
        "deadline: 2026-03-09T09:00",
    );
    let (_, before) = build_at(tmp.path(), "2026-03-09T12:59:59Z");
    assert_ne!(status_class(&before), "closed");
    let (_, after) = build_at(tmp.path(), "2026-03-09T13:00:01Z");
    assert_eq!(status_class(&after), "closed");
}

fn jsonld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD present")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

#[test]
fn the_recruitment_page_carries_event_json_ld_and_social_meta() {
    let tmp = example_site();
    let (_, html) = build_at(tmp.path(), "2026-01-01T12:00:00+09:00");
    let ld = jsonld(&html);
    assert_eq!(ld["@type"], "Event");
    assert_eq!(ld["startDate"], "2027-01-21T19:00:00+09:00");
    assert_eq!(ld["endDate"], "2027-01-21T21:30:00+09:00");
    assert_eq!(ld["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        ld["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(ld["location"]["@type"], "VirtualLocation");
    assert!(
        ld["location"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/labs/2027-01-21/recruit/")
    );
    assert_eq!(ld["organizer"]["name"], "対話1on1ラボ事務局");
    assert_eq!(ld["offers"]["price"], "0");
    assert_eq!(ld["offers"]["priceCurrency"], "JPY");
    assert_eq!(ld["offers"]["availability"], "https://schema.org/InStock");
    assert_eq!(ld["offers"]["validThrough"], "2027-01-14T23:59:00+09:00");
    assert_eq!(ld["offers"]["url"], "https://forms.example.org/lab2");
    assert_eq!(ld["maximumAttendeeCapacity"], 8);
    assert_eq!(ld["remainingAttendeeCapacity"], 5);
    assert!(ld["name"].as_str().unwrap().contains("第2回"));
    assert!(ld["description"].as_str().is_some_and(|d| !d.is_empty()));
    for meta in [
        "property=\"og:title\"",
        "property=\"og:url\"",
        "property=\"og:type\"",
        "name=\"twitter:card\"",
        "rel=\"canonical\"",
    ] {
        assert!(html.contains(meta), "no {meta}");
    }
}

#[test]
fn a_hostile_title_cannot_close_the_json_ld_script() {
    let tmp = example_site();
    let lab = tmp.path().join(PLANNED);
    let text = std::fs::read_to_string(&lab).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    edit(
        &lab,
        &title_line,
        "title: \"第2回 </script><script>alert(1)</script>\"",
    );
    let (_, html) = build_at(tmp.path(), "2026-01-01T12:00:00+09:00");
    assert!(
        !html.contains("<script>alert(1)"),
        "the title broke out of its context"
    );
    let ld = jsonld(&html);
    assert_eq!(ld["name"], "第2回 </script><script>alert(1)</script>");
}

#[test]
fn the_calendar_file_parses_folds_at_75_octets_and_is_stable() {
    use icalendar::parser::{read_calendar, unfold};
    let tmp = example_site();
    let lab = tmp.path().join(PLANNED);
    let long = "越境対話で次の一手を見つける、他社のマネジャー同士の1on1ラボ。; 区切り, カンマ \\ バックスラッシュも含む長い説明文です。";
    let text = std::fs::read_to_string(&lab).unwrap();
    let summary_line = text
        .lines()
        .find(|l| l.starts_with("summary:"))
        .unwrap()
        .to_string();
    edit(
        &lab,
        &summary_line,
        &format!("summary: \"{}\"", long.replace('\\', "\\\\")),
    );
    let now = "2026-01-01T12:00:00+09:00";
    build_at(tmp.path(), now);
    let ics = std::fs::read_to_string(tmp.path().join("public/labs/2027-01-21/lab.ics")).unwrap();
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "line of {} octets: {line}", line.len());
    }
    assert!(!ics.replace("\r\n", "").contains('\n'), "a bare LF");
    let unfolded = unfold(&ics);
    let cal = read_calendar(&unfolded).expect("the .ics parses");
    let ev = cal
        .components
        .iter()
        .find(|c| c.name == "VEVENT")
        .expect("a VEVENT");
    let prop = |n: &str| {
        ev.properties
            .iter()
            .find(|p| p.name == n)
            .map(|p| p.val.as_str().to_string())
    };
    let desc = prop("DESCRIPTION").unwrap();
    let unescaped = desc
        .replace("\\n", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\");
    assert!(
        unescaped.starts_with(long),
        "DESCRIPTION did not round-trip: {unescaped}"
    );
    assert!(prop("UID").unwrap().contains("2027-01-21"));
    assert_eq!(prop("DTSTAMP").unwrap(), "20260101T030000Z");
    // Same input and now: the same bytes; the UID survives a later build.
    build_at(tmp.path(), now);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("public/labs/2027-01-21/lab.ics")).unwrap(),
        ics
    );
    build_at(tmp.path(), "2026-01-02T12:00:00+09:00");
    let later = std::fs::read_to_string(tmp.path().join("public/labs/2027-01-21/lab.ics")).unwrap();
    let uid = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("UID:"))
            .unwrap()
            .to_string()
    };
    assert_eq!(uid(&ics), uid(&later));
    // The page links to it.
    let html =
        std::fs::read_to_string(tmp.path().join("public/labs/2027-01-21/recruit/index.html"))
            .unwrap();
    assert!(html.contains("lab.ics"));
}

#[test]
fn new_lab_then_build_gives_a_recruitment_page() {
    let tmp = example_site();
    let root = tmp.path().to_str().unwrap();
    let r = labsite(&["new", "lab", "2026-03-12", "--root", root]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let yaml =
        std::fs::read_to_string(tmp.path().join("content/labs/2026-03-12/lab.yaml")).unwrap();
    assert!(yaml.contains("status: planned"));
    let (_, _) = build_at(tmp.path(), "2026-02-01T12:00:00+09:00");
    let page = tmp.path().join("public/labs/2026-03-12/recruit/index.html");
    let html = std::fs::read_to_string(&page).expect("a recruitment page for the new lab");
    assert!(
        html.contains("2026年3月12日(木)"),
        "no date on the new page"
    );
    assert!(html.contains("受付中"));
    assert!(tmp.path().join("public/labs/2026-03-12/lab.ics").is_file());
    // Never overwrites.
    let again = labsite(&["new", "lab", "2026-03-12", "--root", root]);
    assert_eq!(again.code, 2);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("content/labs/2026-03-12/lab.yaml")).unwrap(),
        yaml
    );
}
