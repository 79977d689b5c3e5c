//! Accessibility and visual checks of the built example site in headless
//! Chromium (tests/browser/a11y.mjs, with playwright-core and axe-core):
//! every page, at 390 px and 1280 px (layout also at 360 px), in light and
//! dark. Skipped, saying so, where Chromium or Node is missing.
//!
//! `LABSITE_SHOTS=DIR` keeps a screenshot of every page checked in DIR.

mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::browser::browser;
use common::{NOW, example_site, labsite};

/// The example site's own base URL, with its sub-path: the browser serves
/// the output under it.
const BASE_URL: &str = "https://example.org/lab/";

/// Build the site at `root` into `root/out` for [`BASE_URL`].
fn build(root: &Path) -> std::path::PathBuf {
    let out = root.join("out");
    let run = labsite(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        BASE_URL,
        "--now",
        NOW,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

/// axe-core (WCAG 2.0/2.1 A and AA) finds nothing on any page, the skip
/// link and the focus ring work from the keyboard, nothing scrolls
/// sideways on a phone, the charts are in the theme's colours and the
/// share cards are 1200×630.
#[test]
fn example_site_passes_the_browser_checks() {
    let Some(browser) = browser("example_site_passes_the_browser_checks") else {
        return;
    };
    let site = example_site();
    let out = build(site.path());
    let run = browser.run(
        "a11y.mjs",
        &[
            ("LABSITE_OUT", out.as_os_str()),
            ("LABSITE_BASE_URL", OsStr::new(BASE_URL)),
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("browser: all checks passed"), "{stdout}");
    // The bars were seen in both schemes (the script fails when their
    // colours are the same).
    for scheme in ["light", "dark"] {
        assert!(
            stdout.contains(&format!("browser: {scheme}: chart bars filled with rgb(")),
            "{stdout}"
        );
    }
    // Each page type was looked at, in both schemes, at both widths; the
    // home page, reports and recruitment pages have their share cards.
    for kind in [
        "home",
        "labs",
        "lab",
        "report",
        "program",
        "series_program",
        "recruitment",
        "highlights",
        "page",
        "404",
    ] {
        for width in ["390px", "1280px"] {
            for scheme in ["light", "dark"] {
                let key = format!(" {width} {scheme} [{kind}]: axe 0 violation(s)");
                let line = stdout
                    .lines()
                    .find(|l| l.contains(&key))
                    .unwrap_or_else(|| {
                        panic!("no axe result for {kind} at {width} {scheme}:\n{stdout}")
                    });
                if ["home", "report", "recruitment"].contains(&kind) {
                    assert!(line.contains("card 1200×630"), "{line}");
                }
                if ["report", "highlights"].contains(&kind) {
                    assert!(!line.contains(" 0 chart(s)"), "no chart looked at: {line}");
                }
            }
        }
    }
}

/// The checks can fail: a theme with faint text (on a plain background,
/// which axe measures, and on the header's gradient, which the script
/// measures in pixels), no focus ring, a hidden skip link, black chart
/// bars and a page wider than a phone fails each of them, and the script
/// exits 1.
#[test]
fn the_browser_checks_catch_a_broken_theme() {
    let Some(browser) = browser("the_browser_checks_catch_a_broken_theme") else {
        return;
    };
    let site = example_site();
    let css = site.path().join("themes/default/static/style.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str(
        "\n/* broken on purpose by tests/a11y.rs */\n\
         .article-header__lead { color: #c9c9c9 !important; background: #ffffff !important; }\n\
         .eyebrow__kind { color: #c8c8c8 !important; }\n\
         :focus-visible, .lab-card:has(:focus-visible) { outline: none !important; }\n\
         .skip-link { display: none !important; }\n\
         .bar-chart__bar { fill: #000000 !important; }\n\
         .prose::after { content: \"\"; display: block; width: 2000px; height: 1px; }\n",
    );
    std::fs::write(&css, text).unwrap();
    let out = build(site.path());
    // A report page has all of it (charts, a lead, links); one page keeps
    // this quick.
    let report = common::files(&out)
        .into_iter()
        .find(|f| {
            f.ends_with(".html")
                && std::fs::read_to_string(out.join(f))
                    .unwrap()
                    .contains("<body class=\"kind-report\"")
        })
        .expect("the example site has a report page");
    let run = browser.run(
        "a11y.mjs",
        &[
            ("LABSITE_OUT", out.as_os_str()),
            ("LABSITE_BASE_URL", OsStr::new(BASE_URL)),
            ("LABSITE_ONLY", OsStr::new(&report)),
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    for expected in [
        "axe color-contrast",
        "measured in pixels)",
        "not a skip link",
        "no visible focus outline",
        "a bar is black",
        "horizontal scroll",
    ] {
        assert!(
            stdout.contains(expected),
            "`{expected}` not reported:\n{stdout}"
        );
    }
    assert!(!stdout.contains("browser: all checks passed"), "{stdout}");
}

/// A rating question and a choice question with long Japanese labels: the
/// charts wrap or cut their labels and stay inside a 360 px phone (the
/// data tables keep the full text), with every other check passing too.
#[test]
fn long_japanese_labels_fit_a_phone() {
    let Some(browser) = browser("long_japanese_labels_fit_a_phone") else {
        return;
    };
    let site = common::copy_site(&common::site("minimal"));
    let lab = site.path().join("content/labs/2025-11-13/lab.yaml");
    let question =
        "本日のラボで得た気づきを、明日からの部下との1on1にどの程度生かせそうだと感じましたか";
    let options = [
        "評価面談と日常の1on1の線の引き方、そして部下が本音を話せる場のつくり方",
        "専門職の部下とのキャリア対話で、上司として何を問い、何を待つべきか",
    ];
    let text = std::fs::read_to_string(&lab)
        .unwrap()
        .replace("text: 満足度", &format!("text: {question}"))
        .replace(
            "options: [対話の継続, 中間管理職]",
            &format!("options: [\"{}\", \"{}\"]", options[0], options[1]),
        )
        .replace(
            "topics: [対話の継続]",
            &format!("topics: [\"{}\", \"{}\"]", options[0], options[1]),
        )
        .replace(
            "satisfaction: 4\n        takeaway",
            &format!(
                "satisfaction: 4\n        topics: [\"{}\"]\n        takeaway",
                options[1]
            ),
        );
    std::fs::write(&lab, text).unwrap();
    let out = build(site.path());
    let report = "labs/2025-11-13/index.html";
    let html = std::fs::read_to_string(out.join(report)).unwrap();
    // Both charts are there, and the tables carry the labels in full.
    assert_eq!(html.matches("<svg class=\"bar-chart").count(), 2, "{html}");
    for label in options.iter().chain([&question]) {
        assert!(html.contains(label), "{label} not in full on the page");
    }
    let run = browser.run(
        "a11y.mjs",
        &[
            ("LABSITE_OUT", out.as_os_str()),
            ("LABSITE_BASE_URL", OsStr::new(BASE_URL)),
            ("LABSITE_ONLY", OsStr::new(report)),
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "browser checks failed:\n{stdout}");
    assert!(stdout.contains("browser: all checks passed"), "{stdout}");
    assert!(
        !stdout.contains(" 0 chart(s)"),
        "no chart looked at:\n{stdout}"
    );
}
