//! Sites for measuring how long reading form exports takes: one held lab
//! with N participants and N survey responses, written three ways —
//! inline in lab.yaml, as two CSV exports, and as a CSV of applications
//! with a Microsoft-Forms-shaped XLSX survey. Every person and company is
//! invented (names made of syllables).
//!
//! ```text
//! cargo run --release --example gen_forms -- OUT_DIR [N]
//! hyperfine -w 3 'target/release/labsite check --root OUT_DIR/inline' \
//!     'target/release/labsite check --root OUT_DIR/csv' \
//!     'target/release/labsite check --root OUT_DIR/xlsx'
//! ```
//!
//! With `--example-site`, it writes the example site's own exports
//! instead: content/labs/2025-11-13/private/applications.csv and
//! survey.xlsx, and content/labs/2027-01-21/private/applications.csv
//! (tests/common/example_exports.rs holds their rows).
//!
//! ```text
//! cargo run --example gen_forms -- --example-site
//! ```

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The Microsoft Forms workbook writer the tests use.
#[path = "../tests/common/xlsx.rs"]
mod xlsx;

/// The example site's exports.
#[allow(dead_code)]
#[path = "../tests/common/example_exports.rs"]
mod example_exports;

const SITE: &str = "title: 計測用ラボ\nbase_url: https://example.org/lab/\nlanguage: ja\n";

const HEAD: &str = "title: 計測用ラボ 第1回\ndate: 2025-11-13\nstart: \"18:00\"\nend: \"20:30\"\nstatus: held\nsummary: 計測用\n";

const OPTIONS: [&str; 5] = [
    "対話の継続, 振り返りの仕方",
    "中間管理職への対応",
    "部下の成長を促す問い",
    "専門職の部下との長期テーマ",
    "大組織での1on1の展開",
];
const INDUSTRIES: [&str; 5] = ["製造業", "建設業", "小売業", "物流業", "情報通信業"];
const ROLES: [&str; 4] = ["課長", "部長", "係長", "主任"];
const CONSENT: [&str; 3] = ["氏名・社名を伏せて引用してよい", "集計にのみ使ってよい", ""];

/// An invented name: family and given parts from syllables, unique by `i`.
fn name(i: usize) -> (String, String) {
    const K: [&str; 20] = [
        "ア", "カ", "サ", "タ", "ナ", "ハ", "マ", "ヤ", "ラ", "ワ", "イ", "キ", "シ", "チ", "ニ",
        "ヒ", "ミ", "リ", "ウ", "ク",
    ];
    let family = format!("{}{}{}野", K[i % 20], K[(i / 20) % 20], K[(i / 400) % 20]);
    // Katakana and a kanji: no run of a name can be a word of the
    // report or of an answer (which are hiragana and kanji).
    let given = format!("{}{}夫", K[(i * 7) % 20], K[(i / 3) % 20]);
    (family, given)
}

struct Person {
    id: String,
    name: String,
    company: String,
    email: String,
    industry: &'static str,
    role: &'static str,
}

fn people(n: usize) -> Vec<Person> {
    (0..n)
        .map(|i| {
            let (f, g) = name(i);
            Person {
                id: format!("p{i}@example.invalid"),
                name: format!("{f} {g}"),
                company: format!("架空工業{i}号株式会社"),
                email: format!("p{i}@example.invalid"),
                industry: INDUSTRIES[i % 5],
                role: ROLES[i % 4],
            }
        })
        .collect()
}

fn questions() -> String {
    let mut s = String::from(
        "  questions:\n    - id: satisfaction\n      text: 本日のラボの満足度\n      type: rating\n      scale: 5\n    - id: topics\n      text: 対話で扱った論点\n      type: choice\n      multiple: true\n      options:\n",
    );
    for o in OPTIONS {
        let _ = writeln!(s, "        - \"{o}\"");
    }
    s.push_str("    - id: takeaway\n      text: 明日からのマネジメントに生かせそうなこと\n      type: text\n");
    s
}

fn topics(i: usize) -> Vec<&'static str> {
    (0..5)
        .filter(|k| (i >> k) & 1 == 1 || *k == i % 5)
        .map(|k| OPTIONS[k])
        .collect()
}

