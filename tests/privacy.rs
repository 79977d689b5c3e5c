//! The privacy promise through the real binary: what the survey section
//! publishes, what it never publishes, and the leak gate.

mod common;

use std::path::Path;

use common::*;

fn read_all(out: &Path) -> Vec<(String, String)> {
    files(out)
        .into_iter()
        .map(|f| {
            let text = String::from_utf8_lossy(&std::fs::read(out.join(&f)).unwrap()).into_owned();
            (f, text)
        })
        .collect()
}

/// Identity terms of the example site's participants, as written in
/// the exports in content/labs/2025-11-13/private/ (see
/// tests/common/example_exports.rs), plus the disguised forms planted in
/// the survey answers.
const EXAMPLE_TERMS: &[&str] = &[
    "佐伯",
    "直樹",
    "ミナト精機",
    "ミナト",
    "Minato",
    "MINATO",
    "ＭＩＮＡＴＯ",
    "n.saeki@",
    "北村",
    "恵美",
    "東雲重工",
    "Shinonome",
    "emi.kitamura",
    "藤堂",
    "アサヒナ",
    "Asahina",
    "w.todo@",
    "中間 千尋",
    "千尋",
    "汐見組",
    "シオミ",
    "Shiomi",
    "Ｓｈｉｏｍｉ",
    "c.nakama@",
    "03-1234-5678",
    "notes.example.com",
];

