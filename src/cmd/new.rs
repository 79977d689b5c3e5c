//! `labsite new lab YYYY-MM-DD`: the lab.yaml of a planned lab.
//!
//! Preparing the next lab mostly means repeating the last one: the same
//! program, times and venue, the next number, a recruitment call. So the
//! new file copies those from the latest lab and adds recruitment defaults,
//! with comments that tell the organizer what each field is for. It never
//! overwrites: an existing lab folder is an error.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::source::yaml::{Mapping, Value};
use chrono::{NaiveDate, TimeDelta};

use crate::source::program::PROGRAM_KEYS;

/// Times for the very first lab of a site (those of the first 1on1 lab).
const DEFAULT_START: &str = "18:00";
const DEFAULT_END: &str = "20:30";

/// Writes `<root>/content/labs/<date>/lab.yaml` for a planned lab and
/// returns its path. `root` is the site root (the folder holding
/// `content/`).
pub fn new_lab(root: &Path, date: &str) -> Result<PathBuf, String> {
    new_lab_with_warnings(root, date).map(|(path, _)| path)
}

/// [`new_lab`], with the warnings to show: later labs whose 第N回 no longer
/// follows the order of the dates.
pub fn new_lab_with_warnings(root: &Path, date: &str) -> Result<(PathBuf, Vec<String>), String> {
    let day = parse_date(date)?;
    let content = root.join("content");
    let site_path = content.join("site.yaml");
    if !site_path.is_file() {
        return Err(format!(
            "{} not found: {} is not a labsite site (run `labsite init DIR` to create one)",
            site_path.display(),
            root.display()
        ));
    }
    let site = read_yaml(&site_path)?;
    let labs_dir = content.join("labs");
    let lab_dir = labs_dir.join(date);
    if lab_dir.exists() {
        return Err(format!(
            "{} already exists; labsite new never overwrites a lab",
            lab_dir.display()
        ));
    }
    let (previous, numbered) = latest_lab(&labs_dir)?;
    let mut plan = Plan::new(
        day,
        &site,
        previous.as_ref(),
        numbered.len(),
        content.join("program.yaml").is_file(),
    );
    let warnings = number_by_date(&mut plan, &numbered);
    let text = plan.render()?;

    fs::create_dir_all(&labs_dir)
        .map_err(|e| format!("cannot create {}: {e}", labs_dir.display()))?;
    // create_dir (not _all) fails if another process made the folder since
    // the check above: still never overwriting.
    fs::create_dir(&lab_dir).map_err(|e| format!("cannot create {}: {e}", lab_dir.display()))?;
    let path = lab_dir.join("lab.yaml");
    if let Err(e) = write_atomically(&path, &text) {
        let _ = fs::remove_dir(&lab_dir);
        return Err(e);
    }
    Ok((path, warnings))
}

/// A lab on the calendar: its folder, date and number (the `number` field,
/// else the 第N回 of its title).
struct Numbered {
    id: String,
    date: Option<NaiveDate>,
    number: Option<u64>,
}

/// Gives a lab dated before existing ones its place in their order (the
/// number after the last lab before it, or 1), and lists the later labs
/// whose number now disagrees; they are left alone (their pages, links and
/// announcements already carry their numbers).
fn number_by_date(plan: &mut Plan, labs: &[Numbered]) -> Vec<String> {
    let later: Vec<&Numbered> = labs
        .iter()
        .filter(|l| l.date.is_some_and(|d| d > plan.date))
        .collect();
    if later.is_empty() {
        return Vec::new();
    }
    let before = labs
        .iter()
        .filter(|l| l.date.is_some_and(|d| d < plan.date))
        .max_by_key(|l| (l.date, l.id.clone()));
    let number = match before {
        Some(b) => b.number.map_or(
            labs.iter()
                .filter(|l| l.date.is_some_and(|d| d < plan.date))
                .count() as u64
                + 1,
            |n| n + 1,
        ),
        None => 1,
    };
    plan.renumber(number);
    let mut later = later;
    later.sort_by_key(|l| (l.date, l.id.clone()));
    later
        .iter()
        .zip(number + 1..)
        .filter_map(|(l, expected)| {
            let n = l.number?;
            (n != expected).then(|| {
                format!(
                    "labs/{}/lab.yaml is 第{n}回, but by date it is now 第{expected}回; \
                     it is left as it is: change its `number` and title if the series should be renumbered",
                    l.id
                )
            })
        })
        .collect()
}