fn takeaway(i: usize) -> String {
    format!("問いを一つに絞って答えを待つ。沈黙を怖がらない(その{i})")
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn site(dir: &Path, lab_yaml: &str, files: &[(&str, Vec<u8>)]) {
    let lab = dir.join("content/labs/2025-11-13");
    fs::create_dir_all(lab.join("private")).unwrap();
    fs::write(dir.join("content/site.yaml"), SITE).unwrap();
    fs::write(lab.join("lab.yaml"), lab_yaml).unwrap();
    fs::write(
        lab.join("report.md"),
        "## 当日の流れ\n\n三部構成で行いました。\n",
    )
    .unwrap();
    for (rel, bytes) in files {
        fs::write(lab.join(rel), bytes).unwrap();
    }
}

/// Writes the example site's exports under `root` (the repository).
fn example_site(root: &Path) {
    for (lab, name, bytes) in [
        (
            "2025-11-13",
            "applications.csv",
            example_exports::applications_csv(),
        ),
        ("2025-11-13", "survey.xlsx", example_exports::survey_xlsx()),
        (
            "2027-01-21",
            "applications.csv",
            example_exports::planned_applications_csv(),
        ),
    ] {
        let private = root.join("content/labs").join(lab).join("private");
        fs::create_dir_all(&private).unwrap();
        fs::write(private.join(name), bytes).unwrap();
        eprintln!("wrote {}", private.join(name).display());
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .expect("usage: gen_forms OUT_DIR [N] | gen_forms --example-site [REPO]");
    if out == "--example-site" {
        let root = args
            .next()
            .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").to_string());
        example_site(Path::new(&root));
        return;
    }
    let n: usize = args.next().map_or(500, |s| s.parse().expect("N"));
    let out = Path::new(&out);
    let ps = people(n);

    // Inline.
    let mut y = format!("{HEAD}participants:\n");
    for p in &ps {
        let _ = write!(
            y,
            "  - id: {}\n    name: {}\n    company: {}\n    email: {}\n    industry: {}\n    role: {}\n",
            p.id, p.name, p.company, p.email, p.industry, p.role
        );
    }
    let _ = write!(y, "survey:\n{}  responses:\n", questions());
    for (i, p) in ps.iter().enumerate() {
        let consent = match i % 3 {
            0 => "quote",
            1 => "aggregate",
            _ => "none",
        };
        let t: Vec<String> = topics(i).iter().map(|t| format!("\"{t}\"")).collect();
        let _ = write!(
            y,
            "    - participant: {}\n      consent: {consent}\n      answers:\n        satisfaction: {}\n        topics: [{}]\n        takeaway: {}\n",
            p.id,
            1 + i % 5,
            t.join(", "),
            takeaway(i)
        );
    }
    site(&out.join("inline"), &y, &[]);

    // Exports.
    let mut apps =
        String::from("\u{feff}タイムスタンプ,メールアドレス,お名前,会社名,業種,役職\r\n");
    for (i, p) in ps.iter().enumerate() {
        let _ = write!(
            apps,
            "2025/10/{:02} 12:00:00,{},{},{},{},{}\r\n",
            1 + i % 28,
            p.email,
            csv_field(&p.name),
            csv_field(&p.company),
            p.industry,
            p.role
        );
    }
    let mut survey = String::from(
        "\u{feff}タイムスタンプ,メールアドレス,本日のラボの満足度,対話で扱った論点,明日からのマネジメントに生かせそうなこと,回答の公開について\r\n",
    );
    for (i, p) in ps.iter().enumerate() {
        let _ = write!(
            survey,
            "2025/11/13 20:{:02}:00,{},{},{},{},{}\r\n",
            i % 60,
            p.email,
            1 + i % 5,
            csv_field(&topics(i).join(", ")),
            csv_field(&takeaway(i)),
            csv_field(CONSENT[i % 3])
        );
    }
    let from = |file: &str| {
        format!(
            "{HEAD}participants_from:\n  file: private/applications.csv\nsurvey:\n{}  responses_from:\n    file: private/{file}\n    respondent: メールアドレス\n    consent:\n      column: 回答の公開について\n      quote: [{}]\n      aggregate: [{}]\n",
            questions(),
            CONSENT[0],
            CONSENT[1]
        )
    };
    site(
        &out.join("csv"),
        &from("survey.csv"),
        &[
            ("private/applications.csv", apps.clone().into_bytes()),
            ("private/survey.csv", survey.into_bytes()),
        ],
    );

    // The survey as Microsoft Forms gives it.
    let rows: Vec<xlsx::Submission> = ps
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let t = format!("2025-11-13 20:{:02}:00", i % 60);
            let mut joined = topics(i).join(";");
            joined.push(';');
            xlsx::Submission {
                started: t.clone(),
                completed: t,
                email: p.email.clone(),
                name: p.name.clone(),
                answers: vec![
                    ((1 + i % 5) as f64).into(),
                    joined.into(),
                    takeaway(i).into(),
                    CONSENT[i % 3].into(),
                ],
            }
        })
        .collect();
    let xlsx = xlsx::microsoft_forms_xlsx(
        &xlsx::Form {
            sheet: None,
            date_format: "yyyy/m/d h:mm:ss",
            questions: &[
                "本日のラボの満足度",
                "対話で扱った論点",
                "明日からのマネジメントに生かせそうなこと",
                "回答の公開について",
            ],
        },
        &rows,
    );
    let yaml = from("survey.xlsx").replace(
        "    respondent: メールアドレス\n",
        "    respondent: メール\n    ignore: [名前]\n",
    );
    site(
        &out.join("xlsx"),
        &yaml,
        &[
            ("private/applications.csv", apps.into_bytes()),
            ("private/survey.xlsx", xlsx),
        ],
    );
    eprintln!(
        "wrote {0}/inline, {0}/csv and {0}/xlsx: {n} participants and {n} responses each",
        out.display()
    );
}
