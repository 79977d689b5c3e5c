//! Participants and survey responses read from form exports (SPEC §10),
//! through the real binary: each export builds to the same pages as the
//! same lab written inline; each mistake is an error at file:row:column
//! that quotes no cell; nothing from an export is published.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::xlsx::{Form, Submission, microsoft_forms_xlsx};
use common::{build, check, copy_site, files, labsite, repo, site};

const LAB: &str = "content/labs/2025-11-13";

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/forms").join(name)
}

/// The minimal site with its lab's lab.yaml replaced, and `files` (path in
/// the lab folder, bytes) put beside it.
fn lab_site(lab_yaml: &str, extra: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = copy_site(&site("minimal"));
    let lab = dir.path().join(LAB);
    fs::write(lab.join("lab.yaml"), lab_yaml).unwrap();
    for (rel, bytes) in extra {
        let p = lab.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    dir
}

const HEAD: &str = r#"title: テストラボ 第1回
number: 1
date: 2025-11-13
start: "18:00"
end: "20:30"
status: held
summary: 製造業のマネジャーが参加
"#;

const QUESTIONS: &str = r#"  questions:
    - id: satisfaction
      text: 本日のラボの満足度
      type: rating
      scale: 5
    - id: topics
      text: 対話で扱った論点
      type: choice
      multiple: true
      options:
        - "対話の継続, 振り返りの仕方"
        - 中間管理職への対応
        - 問いの立て方
    - id: takeaway
      text: 明日からのマネジメントに生かせそうなこと
      type: text
"#;

/// Files put in a lab's folder: path there, bytes.
type Files = Vec<(&'static str, Vec<u8>)>;

/// Every output file's bytes, by path.
fn output(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let b = fs::read(dir.join(&f)).unwrap();
            (f, b)
        })
        .collect()
}

fn built(site: &Path) -> (Vec<(String, Vec<u8>)>, String) {
    let out = tempfile::tempdir().unwrap();
    let r = build(site, &out.path().join("public"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    (output(&out.path().join("public")), r.stderr)
}

fn assert_same_site(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) {
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b));
    for ((n, x), (_, y)) in a.iter().zip(b) {
        assert!(
            x == y,
            "{n} differs:\n--- inline\n{}\n--- export\n{}",
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        );
    }
}

fn google_export_lab() -> String {
    format!(
        r#"{HEAD}participants_from:
  file: private/applications.csv
  ignore: [参加の動機]
survey:
{QUESTIONS}  responses_from:
    file: private/survey.csv
    respondent: メールアドレス
    consent:
      column: 回答の公開について
      quote: [氏名・社名を伏せて引用してよい]
      aggregate: [集計にのみ使ってよい]
"#
    )
}

fn google_files() -> Files {
    vec![
        (
            "private/applications.csv",
            fs::read(fixture("google_applications.csv")).unwrap(),
        ),
        (
            "private/survey.csv",
            fs::read(fixture("google_survey.csv")).unwrap(),
        ),
    ]
}

