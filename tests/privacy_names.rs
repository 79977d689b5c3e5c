//! Names as people say and write them (SPEC §7.1, rules 3, 6, 8, 9),
//! through the real binary: readings from `kana`, one-character surnames,
//! Latin names as whole words, legal-form marks, and `privacy.allow`.

mod common;

use std::path::Path;

use common::*;

/// Every output file's text.
fn output_text(out: &Path) -> String {
    files(out)
        .into_iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(out.join(&f)).unwrap()).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn report_path(root: &Path) -> std::path::PathBuf {
    root.join("content/labs/2025-11-13/report.md")
}

fn append_to_report(root: &Path, text: &str) {
    let path = report_path(root);
    let mut report = std::fs::read_to_string(&path).unwrap();
    report.push_str(text);
    std::fs::write(&path, report).unwrap();
}

#[test]
fn readings_and_one_character_names_are_redacted_in_quotes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = build(&site("names/readings"), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = output_text(&out);
    for name in [
        "サエキ",
        "さえき",
        "Saeki",
        "サエキナオキ",
        "林さん",
        "林部長",
        "佐伯",
        "東雲",
        "㈱〇〇社",
        "(株)〇〇社",
    ] {
        assert!(!all.contains(name), "{name} is published");
    }
    // The honorific after a placeholder stays; the legal-form mark goes
    // with the company.
    for kept in [
        "〇〇さんの問いが良かったです。〇〇様にも感謝。",
        "〇〇-san and Mr. 〇〇 asked well",
        "〇〇という名前は出さないで",
        "〇〇さんの工夫と〇〇部長の話",
        "〇〇社の事例を聞くつもりです。",
    ] {
        assert!(all.contains(kept), "{kept} is missing");
    }
    // Ordinary words that contain a reading or a one-character name.
    for word in ["メモリ", "つもり", "positive", "林業", "森林"] {
        assert!(all.contains(word), "{word} was redacted or dropped");
    }
}

#[test]
fn readings_and_one_character_names_in_the_report_fail_the_gate() {
    for sentence in [
        "サエキさんが話しました。",
        "さえき様が話しました。",
        "Saeki-san spoke.",
        "Mr. Saeki spoke.",
        "サエキナオキが話しました。",
        "林さんの工夫。",
        "林部長の工夫。",
        "モリさんの工夫。",
        "Ito spoke.",
        "イトウマナブ",
    ] {
        let dir = copy_site(&site("names/readings"));
        append_to_report(dir.path(), &format!("\n{sentence}\n"));
        let out = dir.path().join("public");
        let r = build(dir.path(), &out);
        assert_eq!(r.code, 1, "{sentence}: {}", r.stderr);
        assert!(r.stderr.contains("leak gate"), "{sentence}: {}", r.stderr);
        assert!(r.stderr.contains("report.md"), "{sentence}: {}", r.stderr);
        assert!(!out.exists());
    }
}

#[test]
fn latin_names_count_as_whole_words() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = build(&site("names/latin"), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = output_text(&out);
    for word in ["email", "main", "AI", "online", "<li>", "positive"] {
        assert!(all.contains(word), "{word} is missing");
    }
    assert!(!all.contains("Li-san"));
    assert!(all.contains("〇〇-san の問い"));
    // But a short Latin name before an honorific fails the gate, and a
    // longer one as a word on its own.
    for sentence in ["Li-san spoke.", "Ms. Ai spoke.", "Wei spoke.", "Sato Ai"] {
        let dir = copy_site(&site("names/latin"));
        append_to_report(dir.path(), &format!("\n{sentence}\n"));
        let r = build(dir.path(), &dir.path().join("public"));
        assert_eq!(r.code, 1, "{sentence}: {}", r.stderr);
        assert!(r.stderr.contains("leak gate"), "{sentence}: {}", r.stderr);
    }
}

#[test]
fn an_allowed_name_part_still_counts_before_an_honorific() {
    let dir = copy_site(&site("names/readings"));
    let lab = dir.path().join("content/labs/2025-11-13/lab.yaml");
    edit(&lab, "name: 伊東 学", "name: 森田 学");
    edit(&lab, "kana: いとう まなぶ", "kana: もりた まなぶ");
    let site_yaml = dir.path().join("content/site.yaml");
    let mut s = std::fs::read_to_string(&site_yaml).unwrap();
    s.push_str("  allow:\n    - term: 森田\n      reason: よくある苗字なので\n");
    std::fs::write(&site_yaml, s).unwrap();

    // The bare word is allowed, and listed after the build.
    append_to_report(dir.path(), "\n森田という地名があります。\n");
    let r = build(dir.path(), &dir.path().join("public"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("allowed and published: 森田 (1 page, feed.xml)"),
        "{}",
        r.stderr
    );

    append_to_report(dir.path(), "\n「森田さんは…」\n");
    let r = build(dir.path(), &dir.path().join("public2"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("leak gate"), "{}", r.stderr);
    // The help leads with rewriting the sentence.
    assert!(r.stderr.contains("rewrite the sentence"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("only for words that are not anyone's name"),
        "{}",
        r.stderr
    );
}