/// A real calendar date written exactly as `YYYY-MM-DD`.
fn parse_date(date: &str) -> Result<NaiveDate, String> {
    let shaped = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(format!(
            "`{date}` is not a date: expected YYYY-MM-DD, e.g. 2026-02-22"
        ));
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| format!("{date} is not a calendar date (no such day)"))
}

/// Through the site loader's parser, which refuses alias bombs and
/// oversized files before anything is expanded.
fn read_yaml(path: &Path) -> Result<Value, String> {
    let root = path.parent().unwrap_or(Path::new(""));
    let file = crate::source::read_source(root, path).map_err(|d| d.render())?;
    crate::source::yaml::parse(&file)
        .map(|n| n.value)
        .map_err(|d| d.render())
}

/// The lab a new one continues from.
struct PreviousLab {
    /// Folder name, for the comments.
    id: String,
    record: Mapping,
}

/// The latest lab under `labs_dir` (by its `date`, else its folder name)
/// and how many labs there are. A lab.yaml that does not parse is passed
/// over: `labsite check` reports it, and it should not block preparing the
/// next lab.
fn latest_lab(labs_dir: &Path) -> Result<(Option<PreviousLab>, Vec<Numbered>), String> {
    let entries = match fs::read_dir(labs_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, Vec::new())),
        Err(e) => return Err(format!("cannot read {}: {e}", labs_dir.display())),
    };
    let mut labs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", labs_dir.display()))?;
        let file = entry.path().join("lab.yaml");
        if !file.is_file() {
            continue;
        }
        let id = entry.file_name().to_string_lossy().into_owned();
        let record = fs::read_to_string(&file)
            .ok()
            .and_then(|text| crate::source::yaml::parse_text(&text).ok())
            .map(|n| n.value);
        labs.push((id, record));
    }
    let numbered = labs
        .iter()
        .map(|(id, record)| {
            let field = |k: &str| record.as_ref().and_then(|r| r.get(k));
            let date = field("date")
                .and_then(|v| v.as_str())
                .and_then(|d| parse_date(d.trim()).ok())
                .or_else(|| parse_date(id).ok());
            let number = field("number").and_then(|v| v.as_u64()).or_else(|| {
                field("title")
                    .and_then(|v| v.as_str())
                    .and_then(ordinal_in_title)
            });
            Numbered {
                id: id.clone(),
                date,
                number,
            }
        })
        .collect();
    let latest = labs
        .into_iter()
        .filter_map(|(id, record)| match record {
            Some(Value::Mapping(record)) => Some(PreviousLab { id, record }),
            _ => None,
        })
        .max_by_key(|lab| {
            let by_field = lab
                .record
                .get("date")
                .and_then(|v| v.as_str())
                .and_then(|d| parse_date(d.trim()).ok());
            (
                by_field.or_else(|| parse_date(&lab.id).ok()),
                lab.id.clone(),
            )
        });
    Ok((latest, numbered))
}