#[test]
fn a_google_forms_export_builds_as_the_same_lab_written_inline() {
    let inline = format!(
        r#"{HEAD}participants:
  - id: aoki@aoki-seiki.example
    name: 青木 一郎
    kana: あおき いちろう
    email: aoki@aoki-seiki.example
    company: 株式会社アオキ精機
    industry: 製造業
    role: 課長
  - id: hanako@ishida-kensetsu.example
    name: 石田 花子
    kana: いしだ はなこ
    email: hanako@ishida-kensetsu.example
    company: イシダ建設株式会社
    industry: 製造業
    role: 部長
  - id: jiro@ueno-kogyo.example
    name: 上野 次郎
    kana: うえの じろう
    email: jiro@ueno-kogyo.example
    company: (株)ウエノ工業
    industry: 製造業
    role: 課長
survey:
{QUESTIONS}  responses:
    - participant: aoki@aoki-seiki.example
      consent: quote
      answers:
        satisfaction: 5
        topics: ["対話の継続, 振り返りの仕方", 中間管理職への対応]
        takeaway: 問いを一つに絞って待つ
    - participant: hanako@ishida-kensetsu.example
      consent: aggregate
      answers:
        satisfaction: 4
        topics: [中間管理職への対応]
        takeaway: 集計だけに使う答え
    - participant: jiro@ueno-kogyo.example
      consent: quote
      answers:
        satisfaction: 4
        topics: ["対話の継続, 振り返りの仕方", 問いの立て方]
        takeaway: "沈黙を怖がらない\n次の一言を待つ"
"#
    );
    let (a, _) = built(lab_site(&inline, &[]).path());
    let (b, warnings) = built(lab_site(&google_export_lab(), &google_files()).path());
    assert_same_site(&a, &b);
    // The repeated submission is named by its rows, and by nothing else.
    assert!(
        warnings.contains(
            "rows 4 and 5 of survey.csv are from one respondent; row 5, the latest, counts"
        ),
        "{warnings}"
    );
    assert!(warnings.contains("survey.csv:5:B"), "{warnings}");
    assert!(!warnings.contains("jiro"), "{warnings}");
    // The report shows the aggregates and the comma option whole.
    let report = String::from_utf8_lossy(
        &b.iter()
            .find(|(n, _)| n == "labs/2025-11-13/index.html")
            .unwrap()
            .1,
    )
    .into_owned();
    assert!(report.contains("対話の継続, 振り返りの仕方"), "{report}");
    assert!(report.contains("問いを一つに絞って待つ"), "{report}");
    // An `aggregate` answer counts toward k but is never quoted.
    assert!(!report.contains("集計だけに使う答え"), "{report}");
}

/// The survey's questions as the form's column headers.
const QUESTION_HEADERS: [&str; 4] = [
    "本日のラボの満足度",
    "対話で扱った論点",
    "明日からのマネジメントに生かせそうなこと",
    "回答の公開について",
];

/// A Microsoft Forms export as Excel gives it (see common/xlsx.rs), its
/// respondents named in 名前, with multiple choices joined by `;` and
/// ended by one.
fn microsoft_xlsx() -> Vec<u8> {
    #[rustfmt::skip]
    let rows: [(&str, &str, f64, &str, &str, &str); 4] = [
        ("2025-11-13 20:40:00", "遠藤誠", 5.0, "対話の継続, 振り返りの仕方;中間管理職への対応;", "問いを一つに絞って待つ", "氏名・社名を伏せて引用してよい"),
        ("2025-11-13 20:41:00", "小川 由美", 4.0, "中間管理職への対応;", "集計だけに使う答え", "集計にのみ使ってよい"),
        ("2025-11-13 20:55:00", "加藤　健", 4.0, "問いの立て方;対話の継続, 振り返りの仕方;", "沈黙を怖がらない", "氏名・社名を伏せて引用してよい"),
        ("2025-11-13 20:42:00", "加藤 健", 2.0, "", "最初の下書き", "氏名・社名を伏せて引用してよい"),
    ];
    let rows: Vec<Submission> = rows
        .iter()
        .map(
            |&(done, name, rating, topics, takeaway, consent)| Submission {
                started: done.into(),
                completed: done.into(),
                email: "anonymous".into(),
                name: name.into(),
                answers: vec![
                    rating.into(),
                    topics.into(),
                    takeaway.into(),
                    consent.into(),
                ],
            },
        )
        .collect();
    microsoft_forms_xlsx(
        &Form {
            sheet: Some("フォーム1"),
            date_format: "yyyy/m/d h:mm:ss",
            questions: &QUESTION_HEADERS,
        },
        &rows,
    )
}

const SJIS_PARTICIPANTS: &str = r#"participants_from:
  file: private/applications.csv
  columns:
    id: 受付番号
    aliases: 会社の略称
  ignore: [参加の動機]
"#;

const MICROSOFT_SURVEY: &str = r#"responses_from:
  file: private/survey.xlsx
  sheet: フォーム1
  respondent: 名前
  consent:
    column: 回答の公開について
    quote: [氏名・社名を伏せて引用してよい]
    aggregate: [集計にのみ使ってよい]
  ignore: [メール]
"#;

