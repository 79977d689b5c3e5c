//! Withheld means absent (SPEC §7.7), no-shows hide no one (§7.4), and a
//! leak from a copied asset names that asset (§7.6), through the real
//! binary on `tests/sites/withheld`. That site overrides `report.html`
//! with a template that prints everything it is given in `survey`, as a
//! site author might.

mod common;

use std::path::Path;

use common::*;

/// Text of the survey answers and option labels that the rules withhold;
/// none of it may appear in any published file.
const WITHHELD: &[&str] = &[
    "回答テキストその一",
    "回答テキストその二",
    "回答テキストその三",
    "回答テキストその四",
    "回答テキストその五",
    "選択肢イチゴ",
    "選択肢メロン",
];

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The JSON the site's `report.html` prints for the lab's survey.
fn survey_json(out: &Path, lab: &str) -> serde_json::Value {
    let html = read(out, &format!("labs/{lab}/index.html"));
    let start = html.find("<pre id=\"survey\">").expect("the dump") + "<pre id=\"survey\">".len();
    let end = start + html[start..].find("</pre>").expect("end of the dump");
    serde_json::from_str(&html[start..end]).unwrap_or_else(|e| panic!("{e}: {html}"))
}

fn built() -> (tempfile::TempDir, std::path::PathBuf, Run) {
    let tmp = copy_site(&site("withheld"));
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (tmp, out, r)
}

#[test]
fn a_site_template_gets_nothing_of_a_withheld_survey_or_question() {
    let (_tmp, out, r) = built();
    // No withheld answer or label in any file, whatever the template does.
    for f in files(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(out.join(&f)).unwrap()).into_owned();
        for w in WITHHELD {
            assert!(!text.contains(w), "{f} publishes withheld `{w}`");
        }
    }
    // Lab level: two respondents, k = 3. The template is given the fact
    // and nothing else: no count, question, quote or breakdown.
    assert_eq!(
        survey_json(&out, "2025-11-13"),
        serde_json::json!({ "withheld": true })
    );
    // Question level: three respondents, but only two answered the text
    // question and one the choice question. Those keep their own text and
    // `shown: false`; no count, label or quote.
    let v = survey_json(&out, "2025-12-11");
    assert_eq!(v["withheld"], false);
    assert_eq!(v["respondents"], 3);
    let q = |id: &str| {
        v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {v}"))
            .clone()
    };
    for id in ["topics", "takeaway"] {
        let mut keys: Vec<String> = q(id).as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["id", "kind", "shown", "text"], "{id}: {v}");
        assert_eq!(q(id)["shown"], false);
    }
    assert_eq!(q("satisfaction")["shown"], true);
    assert_eq!(q("satisfaction")["answered"], 3);
    assert_eq!(v["quotes"], serde_json::json!([]));
    assert_eq!(v["takeaways"], serde_json::json!([]));
    // The summary counts the quotes actually published: the three of the
    // no-show lab, none of the withheld ones.
    assert!(
        r.stderr.contains("privacy: 3 quote(s) published"),
        "{}",
        r.stderr
    );
}

#[test]
fn no_shows_do_not_make_a_group_large_enough() {
    // Three 製造業・課長 applied to the lab of 2026-01-15; two did not
    // attend. The quote of the one who came is attributed by industry
    // (three attendees of 製造業), not by industry and role.
    let (_tmp, out, _) = built();
    let v = survey_json(&out, "2026-01-15");
    let quote = v["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"] == "課長の声")
        .unwrap_or_else(|| panic!("the quote in {v}"))
        .clone();
    assert_eq!(quote["attribution"], "製造業");
    // The industries breakdown counts the three who came, not five.
    assert_eq!(v["industries"][0]["count"], 3, "{v}");
    for f in files(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(out.join(&f)).unwrap()).into_owned();
        assert!(
            !text.contains("製造業・課長"),
            "{f} attributes too specifically"
        );
    }

    // With all three attending, the same quote is attributed by role too:
    // the test above fails for the reason it names.
    let tmp = copy_site(&site("withheld"));
    let lab = tmp.path().join("content/labs/2026-01-15/lab.yaml");
    let text = std::fs::read_to_string(&lab).unwrap();
    std::fs::write(&lab, text.replace("attended: false", "attended: true")).unwrap();
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = survey_json(&out, "2026-01-15");
    assert_eq!(v["quotes"][0]["attribution"], "製造業・課長", "{v}");
}

#[test]
fn a_leak_in_a_copied_asset_names_the_asset() {
    let tmp = copy_site(&site("withheld"));
    std::fs::write(
        tmp.path().join("content/labs/2025-11-13/diagram.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <text x=\"1\" y=\"2\">発表: 青木 一郎</text>\n</svg>\n",
    )
    .unwrap();
    let out = tmp.path().join("public");
    let r = build(tmp.path(), &out);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("leak gate"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--> content/labs/2025-11-13/diagram.svg:2:"),
        "the asset is not named as the source:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("no source file contains it"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("青木"),
        "the term is printed: {}",
        r.stderr
    );
    assert!(!out.exists(), "something was published");
}