/// Everything the new lab.yaml says.
struct Plan {
    date: NaiveDate,
    title: String,
    number: u64,
    start: String,
    end: String,
    venue: Value,
    summary: String,
    /// Blocks copied from the previous lab, in SPEC order.
    copied: Vec<(&'static str, Value)>,
    /// Blocks the previous lab lacked (inherited from program.yaml).
    inherited: Vec<&'static str>,
    previous_id: Option<String>,
    has_program_yaml: bool,
}

impl Plan {
    fn new(
        date: NaiveDate,
        site: &Value,
        previous: Option<&PreviousLab>,
        lab_count: usize,
        has_program_yaml: bool,
    ) -> Plan {
        let field = |key: &str| previous.and_then(|p| p.record.get(key));
        let text = |key: &str| field(key).and_then(|v| scalar_text(v));
        let previous_title = text("title");
        let number = field("number")
            .and_then(|v| v.as_u64())
            .or_else(|| previous_title.as_deref().and_then(ordinal_in_title))
            .map_or(lab_count as u64 + 1, |n| n + 1);
        let site_title = site
            .get("title")
            .and_then(|v| v.as_str())
            .filter(|t| !t.trim().is_empty())
            .unwrap_or("1on1ラボ");
        let title = previous_title
            .as_deref()
            .and_then(|t| with_ordinal(t, number))
            .unwrap_or_else(|| format!("{site_title} 第{number}回"));
        let summary = site
            .get("description")
            .and_then(|v| v.as_str())
            .filter(|d| !d.trim().is_empty())
            .map_or_else(
                || format!("{site_title}の参加者を募集します"),
                str::to_string,
            );
        let mut copied = Vec::new();
        let mut inherited = Vec::new();
        for key in PROGRAM_KEYS {
            match field(key) {
                Some(value) if !value.is_null() => copied.push((key, value.value.clone())),
                _ => inherited.push(key),
            }
        }
        let venue = field("venue").map(|v| v.value.clone()).unwrap_or_else(|| {
            let mut venue = Mapping::new();
            venue.insert("online", Value::Bool(true));
            venue.insert("name", Value::String("Zoom".into()));
            Value::Mapping(venue)
        });
        Plan {
            date,
            title,
            number,
            start: text("start").unwrap_or_else(|| DEFAULT_START.into()),
            end: text("end").unwrap_or_else(|| DEFAULT_END.into()),
            venue,
            summary,
            copied,
            inherited,
            previous_id: previous.map(|p| p.id.clone()),
            has_program_yaml,
        }
    }

    /// Another number: the title's 第N回 follows it.
    fn renumber(&mut self, number: u64) {
        if let Some(title) = with_ordinal(&self.title, number) {
            self.title = title;
        }
        self.number = number;
    }