fn microsoft_files() -> Files {
    vec![
        (
            "private/applications.csv",
            fs::read(fixture("excel_sjis_applications.csv")).unwrap(),
        ),
        ("private/survey.xlsx", microsoft_xlsx()),
    ]
}

#[test]
fn a_shift_jis_csv_and_a_microsoft_forms_workbook_build_as_the_same_lab_inline() {
    let inline = format!(
        r#"{HEAD}participants:
  - id: A-01
    name: 遠藤 誠
    kana: エンドウ マコト
    company: 東雲重工業株式会社
    aliases: [東雲重工, シノノメ]
    industry: 製造業
    role: 課長
  - id: A-02
    name: 小川 由美
    kana: オガワ ユミ
    company: 株式会社オガワ建設
    industry: 建設業
    role: 部長
  - id: A-03
    name: 加藤 健
    kana: カトウ ケン
    company: カトウ物産株式会社
    industry: 製造業
    role: 課長
  - id: A-04
    name: 木村 彩
    kana: キムラ アヤ
    company: キムラ電機株式会社
    aliases: [キムラ電機]
    industry: 製造業
    role: 係長
    attended: false
survey:
{QUESTIONS}  responses:
    - participant: A-01
      consent: quote
      answers:
        satisfaction: 5
        topics: ["対話の継続, 振り返りの仕方", 中間管理職への対応]
        takeaway: 問いを一つに絞って待つ
    - participant: A-02
      consent: aggregate
      answers:
        satisfaction: 4
        topics: [中間管理職への対応]
        takeaway: 集計だけに使う答え
    - participant: A-03
      consent: quote
      answers:
        satisfaction: 4
        topics: [問いの立て方, "対話の継続, 振り返りの仕方"]
        takeaway: 沈黙を怖がらない
"#
    );
    let (a, _) = built(lab_site(&inline, &[]).path());
    // The survey in survey.yaml beside lab.yaml, its questions included.
    let mut files = microsoft_files();
    files.push((
        "survey.yaml",
        format!(
            "{}{}",
            QUESTIONS.replace("\n  ", "\n").trim_start(),
            MICROSOFT_SURVEY
        )
        .into_bytes(),
    ));
    let export = format!("{HEAD}{SJIS_PARTICIPANTS}");
    let (b, warnings) = built(lab_site(&export, &files).path());
    assert_same_site(&a, &b);
    assert!(
        warnings.contains("row 6 of applications.csv has no name, so it is skipped"),
        "{warnings}"
    );
    assert!(
        warnings.contains(
            "rows 4 and 5 of survey.xlsx are from one respondent; row 4, the latest, counts"
        ),
        "{warnings}"
    );
    assert!(warnings.contains("survey.xlsx:4:E"), "{warnings}");
}

/// Cells that must never reach a message.
const CELLS: [&str; 8] = [
    "aoki@",
    "hanako@",
    "jiro@",
    "青木",
    "石田",
    "上野",
    "社外秘の自由記述",
    "someone@",
];

