//! Share cards, through the real binary: a 1200×630 PNG for the home page,
//! each report and each recruitment page, named by its hash, cached
//! outside the output, and announced by absolute OpenGraph tags.

mod common;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::{Run, edit, example_site, files, labsite};

const SUB: &str = "https://example.org/sub/path/";
const PLANNED: &str = "content/labs/2027-01-21/lab.yaml";
/// Before the deadline of the planned lab, more than 7 days out: 受付中.
const NOW: &str = "2026-12-01T09:00:00+09:00";

fn build_into(root: &Path, out: &Path) -> Run {
    let r = labsite(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        SUB,
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// The share cards in an output, by folder (`""` for the root).
fn cards(out: &Path) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|f| {
            let name = f.rsplit('/').next().unwrap();
            name.starts_with("card-") && name.ends_with(".png")
        })
        .collect()
}

fn card_in(out: &Path, dir: &str) -> String {
    let found: Vec<String> = cards(out)
        .into_iter()
        .filter(|c| c.strip_prefix(dir).is_some_and(|r| !r.contains('/')))
        .collect();
    assert_eq!(found.len(), 1, "cards in `{dir}`: {found:?}");
    found[0].clone()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

fn meta(html: &str, key: &str) -> Option<String> {
    let attr = format!("=\"{key}\" content=\"");
    let i = html.find(&attr)? + attr.len();
    Some(html[i..].split('"').next()?.to_string())
}

fn page(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap()
}

fn cache_files(root: &Path) -> Vec<(PathBuf, SystemTime)> {
    let dir = root.join(".labsite-cache/cards");
    let mut v: Vec<(PathBuf, SystemTime)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".png"))
                .map(|e| (e.path(), e.metadata().unwrap().modified().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn home_report_and_recruitment_pages_get_a_1200_by_630_card_with_absolute_tags() {
    let tmp = example_site();
    let out = tmp.path().join("public");
    build_into(tmp.path(), &out);
    for (html_path, dir) in [
        ("index.html", ""),
        ("labs/2025-11-13/index.html", "labs/2025-11-13/"),
        ("labs/2027-01-21/recruit/index.html", "labs/2027-01-21/"),
    ] {
        let card = card_in(&out, dir);
        let bytes = std::fs::read(out.join(&card)).unwrap();
        assert_eq!(png_size(&bytes), (1200, 630), "{card}");
        let html = page(&out, html_path);
        assert_eq!(
            meta(&html, "og:image").as_deref(),
            Some(format!("{SUB}{card}").as_str()),
            "{html_path}"
        );
        assert_eq!(meta(&html, "og:image:width").as_deref(), Some("1200"));
        assert_eq!(meta(&html, "og:image:height").as_deref(), Some("630"));
        assert!(
            meta(&html, "og:image:alt").is_some_and(|a| a.contains("対話1on1ラボ")),
            "{html_path}"
        );
        assert_eq!(
            meta(&html, "twitter:card").as_deref(),
            Some("summary_large_image")
        );
    }
    // A lab's program page shows its lab's card; other pages the home card.
    let home_card = card_in(&out, "");
    assert_eq!(
        meta(&page(&out, "labs/index.html"), "og:image"),
        Some(format!("{SUB}{home_card}"))
    );
    let recruit_card = card_in(&out, "labs/2027-01-21/");
    assert_eq!(
        meta(
            &page(&out, "labs/2027-01-21/program/index.html"),
            "og:image"
        ),
        Some(format!("{SUB}{recruit_card}"))
    );
    assert_eq!(meta(&page(&out, "404.html"), "og:image"), None);
    // Every card is listed once in the output, nothing else is named so.
    assert_eq!(cards(&out).len(), 3, "{:?}", cards(&out));
}

#[test]
fn share_links_and_the_google_calendar_link_are_plain_links() {
    let tmp = example_site();
    let out = tmp.path().join("public");
    build_into(tmp.path(), &out);
    let html = page(&out, "labs/2027-01-21/recruit/index.html");
    let url = "https%3A%2F%2Fexample.org%2Fsub%2Fpath%2Flabs%2F2027-01-21%2Frecruit%2F";
    assert!(html.contains("https://x.com/intent/post?text="));
    assert!(html.contains(&format!("&amp;url={url}\"")), "X link");
    assert!(html.contains(&format!(
        "https://social-plugins.line.me/lineit/share?url={url}\""
    )));
    assert!(html.contains(&format!(
        "https://www.facebook.com/sharer/sharer.php?u={url}\""
    )));
    assert!(html.contains(&format!("value=\"{SUB}labs/2027-01-21/recruit/\" readonly")));
    // 19:00–21:30 in Tokyo is 10:00–12:30 UTC.
    assert!(
        html.contains("https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=")
            && html.contains("&amp;dates=20270121T100000Z%2F20270121T123000Z&amp;"),
        "no Google Calendar link in UTC"
    );
    assert!(html.contains("Googleカレンダーに追加"));
    // The copy button needs the script; without it the field is there.
    assert!(html.contains("share__copy-button") && html.contains(" hidden>"));
    assert!(out.join("share.js").is_file());
}

#[test]
fn a_new_status_gives_the_card_a_new_name() {
    let tmp = example_site();
    let out = tmp.path().join("public");
    build_into(tmp.path(), &out);
    let open = card_in(&out, "labs/2027-01-21/");
    let report = card_in(&out, "labs/2025-11-13/");
    // All seats taken, waitlist on: キャンセル待ち受付中.
    // (The example's seats taken are its three applications; `taken` wins.)
    edit(
        &tmp.path().join(PLANNED),
        "capacity: 8\n",
        "capacity: 8\n  taken: 8\n",
    );
    build_into(tmp.path(), &out);
    let full = card_in(&out, "labs/2027-01-21/");
    assert_ne!(
        open, full,
        "the card kept its name after the status changed"
    );
    assert!(!out.join(&open).exists(), "the old card is still published");
    assert_eq!(card_in(&out, "labs/2025-11-13/"), report);
    let html = page(&out, "labs/2027-01-21/recruit/index.html");
    assert_eq!(meta(&html, "og:image"), Some(format!("{SUB}{full}")));
}

#[test]
fn a_second_build_takes_every_card_from_the_cache() {
    let tmp = example_site();
    let first = build_into(tmp.path(), &tmp.path().join("one"));
    assert!(
        first
            .stderr
            .contains("share cards: 3 drawn, 0 from the cache"),
        "{}",
        first.stderr
    );
    let cached = cache_files(tmp.path());
    assert_eq!(cached.len(), 3, "{cached:?}");
    // Into an empty output: nothing drawn, no cache file rewritten.
    let second = build_into(tmp.path(), &tmp.path().join("two"));
    assert!(
        second
            .stderr
            .contains("share cards: 0 drawn, 3 from the cache"),
        "{}",
        second.stderr
    );
    assert_eq!(cache_files(tmp.path()), cached);
    assert_eq!(
        cards(&tmp.path().join("one")),
        cards(&tmp.path().join("two"))
    );
    for c in cards(&tmp.path().join("one")) {
        assert_eq!(
            std::fs::read(tmp.path().join("one").join(&c)).unwrap(),
            std::fs::read(tmp.path().join("two").join(&c)).unwrap()
        );
    }
    // Seats change, the status stays 受付中: the card is the same.
    edit(
        &tmp.path().join(PLANNED),
        "capacity: 8\n",
        "capacity: 8\n  taken: 4\n",
    );
    let seats = build_into(tmp.path(), &tmp.path().join("two"));
    assert!(
        seats
            .stderr
            .contains("share cards: 0 drawn, 3 from the cache"),
        "{}",
        seats.stderr
    );
    // The status changes: that card is drawn again, the others are not.
    edit(&tmp.path().join(PLANNED), "taken: 4", "taken: 8");
    let third = build_into(tmp.path(), &tmp.path().join("two"));
    assert!(
        third
            .stderr
            .contains("share cards: 1 drawn, 2 from the cache"),
        "{}",
        third.stderr
    );
    // The cache keeps itself out of git.
    let ignore = std::fs::read_to_string(tmp.path().join(".labsite-cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"));
}

#[test]
fn check_draws_no_card_and_writes_no_cache() {
    let tmp = example_site();
    let r = labsite(&[
        "check",
        "--root",
        tmp.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!tmp.path().join(".labsite-cache").exists());
}

#[test]
fn markup_in_a_title_is_escaped_into_the_card() {
    let tmp = example_site();
    let lab = tmp.path().join(PLANNED);
    edit(
        &lab,
        "title: 対話1on1ラボ 第2回",
        "title: \"<b>A&B</b> \\\"引用\\\" 'x' 第2回\"",
    );
    let out = tmp.path().join("public");
    let r = build_into(tmp.path(), &out);
    // Every character of the escaped title is in the font: no stand-in
    // warning (the example's own placeholder warnings are about other
    // fields).
    assert!(!r.stderr.contains("character(s)"), "{}", r.stderr);
    let card = card_in(&out, "labs/2027-01-21/");
    assert_eq!(
        png_size(&std::fs::read(out.join(card)).unwrap()),
        (1200, 630)
    );
}

#[test]
fn a_character_the_font_lacks_is_drawn_as_a_stand_in_with_a_warning() {
    let tmp = example_site();
    edit(
        &tmp.path().join(PLANNED),
        "title: 対話1on1ラボ 第2回",
        "title: 対話1on1ラボ 第2回 𠮷野家😀",
    );
    let out = tmp.path().join("public");
    let r = build_into(tmp.path(), &out);
    assert!(
        r.stderr.contains("labs/2027-01-21/recruit/index.html")
            && r.stderr.contains("2 character(s)"),
        "{}",
        r.stderr
    );
    card_in(&out, "labs/2027-01-21/");
}

#[test]
fn a_report_cover_wins_over_the_card() {
    let tmp = example_site();
    edit(
        &tmp.path().join("content/labs/2025-11-13/report.md"),
        "---\ntitle:",
        "---\ncover: zoom-board.svg\ntitle:",
    );
    let out = tmp.path().join("public");
    build_into(tmp.path(), &out);
    let html = page(&out, "labs/2025-11-13/index.html");
    assert_eq!(
        meta(&html, "og:image"),
        Some(format!("{SUB}labs/2025-11-13/zoom-board.svg"))
    );
    // A cover's size is not known: no size is claimed for it.
    assert_eq!(meta(&html, "og:image:width"), None);
    assert!(meta(&html, "og:image:alt").is_some());
}

#[test]
fn a_site_template_overrides_the_card_and_its_text_is_escaped_by_labsite() {
    let tmp = example_site();
    let dir = tmp.path().join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    // A card that shows nothing but the site's name: its PNG differs from
    // the theme's, so its hash and name differ too.
    std::fs::write(
        dir.join("card.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\"><rect width=\"1200\" height=\"630\" fill=\"#123456\"/><text x=\"60\" y=\"320\" font-size=\"80\" fill=\"#fff\">{{ site_name }}</text></svg>",
    )
    .unwrap();
    let out = tmp.path().join("public");
    build_into(tmp.path(), &out);
    let theme_out = tmp.path().join("theme-out");
    std::fs::remove_dir_all(&dir).unwrap();
    build_into(tmp.path(), &theme_out);
    assert_ne!(card_in(&out, ""), card_in(&theme_out, ""));
    let bytes = std::fs::read(out.join(card_in(&out, ""))).unwrap();
    assert_eq!(png_size(&bytes), (1200, 630));
}

#[test]
fn no_share_cards_makes_none() {
    let tmp = example_site();
    let out = tmp.path().join("public");
    let r = labsite(&[
        "build",
        "--root",
        tmp.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--now",
        NOW,
        "--no-share-cards",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(cards(&out).is_empty());
    assert_eq!(meta(&page(&out, "index.html"), "og:image"), None);
    assert_eq!(
        meta(&page(&out, "index.html"), "twitter:card").as_deref(),
        Some("summary")
    );
    assert!(!tmp.path().join(".labsite-cache").exists());
}