    fn render(&self) -> Result<String, String> {
        let date = self.date.format("%Y-%m-%d").to_string();
        let deadline = (self.date - TimeDelta::days(7)).format("%Y-%m-%dT23:59");
        let from = match &self.previous_id {
            Some(id) => format!("labs/{id}/lab.yaml"),
            None => "defaults".to_string(),
        };
        let mut y = String::new();
        y.push_str(&format!(
            "\
# {title}
#
# 開催予定のラボの記録です。`labsite new lab {date}` が作成しました({from} をもとに)。
# A planned lab, created by `labsite new lab {date}` from {from}.
# 項目の意味は docs/content-format.md / field reference: docs/content-format.md.
#
# 流れ / How this file grows:
#   1. 募集中: status は planned のまま。recruitment を整えると募集ページと .ics が公開されます。
#      While recruiting: keep `status: planned`; `recruitment` publishes the
#      recruitment page and the calendar (.ics) file.
#   2. 開催後: status を held に変え、participants と survey を追記し、report.md を書きます。
#      After the lab: set `status: held`, add `participants` and `survey`,
#      and write report.md beside this file.
#   3. 中止のとき: status を cancelled に。 If it is called off: `status: cancelled`.

# 必須: ページの見出し / required: the lab's title
title: {title_value}
# 第何回か / ordinal
number: {number}
# 必須: 開催日 / required: the date
date: {date}
# 必須: 開始・終了。site.yaml の timezone の現地時刻、end は start より後
# required: local start and end time in the site's timezone; end after start
start: {start}
end: {end}
# 会場: オンラインなら online: true と name (例 Zoom)。対面なら online: false と name, address
# venue: online: true with a name (e.g. Zoom); in person: online: false, name, address
{venue}\
# 必須: planned (予定) | held (開催済み) | cancelled (中止)
status: planned
# カード・フィード・OGP に出る一文。TODO: この回に合わせて書き換え
# one line for cards, feeds and OGP. TODO: write one for this lab
summary: {summary}
",
            title = one_line(&self.title),
            title_value = yaml_scalar(&self.title),
            number = self.number,
            start = yaml_quoted(&self.start),
            end = yaml_quoted(&self.end),
            venue = yaml_block("venue", &self.venue)?,
            summary = yaml_scalar(&self.summary),
        ));

        for (key, value) in &self.copied {
            if self.has_program_yaml {
                y.push_str(&format!(
                    "\n# {key}: {from} からコピー。content/program.yaml と同じなら消すと継承されます。\n\
                     # {key}: copied from {from}; delete it to inherit content/program.yaml.\n",
                ));
            } else {
                y.push_str(&format!(
                    "\n# {key}: {from} からコピー / copied from {from}.\n",
                ));
            }
            y.push_str(&yaml_block(key, value)?);
        }
        if !self.inherited.is_empty() {
            let keys = self.inherited.join(" / ");
            y.push('\n');
            if self.has_program_yaml {
                y.push_str(&format!(
                    "# {keys}: 書かなければ content/program.yaml から継承します。\n\
                     # {keys}: not set here, so inherited from content/program.yaml.\n",
                ));
            } else {
                y.push_str(&format!(
                    "# {keys}: 未設定。ここに書くか content/program.yaml に書きます (docs/content-format.md)。\n\
                     # {keys}: not set; write {them} here or in content/program.yaml (docs/content-format.md).\n",
                    them = if self.inherited.len() == 1 {
                        "it"
                    } else {
                        "them"
                    },
                ));
            }
        }

        let faq = [
            (
                "会社名は公開されますか?",
                "いいえ。レポートやサイトに会社名や氏名は載りません。話した内容が所属先に伝わることもありません。",
            ),
            (
                "準備は必要ですか?",
                "特別な準備はいりません。いま気になっているマネジメントのテーマを一つ考えておくと、対話が深まります。",
            ),
            (
                "録画はされますか?",
                "いいえ。録画・録音はしません。安心して率直にお話しください。",
            ),
        ];
        let mut faq_lines = String::new();
        for (q, a) in faq {
            faq_lines.push_str(&format!(
                "    - q: {}\n      a: {}\n",
                yaml_scalar(q),
                yaml_scalar(a)
            ));
        }
        y.push_str(&format!(
            "
# 募集: 募集ページ (labs/{date}/recruit/) と .ics のもとになります。
# Recruitment: drives the recruitment page and the calendar file.
recruitment:
  # 必須: 定員 / required: seats
  capacity: 8
  # 申込済みの席数は participants の人数です。別の数にするときだけ taken: を書きます
  # seats taken: the number of participants; write `taken:` only to override it
  # 締切 (現地時刻、この時刻まで受付) / deadline: local time, the last moment to apply
  deadline: {deadline}
  # 満席のあともキャンセル待ちを受け付けるか / accept a waitlist once full
  waitlist: true
  # 参加費 / fee
  fee: {fee}
  # 対象 / who it is for
  audience: {audience}
  # 必須: 申込フォームのURL / required: the application form
  # (この仮のURLのままだと check が警告します / check warns while this placeholder stays)
  apply_url: https://forms.example.org/{date}  # TODO: replace
  # よくある質問 (a は Markdown)。運営の方針に合わせて直してください
  # FAQ (answers in Markdown); adjust them to how this lab is run
  faq:
{faq_lines}
# ── 開催後に追記 / add after the lab ──
# participants: 非公開。氏名・会社名・メールはサイトに出ません (docs/privacy.md)
#   PRIVATE: names, companies and e-mails never reach the site.
# survey: 質問 (questions) と回答 (responses)。回答の consent が公開範囲を決めます
#   questions and responses; each response's consent decides what may be shown.
# highlights: 紹介したい回答の選択 (任意) / which answers to feature (optional)
# フォームの書き出し (CSV / XLSX) を private/ に置けば、participants_from と
# `labsite new survey` でそこから読めます (docs/forms.md)
#   Form exports (CSV / XLSX) in private/ can be read instead:
#   `participants_from` and `labsite new survey` (docs/forms.md).
",
            fee = yaml_scalar("無料"),
            audience = yaml_scalar("部下を持つマネジャー(業種・規模不問)"),
        ));
        Ok(y)
    }
}

/// The number N in a title like `対話1on1ラボ 第2回`.
fn ordinal_in_title(title: &str) -> Option<u64> {
    let (_, digits, _) = split_ordinal(title)?;
    digits.parse().ok()
}

/// The title with its `第N回` renumbered, if it has one.
fn with_ordinal(title: &str, number: u64) -> Option<String> {
    let (before, _, after) = split_ordinal(title)?;
    Some(format!("{before}{number}{after}"))
}

/// Splits `…第12回…` into (`…第`, `12`, `回…`) at the last such ordinal.
fn split_ordinal(title: &str) -> Option<(&str, &str, &str)> {
    title.rmatch_indices('第').find_map(|(i, mark)| {
        let rest = &title[i + mark.len()..];
        let len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        (len > 0 && rest[len..].starts_with('回')).then(|| {
            let digits_at = i + mark.len();
            (
                &title[..digits_at],
                &title[digits_at..digits_at + len],
                &title[digits_at + len..],
            )
        })
    })
}

/// A scalar field as text (`start: "18:00"`, or a number written bare).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string as a one-line YAML scalar: plain where YAML allows it, else
/// quoted (the YAML serializer decides; a JSON string is a valid YAML one
/// too).
fn yaml_scalar(s: &str) -> String {
    match serde_saphyr::to_string(&s) {
        Ok(out) if !out.trim_end().contains('\n') && !out.starts_with('|') => {
            out.trim_end().to_string()
        }
        _ => yaml_quoted(s),
    }
}

/// A string in double quotes, as the SPEC writes times (`"18:00"`).
fn yaml_quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// `key:` and its value as a top-level YAML block, ending in a newline.
fn yaml_block(key: &str, value: &Value) -> Result<String, String> {
    let mut map = Mapping::new();
    map.insert(key, value.clone());
    serde_saphyr::to_string(&Value::Mapping(map))
        .map_err(|e| format!("cannot write `{key}` as YAML: {e}"))
}

/// Text for a comment line.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// Writes a temporary file beside `path`, then renames it into place, so a
/// reader (or `labsite serve`) never sees half a file.
fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map_or("lab.yaml".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let result = (|| {
        let mut file = fs::File::create_new(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content")).unwrap();
        fs::write(
            dir.path().join("content/site.yaml"),
            "title: 対話1on1ラボ\ndescription: 他社のマネジャー同士が学び合う越境対話の場\n\
             base_url: https://example.org/lab/\n",
        )
        .unwrap();
        dir
    }

    fn add_lab(root: &Path, id: &str, yaml: &str) {
        let dir = root.join("content/labs").join(id);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("lab.yaml"), yaml).unwrap();
    }

    fn load(path: &Path) -> Value {
        crate::source::yaml::parse_text(&fs::read_to_string(path).unwrap())
            .unwrap()
            .value
    }

    const FIRST: &str = r#"title: 対話1on1ラボ 第1回
number: 1
date: 2025-11-13
start: "18:00"
end: "20:30"
venue:
  online: true
  name: Zoom
status: held
summary: 製造業と建設業のマネジャー4名が参加
concept: 越境対話で次の一手を見つける
program:
  - title: オープニング
    minutes: 20
    description: |
      趣旨説明と進め方。
      **Markdown** も使えます: 1. 2. 3.
  - title: 1on1実践
    minutes: 100
    description: 自己紹介のあと、相手を変えて2回の対話
    rounds: 2
    round_minutes: 40
  - title: 振り返り
    minutes: 30
framework:
  title: マネジメントの4つの軸
  axes:
    - name: 成果
      prompts: ["今期いちばん手応えのあった成果は?"]
    - name: 業務・仕組み
    - name: 関係・成長
    - name: 自分
participants:
  - id: p1
    name: 山田 太郎
    company: 株式会社ヤマダ製作所
"#;

    /// SPEC §5 keys, and nothing else.
    const LAB_KEYS: [&str; 13] = [
        "title",
        "number",
        "date",
        "start",
        "end",
        "venue",
        "status",
        "summary",
        "concept",
        "program",
        "framework",
        "recruitment",
        "participants",
    ];
    const RECRUITMENT_KEYS: [&str; 8] = [
        "capacity",
        "taken",
        "deadline",
        "waitlist",
        "fee",
        "audience",
        "apply_url",
        "faq",
    ];

    #[test]
    fn creates_a_planned_lab_with_defaults() {
        let site = site();
        let path = new_lab(site.path(), "2026-02-22").unwrap();
        assert_eq!(path, site.path().join("content/labs/2026-02-22/lab.yaml"));
        let lab = load(&path);
        let map = lab.as_mapping().unwrap();
        for key in map.keys() {
            assert!(LAB_KEYS.contains(&key.as_str().unwrap()), "{key:?}");
        }
        assert_eq!(lab["title"], "対話1on1ラボ 第1回");
        assert_eq!(lab["number"], 1);
        assert_eq!(lab["date"], "2026-02-22");
        assert_eq!(lab["start"], "18:00");
        assert_eq!(lab["end"], "20:30");
        assert_eq!(lab["venue"]["online"], true);
        assert_eq!(lab["venue"]["name"], "Zoom");
        assert_eq!(lab["status"], "planned");
        assert_eq!(lab["summary"], "他社のマネジャー同士が学び合う越境対話の場");
        for key in ["participants", "survey", "program"] {
            assert!(lab.get(key).is_none(), "{key}");
        }
        let r = &lab["recruitment"];
        let keys: Vec<_> = r
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap())
            .collect();
        // Every key but `taken`, which defaults to the participants.
        let expected: Vec<_> = RECRUITMENT_KEYS
            .iter()
            .filter(|k| **k != "taken")
            .copied()
            .collect();
        assert_eq!(keys, expected);
        assert_eq!(r["capacity"], 8);
        assert!(
            r.get("taken").is_none(),
            "taken defaults to the participants"
        );
        assert_eq!(r["deadline"], "2026-02-15T23:59");
        assert_eq!(r["waitlist"], true);
        assert_eq!(r["fee"], "無料");
        assert_eq!(r["audience"], "部下を持つマネジャー(業種・規模不問)");
        assert_eq!(r["apply_url"], "https://forms.example.org/2026-02-22");
        let faq = r["faq"].as_sequence().unwrap();
        assert_eq!(faq.len(), 3);
        assert_eq!(faq[0]["q"], "会社名は公開されますか?");
        assert!(faq[0]["a"].as_str().unwrap().starts_with("いいえ"));
        assert_eq!(faq[1]["q"], "準備は必要ですか?");
        assert_eq!(faq[2]["q"], "録画はされますか?");
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("apply_url: https://forms.example.org/2026-02-22  # TODO: replace"));
        assert!(text.contains("deadline: 2026-02-15T23:59\n"));
        assert!(text.contains("start: \"18:00\""));
        assert!(text.contains("status を held"));
        assert!(text.contains("participants"));
        assert!(text.contains("content/program.yaml"));
        // No temporary file is left beside it.
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["lab.yaml"]);
    }

    #[test]
    fn refuses_to_overwrite() {
        let site = site();
        let path = new_lab(site.path(), "2026-02-22").unwrap();
        fs::write(&path, "title: edited\n").unwrap();
        let err = new_lab(site.path(), "2026-02-22").unwrap_err();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "title: edited\n");
        // An existing folder without lab.yaml is refused too.
        fs::create_dir_all(site.path().join("content/labs/2026-03-01")).unwrap();
        assert!(new_lab(site.path(), "2026-03-01").is_err());
    }

    #[test]
    fn rejects_bad_dates() {
        let site = site();
        for bad in [
            "2026-02-30",
            "tomorrow",
            "2026-2-3",
            "2026/02/22",
            "2026-02-22x",
            "",
            "2025-02-29",
            "../../etc",
        ] {
            let err = new_lab(site.path(), bad).unwrap_err();
            assert!(err.contains(bad), "{bad}: {err}");
        }
        assert!(new_lab(site.path(), "2028-02-29").is_ok());
        assert!(!site.path().join("content/labs/2026-02-30").exists());
    }

    #[test]
    fn requires_a_site() {
        let dir = tempfile::tempdir().unwrap();
        let err = new_lab(dir.path(), "2026-02-22").unwrap_err();
        assert!(err.contains("site.yaml"), "{err}");
        assert!(!dir.path().join("content/labs").exists());
    }

    #[test]
    fn copies_the_latest_lab_and_increments_its_number() {
        let site = site();
        add_lab(site.path(), "2025-11-13", FIRST);
        // An older lab with a later folder name: `date` decides.
        add_lab(
            site.path(),
            "zz-older",
            "title: 勉強会 第0回\nnumber: 0\ndate: 2025-01-01\nstart: \"10:00\"\nend: \"11:00\"\n\
             venue: {online: false, name: 会議室, address: 東京}\nstatus: held\n",
        );
        // A broken lab is passed over.
        add_lab(site.path(), "2099-01-01", "title: [unclosed\n");
        let path = new_lab(site.path(), "2026-01-22").unwrap();
        let lab = load(&path);
        let first = crate::source::yaml::parse_text(FIRST).unwrap().value;
        assert_eq!(lab["title"], "対話1on1ラボ 第2回");
        assert_eq!(lab["number"], 2);
        assert_eq!(lab["start"], "18:00");
        assert_eq!(lab["end"], "20:30");
        assert_eq!(lab["venue"], first["venue"]);
        assert_eq!(lab["concept"], first["concept"]);
        assert_eq!(lab["program"], first["program"]);
        assert_eq!(lab["framework"], first["framework"]);
        assert!(lab.get("participants").is_none());
        assert_eq!(lab["status"], "planned");
        assert_eq!(lab["recruitment"]["deadline"], "2026-01-15T23:59");
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("labs/2025-11-13/lab.yaml"));

        // And the next one continues from the one just made.
        let third = load(&new_lab(site.path(), "2026-03-12").unwrap());
        assert_eq!(third["title"], "対話1on1ラボ 第3回");
        assert_eq!(third["number"], 3);
        assert_eq!(third["program"], first["program"]);
    }

    #[test]
    fn without_program_blocks_relies_on_program_yaml() {
        let site = site();
        fs::write(
            site.path().join("content/program.yaml"),
            "concept: 越境対話\n",
        )
        .unwrap();
        add_lab(
            site.path(),
            "lab-a",
            "title: 夜の1on1 (秋)\ndate: 2025-11-13\nstart: \"19:00\"\nend: \"21:00\"\n\
             venue: {online: false, name: 会議室A, address: 東京都千代田区1-1}\nstatus: held\n",
        );
        let path = new_lab(site.path(), "2026-01-22").unwrap();
        let lab = load(&path);
        // No number and no 第N回: the site title and the count of labs.
        assert_eq!(lab["title"], "対話1on1ラボ 第2回");
        assert_eq!(lab["number"], 2);
        assert_eq!(lab["start"], "19:00");
        assert_eq!(lab["venue"]["online"], false);
        assert_eq!(lab["venue"]["address"], "東京都千代田区1-1");
        for key in PROGRAM_KEYS {
            assert!(lab.get(key).is_none(), "{key}");
        }
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(
            "# concept / program / framework: not set here, so inherited from content/program.yaml."
        ));
    }

    #[test]
    fn ordinals_in_titles() {
        assert_eq!(ordinal_in_title("対話1on1ラボ 第2回"), Some(2));
        assert_eq!(ordinal_in_title("第12回 対話ラボ"), Some(12));
        assert_eq!(ordinal_in_title("対話ラボ 第二回"), None);
        assert_eq!(ordinal_in_title("第回"), None);
        assert_eq!(
            with_ordinal("対話1on1ラボ 第9回(特別編)", 10).as_deref(),
            Some("対話1on1ラボ 第10回(特別編)")
        );
        assert_eq!(with_ordinal("ラボ", 3), None);
        // The number field wins over the title's.
        let site = site();
        add_lab(
            site.path(),
            "2025-11-13",
            "title: ラボ 第1回\nnumber: 7\ndate: 2025-11-13\nstart: \"18:00\"\nend: \"20:00\"\nstatus: held\n",
        );
        let lab = load(&new_lab(site.path(), "2026-01-22").unwrap());
        assert_eq!(lab["title"], "ラボ 第8回");
        assert_eq!(lab["number"], 8);
    }

    #[test]
    fn awkward_strings_stay_valid_yaml() {
        let site = site();
        add_lab(
            site.path(),
            "2025-11-13",
            "title: \"#1: ラボ 第1回 - 'quoted' \\\"x\\\"\"\nnumber: 1\ndate: 2025-11-13\n\
             start: \"18:00\"\nend: \"20:00\"\nstatus: held\nconcept: \"yes\"\n",
        );
        let lab = load(&new_lab(site.path(), "2026-01-22").unwrap());
        assert_eq!(lab["title"], "#1: ラボ 第2回 - 'quoted' \"x\"");
        assert_eq!(lab["concept"], "yes");
    }
}