#[test]
fn every_mistake_is_an_error_at_its_cell_that_quotes_no_cell() {
    let dir = copy_site(&site("minimal"));
    fs::remove_dir_all(dir.path().join(LAB)).unwrap();
    let mut survey = fs::read_to_string(fixture("google_survey.csv"))
        .unwrap()
        .replace("\u{feff}", "");
    // Row 2: an unknown respondent; row 3: an option that matches nothing.
    survey = survey.replacen("aoki@aoki-seiki.example", "someone@else.example", 1);
    survey = survey.replacen(
        "\"中間管理職への対応\"",
        "\"中間管理職への対応, 社外秘の自由記述\"",
        1,
    );
    let mut apps_two_names = fs::read_to_string(fixture("google_applications.csv")).unwrap();
    apps_two_names = apps_two_names
        .replacen("\"お名前\"", "\"氏名\"", 1)
        .replacen("\"ふりがな\"", "\"お名前\"", 1);
    let labs: [(&str, String, Files); 6] = [
        (
            "2025-11-01",
            google_export_lab(),
            vec![
                (
                    "private/applications.csv",
                    fs::read(fixture("google_applications.csv")).unwrap(),
                ),
                ("private/survey.csv", survey.into_bytes()),
            ],
        ),
        (
            "2025-11-02",
            google_export_lab().replace("text: 本日のラボの満足度", "text: 本日の満足度"),
            google_files(),
        ),
        (
            "2025-11-03",
            google_export_lab(),
            vec![
                ("private/applications.csv", apps_two_names.into_bytes()),
                (
                    "private/survey.csv",
                    fs::read(fixture("google_survey.csv")).unwrap(),
                ),
            ],
        ),
        (
            "2025-11-04",
            google_export_lab().replace("file: private/survey.csv", "file: private/nothing.csv"),
            google_files(),
        ),
        (
            "2025-11-05",
            format!(
                "{HEAD}{SJIS_PARTICIPANTS}survey:\n{QUESTIONS}  {}",
                MICROSOFT_SURVEY
                    .replace("\n", "\n  ")
                    .replace("sheet: フォーム1", "sheet: フォーム2")
            ),
            microsoft_files(),
        ),
        // Fine: shows every lab is read in the same run.
        ("2025-11-06", google_export_lab(), google_files()),
    ];
    for (id, yaml, extra) in &labs {
        let lab = dir.path().join("content/labs").join(id);
        fs::create_dir_all(&lab).unwrap();
        fs::write(
            lab.join("lab.yaml"),
            yaml.replace("date: 2025-11-13", &format!("date: {id}")),
        )
        .unwrap();
        for (rel, bytes) in extra {
            fs::create_dir_all(lab.join(rel).parent().unwrap()).unwrap();
            fs::write(lab.join(rel), bytes).unwrap();
        }
    }
    let r = check(dir.path());
    if std::env::var_os("FORMS_SHOW").is_some() {
        eprintln!("{}", r.stderr);
    }
    assert_eq!(r.code, 1, "{}", r.stderr);
    let e = &r.stderr;
    for (place, message) in [
        (
            "content/labs/2025-11-01/private/survey.csv:2:B",
            "row 2 of survey.csv: the respondent in column B (`メールアドレス`) matches no participant of the lab",
        ),
        (
            "content/labs/2025-11-01/private/survey.csv:3:D",
            "row 3 of survey.csv: column D (`対話で扱った論点`): choice 2 matches no option of `topics`",
        ),
        (
            "content/labs/2025-11-02/lab.yaml:",
            "survey.csv has no column for the question `satisfaction`",
        ),
        (
            "content/labs/2025-11-03/private/applications.csv:1:D",
            "two columns of applications.csv match `name`: C (`氏名`) and D (`お名前`)",
        ),
        (
            "content/labs/2025-11-04/lab.yaml:",
            "the export `content/labs/2025-11-04/private/nothing.csv` does not exist",
        ),
        (
            "content/labs/2025-11-05/lab.yaml:",
            "`content/labs/2025-11-05/private/survey.xlsx` has no sheet `フォーム2`",
        ),
    ] {
        assert!(e.contains(place), "{place}\n{e}");
        assert!(e.contains(message), "{message}\n{e}");
    }
    assert!(
        e.contains("did you mean the column `本日のラボの 満足度`?"),
        "{e}"
    );
    assert!(e.contains("did you mean `フォーム1`?"), "{e}");
    for cell in CELLS {
        assert!(!e.contains(cell), "{cell} in\n{e}");
    }
}

#[test]
fn nothing_from_an_export_is_published() {
    let mut extra = google_files();
    extra.push(("private/notes.txt", b"memo".to_vec()));
    extra.push(("survey-copy.xlsx", microsoft_xlsx()));
    extra.push(("answers.csv", b"a,b\n".to_vec()));
    extra.push(("~$survey.xlsx", b"lock".to_vec()));
    extra.push(("notes.yaml", b"a: b\n".to_vec()));
    extra.push(("photo.png", b"\x89PNG\r\n".to_vec()));
    let site = lab_site(&google_export_lab(), &extra);
    let (out, _) = built(site.path());
    let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"labs/2025-11-13/photo.png"), "{names:?}");
    for (n, bytes) in &out {
        assert!(!n.contains("private"), "{n}");
        for ext in [".csv", ".tsv", ".xlsx", ".xls", ".ods", ".yaml", ".yml"] {
            assert!(!n.ends_with(ext), "{n}");
        }
        let text = String::from_utf8_lossy(bytes);
        for cell in [
            "@aoki-seiki",
            "@ishida-kensetsu",
            "@ueno-kogyo",
            "青木",
            "アオキ",
        ] {
            assert!(!text.contains(cell), "{cell} in {n}");
        }
    }
}