#[test]
fn the_example_site_publishes_no_identity_term_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = build(&repo(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = read_all(&out);
    assert!(all.len() > 10);
    for (file, text) in &all {
        for term in EXAMPLE_TERMS {
            assert!(!text.contains(term), "{file} contains {term}");
        }
    }
}

#[test]
fn the_survey_section_follows_consent_redaction_and_attribution() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = build(&repo(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The privacy summary counts what the rules did.
    assert!(
        r.stderr.contains("privacy: 3 quote(s) published"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("1 response(s) left out for lack of consent"),
        "{}",
        r.stderr
    );

    let html = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    // Quotes: the curated ones, in order, redacted.
    let a = html
        .find("課長たちとの1on1では")
        .expect("p2's takeaway is quoted");
    let b = html
        .find("来週の定例1on1からさっそく試します")
        .expect("p1's takeaway is quoted");
    let c = html
        .rfind("評価面談と1on1の線の引き方。")
        .expect("p1's next theme is quoted");
    assert!(a < b && b < c, "quotes out of the curated order");
    assert!(html.contains("〇〇社"), "no company placeholder");
    assert!(
        html.contains("[電話番号]") || html.contains("電話番号"),
        "phone number not replaced"
    );
    // Attribution: 製造業 has 3 participants (k = 3); 製造業+課長 only 2.
    assert!(html.contains("製造業"), "quotes are attributed by industry");
    assert!(
        !html.contains("製造業・課長"),
        "an attribution names a group smaller than k"
    );
    // An aggregate-only answer is never quoted; a response without consent
    // is left out of everything.
    assert!(
        !html.contains("課長同士で進め方を持ち寄る"),
        "an aggregate-only answer was quoted"
    );
    assert!(
        !html.contains("工期の節目"),
        "a response without consent was published"
    );
    // The highlights page repeats the same safe data.
    let hl = std::fs::read_to_string(out.join("highlights/index.html")).unwrap();
    assert!(hl.contains("〇〇社"));
    assert!(!hl.contains("工期の節目"));
}

#[test]
fn satisfaction_counts_only_consenting_respondents() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert_eq!(build(&repo(), &out).code, 0);
    let html = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    // p1 = 5, p2 = 4, p3 = 5 consented; p4 (no consent) answered 4. The
    // chart's text equivalent is in its <desc>.
    assert!(
        html.contains("5: 2") && html.contains("4: 1"),
        "rating counts wrong"
    );
}

fn minimal_copy() -> tempfile::TempDir {
    copy_site(&site("minimal"))
}

#[test]
fn the_gate_catches_disguised_terms_and_publishes_nothing() {
    for disguise in [
        "ｱｵｷ精機",           // half-width kana
        "アオキ　精機",      // full-width space inside
        "&#x30A2;オキ精機",  // an HTML character reference in raw HTML
        "<b>アオキ</b>精機", // split by a tag
        "イシダ建設",        // the company without its legal form
        "上野次郎",          // the name without its space
    ] {
        let tmp = minimal_copy();
        let report = tmp.path().join("content/labs/2025-11-13/report.md");
        edit(
            &report,
            "三部構成で行いました。",
            &format!("三部構成で行いました。{disguise}の話も出ました。"),
        );
        let out = tmp.path().join("public");
        let r = build(tmp.path(), &out);
        assert_eq!(r.code, 1, "{disguise} passed the gate:\n{}", r.stderr);
        assert!(r.stderr.contains("leak gate"), "{}", r.stderr);
        assert!(
            r.stderr.contains("report.md"),
            "the source is not named: {}",
            r.stderr
        );
        assert!(!out.exists(), "{disguise}: something was published");
    }
}

#[test]
fn an_allowed_term_passes_the_gate() {
    let tmp = minimal_copy();
    let report = tmp.path().join("content/labs/2025-11-13/report.md");
    edit(
        &report,
        "三部構成で行いました。",
        "三部構成で行いました。石田という町の本の話が出ました。",
    );
    let out = tmp.path().join("public");
    assert_eq!(build(tmp.path(), &out).code, 1);
    let site_yaml = tmp.path().join("content/site.yaml");
    edit(
        &site_yaml,
        "  min_group_size: 3\n",
        "  min_group_size: 3\n  allow:\n    - term: 石田\n      reason: a town's name\n",
    );
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A participant's name part that is allowed still counts before an
    // honorific (SPEC §7.1): allow is not an escape hatch for names.
    edit(&report, "石田という町", "石田さんという方");
    assert_eq!(build(tmp.path(), &out).code, 1);
}

#[test]
fn a_deny_term_is_redacted_in_quotes_and_gated_elsewhere() {
    let tmp = minimal_copy();
    let lab = tmp.path().join("content/labs/2025-11-13/lab.yaml");
    edit(
        &lab,
        "takeaway: 問いを一つに絞って待つ",
        "takeaway: 競合商事の話を聞いて問いを一つに絞って待つ",
    );
    let site_yaml = tmp.path().join("content/site.yaml");
    edit(
        &site_yaml,
        "  min_group_size: 3\n",
        "  min_group_size: 3\n  deny: [競合商事]\n",
    );
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    assert!(html.contains("問いを一つに絞って待つ"));
    assert!(!html.contains("競合商事"));
}

#[test]
fn a_term_too_short_to_gate_is_an_error_in_the_records() {
    let tmp = minimal_copy();
    let lab = tmp.path().join("content/labs/2025-11-13/lab.yaml");
    edit(
        &lab,
        "    company: (株)ウエノ工業\n",
        "    company: (株)ウエノ工業\n    aliases: [ウ]\n",
    );
    let r = labsite(&[
        "check",
        "--root",
        tmp.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("participant `p3`") && r.stderr.contains("single character"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("--> content/labs/2025-11-13/lab.yaml:"),
        "{}",
        r.stderr
    );
}

#[test]
fn too_few_consenting_respondents_withholds_the_results() {
    let tmp = minimal_copy();
    let lab = tmp.path().join("content/labs/2025-11-13/lab.yaml");
    edit(&lab, "consent: aggregate", "consent: none");
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    // Two consenting respondents < k = 3: no counts, no chart.
    assert!(
        !html.contains("<svg class=\"bar-chart\""),
        "a chart was shown for 2 respondents"
    );
}

#[test]
fn html_and_script_in_survey_text_come_out_escaped() {
    let tmp = minimal_copy();
    let lab = tmp.path().join("content/labs/2025-11-13/lab.yaml");
    edit(
        &lab,
        "takeaway: 問いを一つに絞って待つ",
        "takeaway: \"<script>alert(1)</script><b>太字</b>問いを一つに絞って待つ\"",
    );
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    assert!(html.contains("問いを一つに絞って待つ"));
    assert!(
        !html.contains("<script>alert(1)"),
        "survey text was not escaped"
    );
    assert!(
        !html.contains("<b>太字</b>"),
        "survey text carried raw HTML"
    );
    assert!(html.contains("&lt;script&gt;"), "the quote lost its text");
}

#[test]
fn a_question_answered_by_fewer_than_k_shows_no_results() {
    let tmp = minimal_copy();
    // topics is answered by p1 only (1 < k = 3); satisfaction by all three.
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    assert!(
        html.contains("<title>満足度</title>"),
        "the satisfaction chart is missing"
    );
    assert!(
        !html.contains("<title>論点</title>"),
        "a chart for an under-k question"
    );
    assert!(
        !html.contains("中間管理職"),
        "an option label of an under-k question was shown"
    );
}

#[test]
fn a_site_template_cannot_print_what_it_was_never_given() {
    // A hostile override dumps every variable the report template receives.
    let tmp = minimal_copy();
    std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
    std::fs::write(
        tmp.path().join("templates/report.html"),
        "<!doctype html><html lang=\"ja\"><body><pre>{{ __tera_context }}</pre></body></html>\n",
    )
    .unwrap();
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "the context itself leaked:\n{}", r.stderr);
    let html = std::fs::read_to_string(out.join("labs/2025-11-13/index.html")).unwrap();
    assert!(
        html.contains("問いを一つに絞って待つ"),
        "the override was not used: {html}"
    );
    for term in [
        "青木",
        "一郎",
        "アオキ",
        "石田",
        "イシダ",
        "上野",
        "ウエノ",
        "\"p1\"",
        "\"p2\"",
        "consent",
        "company",
        "aliases",
        // p2's answer counts (consent `aggregate`) but is never quoted.
        "集計にだけ数える答え",
    ] {
        assert!(!html.contains(term), "the template context holds `{term}`");
    }
}