#[test]
fn a_name_from_an_export_in_the_report_fails_naming_the_row_not_the_person() {
    let site = lab_site(&google_export_lab(), &google_files());
    let report = site.path().join(LAB).join("report.md");
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, format!("{text}\n石田さんの話が印象的でした。\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = build(site.path(), out.path());
    if std::env::var_os("FORMS_SHOW").is_some() {
        eprintln!("{}", r.stderr);
    }
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("row 3 of content/labs/2025-11-13/private/applications.csv"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("hanako"), "{}", r.stderr);
}

#[test]
fn a_refusal_listed_under_none_is_left_out_without_a_warning() {
    // Listed nowhere: none, with a warning naming the value.
    let nowhere = google_export_lab().replace("      aggregate: [集計にのみ使ってよい]\n", "");
    let (_, warnings) = built(lab_site(&nowhere, &google_files()).path());
    assert!(
        warnings.contains("listed under none of `quote`, `aggregate` and `none`"),
        "{warnings}"
    );
    // Listed under `none`: none, and no warning.
    let listed = google_export_lab().replace(
        "      aggregate: [集計にのみ使ってよい]\n",
        "      none: [集計にのみ使ってよい]\n",
    );
    let (out, warnings) = built(lab_site(&listed, &google_files()).path());
    assert!(!warnings.contains("listed under"), "{warnings}");
    let report = out
        .iter()
        .find(|(n, _)| n == "labs/2025-11-13/index.html")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap();
    // Two consenting respondents are fewer than k = 3: the survey is
    // withheld, so the refusal was not counted.
    assert!(!report.contains("問いを一つに絞って待つ"), "{report}");
}

#[test]
fn seats_taken_follow_the_applications() {
    let planned = |taken: &str| {
        format!(
            r#"title: テストラボ 第2回
date: 2026-02-20
start: "18:00"
end: "20:30"
status: planned
participants_from:
  file: private/applications.csv
  ignore: [参加の動機]
recruitment:
  capacity: 3{taken}
  apply_url: https://forms.example.org/lab2
"#
        )
    };
    let dir = copy_site(&site("minimal"));
    let lab = dir.path().join("content/labs/2026-02-20");
    fs::create_dir_all(lab.join("private")).unwrap();
    fs::copy(
        fixture("google_applications.csv"),
        lab.join("private/applications.csv"),
    )
    .unwrap();
    let page = |yaml: &str| {
        fs::write(lab.join("lab.yaml"), yaml).unwrap();
        let out = tempfile::tempdir().unwrap();
        let r = build(dir.path(), &out.path().join("p"));
        assert_eq!(r.code, 0, "{}", r.stderr);
        fs::read_to_string(out.path().join("p/labs/2026-02-20/recruit/index.html")).unwrap()
    };
    // Three applications for three seats: full.
    assert!(page(&planned("")).contains("満席"));
    // An explicit `taken` wins.
    assert!(!page(&planned("\n  taken: 1")).contains("満席"));
}

fn fill_consent(survey_yaml: &Path) {
    let text = fs::read_to_string(survey_yaml).unwrap();
    assert!(
        text.contains("    quote: []\n    aggregate: []\n    none: []\n"),
        "{text}"
    );
    let text = text.replace(
        "    quote: []\n    aggregate: []\n",
        "    quote: [氏名・社名を伏せて引用してよい]\n    aggregate: [集計にのみ使ってよい]\n",
    );
    fs::write(survey_yaml, text).unwrap();
}

#[test]
fn new_survey_from_each_export_builds_once_consent_is_sorted() {
    let xlsx_dir = tempfile::tempdir().unwrap();
    let xlsx = xlsx_dir.path().join("回答.xlsx");
    fs::write(&xlsx, microsoft_xlsx()).unwrap();
    for (from, participants, apps) in [
        (
            fixture("google_survey.csv"),
            "participants_from:\n  file: private/applications.csv\n  ignore: [参加の動機]\n",
            fixture("google_applications.csv"),
        ),
        (
            xlsx.clone(),
            SJIS_PARTICIPANTS,
            fixture("excel_sjis_applications.csv"),
        ),
    ] {
        let site = lab_site(
            &format!("{HEAD}{participants}"),
            &[("private/applications.csv", fs::read(&apps).unwrap())],
        );
        let root = site.path().to_str().unwrap();
        let new_survey = || {
            labsite(&[
                "new",
                "survey",
                "2025-11-13",
                "--from",
                from.to_str().unwrap(),
                "--root",
                root,
            ])
        };
        let r = new_survey();
        assert_eq!(r.code, 0, "{}", r.stderr);
        let lab = site.path().join(LAB);
        let name = from.file_name().unwrap();
        assert!(lab.join("private").join(name).is_file());
        let survey = lab.join("survey.yaml");
        let text = fs::read_to_string(&survey).unwrap();
        // Identity columns never become questions.
        for not_a_question in [
            "text: \"メールアドレス\"",
            "text: \"名前\"",
            "text: \"メール\"",
        ] {
            assert!(!text.contains(not_a_question), "{text}");
        }
        for cell in ["@aoki", "遠藤", "加藤"] {
            assert!(!text.contains(cell), "{cell} in {text}");
        }
        // The options as the form has them: the one with a comma whole,
        // never two options run together.
        assert!(
            text.contains("      - \"対話の継続, 振り返りの仕方\"\n"),
            "{text}"
        );
        assert!(text.contains("      - \"中間管理職への対応\"\n"), "{text}");
        assert!(!text.contains("振り返りの仕方, 中間"), "{text}");
        assert!(!text.contains("振り返りの仕方;"), "{text}");
        // Before the consent values are sorted nothing is quotable, and the
        // site still builds; after, it builds with the quotes.
        fill_consent(&survey);
        let out = tempfile::tempdir().unwrap();
        let r = build(site.path(), &out.path().join("p"));
        assert_eq!(r.code, 0, "{}\n{text}", r.stderr);
        let report = fs::read_to_string(out.path().join("p/labs/2025-11-13/index.html")).unwrap();
        assert!(report.contains("沈黙を怖がらない"), "{report}");
        // Never twice.
        let again = new_survey();
        assert_eq!(again.code, 1, "{}", again.stderr);
    }
}

/// The page at `path` from a running `labsite serve`.
fn fetch(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn serve_rebuilds_when_the_export_is_replaced() {
    use std::time::Duration;
    let site = lab_site(&google_export_lab(), &google_files());
    let served = common::serve::Served::start(site.path(), &[]);
    let page = fetch(served.port, "/labs/2025-11-13/");
    assert!(page.contains("問いを一つに絞って待つ"), "{page}");
    let before = served.rebuilds();
    // A fresh export, as the organizer would drop it in: the file replaced.
    let export = site.path().join(LAB).join("private/survey.csv");
    let fresh = fs::read_to_string(&export)
        .unwrap()
        .replace("問いを一つに絞って待つ", "相手の言葉を繰り返してから問う");
    let tmp = site.path().join("fresh.csv");
    fs::write(&tmp, fresh).unwrap();
    fs::rename(&tmp, &export).unwrap();
    // `wait_for` holds the log while it asks: count in the log it gives.
    served.wait_for(Duration::from_secs(60), "a rebuild", |log| {
        log.lines().filter(|l| l.contains(" → rebuilt ")).count() > before
    });
    let page = fetch(served.port, "/labs/2025-11-13/");
    assert!(page.contains("相手の言葉を繰り返してから問う"), "{page}");
    assert!(!page.contains("問いを一つに絞って待つ"), "{page}");
}
