//! `labsite new survey`: the `survey.yaml` that reads an export.
//!
//! One question per column, in column order, ids `q1`, `q2`, …; its type
//! guessed from the values (SPEC §10). Identity columns (name, kana,
//! company, e-mail, and any header that speaks of one) never become
//! questions: a 会社名 column with four values must not turn into a choice
//! question whose labels are published. The e-mail (or name) column
//! becomes `respondent`; a column about publishing or consent becomes
//! `consent`, its values listed as comments for the organizer to sort into
//! `quote`, `aggregate` and `none`. Comments mark every place where a person has
//! to decide.

use std::fmt::Write as _;

use super::cells::{is_separator, nfkc, rating};
use super::columns::{BOOKKEEPING, header_key, normalize_header, participant_defaults};
use super::table::{Cell, Table};
use crate::source::record::QuestionKind;

/// The most options a column may have to be read as a choice.
pub const MAX_OPTIONS: usize = 12;

/// An option longer than this is someone's sentence, not a label.
const MAX_OPTION_CHARS: usize = 40;

/// Words in a header that mark a column about a person or a company.
const IDENTITY_WORDS: [&str; 14] = [
    "氏名",
    "名前",
    "ふりがな",
    "フリガナ",
    "よみがな",
    "会社",
    "企業",
    "勤務先",
    "所属",
    "メール",
    "mail",
    "電話",
    "phone",
    "住所",
];

/// Words in a header that mark the consent question.
const CONSENT_WORDS: [&str; 5] = ["公開", "掲載", "引用", "consent", "同意"];

#[derive(Debug, PartialEq)]
enum Role {
    Skip,
    Identity { email: bool, name: bool },
    Attribute,
    Consent,
    Question,
}

fn role_of(header: &str) -> Role {
    let key = header_key(header);
    if key.is_empty() {
        return Role::Skip;
    }
    if BOOKKEEPING.iter().any(|b| header_key(b) == key) {
        return Role::Skip;
    }
    let is = |field: &str| {
        participant_defaults(field)
            .iter()
            .any(|d| header_key(d) == key)
    };
    if CONSENT_WORDS
        .iter()
        .any(|w| key.contains(&w.to_lowercase()))
    {
        return Role::Consent;
    }
    if is("email") || is("name") || is("kana") || is("company") {
        return Role::Identity {
            email: is("email"),
            name: is("name"),
        };
    }
    if IDENTITY_WORDS
        .iter()
        .any(|w| key.contains(&w.to_lowercase()))
    {
        return Role::Identity {
            email: key.contains("メール") || key.contains("mail"),
            name: false,
        };
    }
    if is("industry") || is("role") || is("attended") {
        return Role::Attribute;
    }
    Role::Question
}

/// Guess a question's type from its cells: whole numbers within 1..5 (or
/// 1..10) → a rating; at most [`MAX_OPTIONS`] short values after splitting,
/// some of them given more than once or together → a choice; else text.
/// A column of a few answers that are all different stays text: guessing
/// a choice there would publish free text as option labels.
pub fn guess(cells: &[&Cell]) -> QuestionKind {
    let values: Vec<&Cell> = cells.iter().copied().filter(|c| !c.is_empty()).collect();
    if values.is_empty() {
        return QuestionKind::Text;
    }
    for scale in [5, 10] {
        if values.iter().all(|c| rating(c, scale).is_ok()) {
            return QuestionKind::Rating { scale };
        }
    }
    let texts: Vec<String> = values
        .iter()
        .map(|c| {
            nfkc(&c.text())
                .trim_end_matches([';', '；'])
                .trim()
                .to_string()
        })
        .collect();
    // Options: whole values with no separator in them first; then each
    // value is tiled with the options known so far, and what is left
    // between them becomes an option (so `A, B` stays whole when neither
    // `A` nor `B` is ever given alone).
    let mut options: Vec<String> = Vec::new();
    for t in &texts {
        if !t.contains(|c: char| is_separator(c) && !c.is_whitespace()) && !options.contains(t) {
            options.push(t.clone());
        }
    }
    let mut multiple = false;
    let mut counts: Vec<usize> = vec![0; options.len()];
    for t in &texts {
        let picked = tile(t, &mut options);
        counts.resize(options.len(), 0);
        if picked.len() > 1 {
            multiple = true;
        }
        for i in picked {
            counts[i] += 1;
        }
    }
    let repeated = counts.iter().any(|&n| n > 1);
    if options.len() <= MAX_OPTIONS
        && (repeated || multiple)
        && options
            .iter()
            .all(|o| o.chars().count() <= MAX_OPTION_CHARS && !o.contains('\n'))
    {
        QuestionKind::Choice { multiple, options }
    } else {
        QuestionKind::Text
    }
}

/// The options a cell is made of, longest match first as the reader does;
/// text between known options is added as a new option.
fn tile(text: &str, options: &mut Vec<String>) -> Vec<usize> {
    let mut picked = Vec::new();
    let mut rest = text;
    let mut unknown = String::new();
    let flush = |unknown: &mut String, options: &mut Vec<String>, picked: &mut Vec<usize>| {
        let u = unknown.trim_matches(|c: char| is_separator(c)).to_string();
        unknown.clear();
        if u.is_empty() {
            return;
        }
        let i = options.iter().position(|o| *o == u).unwrap_or_else(|| {
            options.push(u);
            options.len() - 1
        });
        if !picked.contains(&i) {
            picked.push(i);
        }
    };
    while !rest.is_empty() {
        // An option starts at the cell's start or after a separator mark
        // (`, ` included); a space alone does not split a phrase.
        let at_boundary = unknown.is_empty()
            || unknown
                .trim_end()
                .chars()
                .last()
                .is_some_and(|c| is_separator(c) && !c.is_whitespace());
        let best = options
            .iter()
            .enumerate()
            .filter(|_| at_boundary)
            .filter(|(_, o)| !o.is_empty() && rest.starts_with(o.as_str()))
            .filter(|(_, o)| rest[o.len()..].chars().next().is_none_or(is_separator))
            .max_by_key(|(_, o)| o.len())
            .map(|(i, o)| (i, o.len()));
        match best {
            Some((i, len)) => {
                flush(&mut unknown, options, &mut picked);
                if !picked.contains(&i) {
                    picked.push(i);
                }
                rest = &rest[len..];
            }
            None => {
                let c = rest.chars().next().unwrap_or(' ');
                if !(unknown.is_empty() && is_separator(c)) {
                    unknown.push(c);
                }
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    flush(&mut unknown, options, &mut picked);
    picked
}

/// A YAML double-quoted string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value on one comment line.
fn comment_value(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the file should say about the lab it is written for.
pub struct InferOptions<'a> {
    /// The export's path relative to the lab's folder (`private/survey.csv`).
    pub file: &'a str,
    /// The sheet, where the export is a workbook with more than one.
    pub sheet: Option<&'a str>,
    /// Does the lab list participants (inline or from an export)? Without
    /// them, a respondent column could match nobody, so it is left as a
    /// comment.
    pub has_participants: bool,
}

/// The text of `survey.yaml` for `table`.
pub fn infer_survey(table: &Table, opts: &InferOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# アンケート: {file} から `labsite new survey` が作成しました。\n\
         # The survey, written by `labsite new survey` from {file}.\n\
         #\n\
         # 確認すること / check before building:\n\
         #   - 各質問の type (rating | choice | text) と choice の options\n\
         #     each question's type and a choice's options\n\
         #   - consent: 公開の同意の値を quote / aggregate に振り分ける (下記)\n\
         #     sort the consent values into quote and aggregate (below)\n\
         # 形式は SPEC §5, §10 / format: SPEC §5 and §10.",
        file = comment_value(opts.file)
    );
    let roles: Vec<Role> = table.headers.iter().map(|h| role_of(h)).collect();
    let column = |i: usize| -> Vec<&Cell> { table.rows.iter().map(|r| r.cell(i)).collect() };
    let has_values = |i: usize| table.rows.iter().any(|r| !r.cell(i).is_empty());

    let _ = writeln!(out, "questions:");
    let mut n = 0;
    let mut ignore: Vec<(String, &str)> = Vec::new();
    let mut consent: Option<usize> = None;
    for (i, role) in roles.iter().enumerate() {
        let header = normalize_header(&table.headers[i]);
        match role {
            Role::Skip => {}
            Role::Identity { .. } => ignore.push((header, "identity")),
            Role::Attribute => ignore.push((header, "attribute")),
            Role::Consent if consent.is_none() => consent = Some(i),
            Role::Consent => ignore.push((header, "consent")),
            Role::Question => {
                n += 1;
                let _ = writeln!(out, "  - id: q{n}\n    text: {}", quoted(&header));
                match guess(&column(i)) {
                    QuestionKind::Rating { scale } => {
                        let _ = writeln!(out, "    type: rating\n    scale: {scale}");
                    }
                    QuestionKind::Choice { multiple, options } => {
                        let _ = writeln!(
                            out,
                            "    type: choice\n    multiple: {multiple}\n    \
                             # 選択肢はフォームと同じ文言に。回答に現れた順です\n    \
                             # options as worded on the form, in the order they appeared\n    \
                             options:"
                        );
                        for o in options {
                            let _ = writeln!(out, "      - {}", quoted(&o));
                        }
                    }
                    QuestionKind::Text if !has_values(i) => {
                        let _ = writeln!(
                            out,
                            "    # 回答がまだないため text としました。必要なら変えてください\n    \
                             # no answers yet, so text; change the type if it is not\n    \
                             type: text"
                        );
                    }
                    QuestionKind::Text => {
                        let _ = writeln!(out, "    type: text");
                    }
                }
            }
        }
    }
    if n == 0 {
        let _ = writeln!(
            out,
            "  [] # 質問の列が見つかりません / no question columns found in the export"
        );
    }

    let _ = writeln!(out, "responses_from:\n  file: {}", quoted(opts.file));
    if let Some(sheet) = opts.sheet {
        let _ = writeln!(out, "  sheet: {}", quoted(sheet));
    }
    // The respondent: the e-mail column that holds addresses, else the
    // name column.
    let email_col = roles.iter().enumerate().position(|(i, r)| {
        matches!(r, Role::Identity { email: true, .. })
            && table
                .rows
                .iter()
                .any(|row| row.cell(i).text().contains('@'))
    });
    let name_col = roles
        .iter()
        .enumerate()
        .position(|(i, r)| matches!(r, Role::Identity { name: true, .. }) && has_values(i));
    let respondent = email_col.or(name_col);
    match respondent {
        Some(i) => {
            let header = normalize_header(&table.headers[i]);
            ignore.retain(|(h, _)| *h != header);
            let by = if Some(i) == email_col {
                "メールアドレスで参加者と照合 / matched to participants by e-mail"
            } else {
                "氏名で参加者と照合 / matched to participants by name"
            };
            if opts.has_participants {
                let _ = writeln!(out, "  # {by}\n  respondent: {}", quoted(&header));
            } else {
                let _ = writeln!(
                    out,
                    "  # 参加者 (participants / participants_from) を載せたら、次の行を有効にすると回答者と照合されます。\n  \
                     # Once the lab lists its participants, uncomment this to match each row to one;\n  \
                     # until then every response is anonymous.\n  \
                     # respondent: {}",
                    quoted(&header)
                );
                ignore.push((header, "respondent"));
            }
        }
        None => {
            let _ = writeln!(
                out,
                "  # 回答者の列がないため、回答はすべて匿名として数えます。\n  \
                 # No respondent column: every response counts as anonymous."
            );
        }
    }
    match consent {
        Some(i) => {
            let header = normalize_header(&table.headers[i]);
            let mut values: Vec<String> = Vec::new();
            for c in column(i) {
                let v = nfkc(&c.text());
                if !v.is_empty() && !values.contains(&v) {
                    values.push(v);
                }
            }
            let _ = writeln!(
                out,
                "  consent:\n    column: {}\n    \
                 # TODO: この列の値を quote (伏せて引用可)、aggregate (集計のみ)、none (使わない) に\n    \
                 # 振り分けてください。none の回答と空欄は回答ごと除外します。\n    \
                 # Sort the values of this column into quote (may be quoted, redacted),\n    \
                 # aggregate (counted only) and none (left out, as is an empty cell).\n    \
                 # 列の値 / values found:",
                quoted(&header)
            );
            if values.is_empty() {
                let _ = writeln!(out, "    #   (まだありません / none yet)");
            }
            for v in &values {
                let _ = writeln!(out, "    #   {}", quoted(v));
            }
            let _ = writeln!(out, "    quote: []\n    aggregate: []\n    none: []");
        }
        None => {
            let _ = writeln!(
                out,
                "  # TODO: 公開の同意を尋ねる列が見つかりません。同意のない回答は公開されません。\n  \
                 # フォームに同意の質問を加え、その見出しを column に書いてください。\n  \
                 # No column asks for consent, and without consent nothing is published:\n  \
                 # add a consent question to the form and give its header as `column`.\n  \
                 consent:\n    column: \"\"\n    quote: []\n    aggregate: []"
            );
        }
    }
    if !ignore.is_empty() {
        let _ = writeln!(
            out,
            "  # 読まない列: 氏名・会社名・メールなどは質問にしません (公開されないように)\n  \
             # columns not read: identity columns never become questions\n  \
             ignore:"
        );
        for (h, why) in &ignore {
            let note = match *why {
                "identity" => "  # 個人・会社の情報 / identifies a person or company",
                "attribute" => {
                    "  # 参加者の属性は participants から / attributes come from the participants"
                }
                "consent" => "  # 同意の列が複数 / a second consent column",
                _ => "",
            };
            let _ = writeln!(out, "    - {}{note}", quoted(h));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::forms::test_table as table;

    fn cells(v: &[&str]) -> Vec<Cell> {
        v.iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect()
    }

    fn g(v: &[&str]) -> QuestionKind {
        let c = cells(v);
        guess(&c.iter().collect::<Vec<_>>())
    }

    fn o(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn types_are_guessed_from_values() {
        assert_eq!(g(&["5", "4.0", "", "3"]), QuestionKind::Rating { scale: 5 });
        assert_eq!(g(&["8", "10", "7"]), QuestionKind::Rating { scale: 10 });
        assert_eq!(
            g(&["0", "10", "7", "7"]),
            QuestionKind::Choice {
                multiple: false,
                options: o(&["0", "10", "7"])
            }
        );
        // Google: an option with a comma stays whole when never split.
        assert_eq!(
            g(&["対話の継続, 振り返り", "問い, 対話の継続, 振り返り", "問い"]),
            QuestionKind::Choice {
                multiple: true,
                options: o(&["問い", "対話の継続, 振り返り"])
            }
        );
        // The option with a comma first in a cell, before a known one.
        assert_eq!(
            g(&["対話の継続, 振り返り, 問い", "対話の継続, 振り返り", "問い"]),
            QuestionKind::Choice {
                multiple: true,
                options: o(&["問い", "対話の継続, 振り返り"])
            }
        );
        // Microsoft: `;` joined, with a trailing one.
        assert_eq!(
            g(&["A;B;", "B;", "C;A;"]),
            QuestionKind::Choice {
                multiple: true,
                options: o(&["B", "A", "C"])
            }
        );
        // Four different sentences: text, not four options.
        assert_eq!(
            g(&["問いを一つに絞る", "待つ", "聴く", "任せる"]),
            QuestionKind::Text
        );
        assert_eq!(g(&[]), QuestionKind::Text);
        let many: Vec<String> = (0..13).map(|i| format!("選択{i}")).collect();
        let mut v: Vec<&str> = many.iter().map(String::as_str).collect();
        v.push("選択0");
        assert_eq!(g(&v), QuestionKind::Text);
    }

    #[test]
    fn identity_columns_never_become_questions() {
        let t = table(
            &[
                "タイムスタンプ",
                "メールアドレス",
                "お名前",
                "会社名",
                "所属部署",
                "業種",
                "本日の満足度",
                "論点",
                "回答の公開について",
                "感想",
            ],
            &[
                &[
                    "2025/11/13 20:45:12",
                    "a@x.example",
                    "山田 太郎",
                    "株式会社ヤマダ",
                    "営業部",
                    "製造業",
                    "5",
                    "問い",
                    "引用してよい",
                    "よかった",
                ],
                &[
                    "2025/11/13 20:46:12",
                    "b@x.example",
                    "架空 花子",
                    "株式会社ヤマダ",
                    "営業部",
                    "製造業",
                    "4",
                    "問い",
                    "集計のみ",
                    "",
                ],
            ],
        );
        let y = infer_survey(
            &t,
            &InferOptions {
                file: "private/s.csv",
                sheet: None,
                has_participants: true,
            },
        );
        assert!(
            y.contains("  - id: q1\n    text: \"本日の満足度\"\n    type: rating\n    scale: 5\n"),
            "{y}"
        );
        assert!(
            y.contains("  - id: q2\n    text: \"論点\"\n    type: choice\n    multiple: false\n"),
            "{y}"
        );
        assert!(
            y.contains("  - id: q3\n    text: \"感想\"\n    type: text\n"),
            "{y}"
        );
        assert!(!y.contains("q4"), "{y}");
        assert!(y.contains("  respondent: \"メールアドレス\"\n"), "{y}");
        assert!(y.contains("    column: \"回答の公開について\"\n"), "{y}");
        assert!(
            y.contains(
                "    #   \"引用してよい\"\n    #   \"集計のみ\"\n    quote: []\n    aggregate: []\n"
            ),
            "{y}"
        );
        for h in ["お名前", "会社名", "所属部署", "業種"] {
            assert!(y.contains(&format!("    - \"{h}\"")), "{h}: {y}");
        }
        // No identity value is written anywhere.
        for v in ["a@x.example", "山田", "ヤマダ", "営業部"] {
            assert!(!y.contains(v), "{v}: {y}");
        }
        // Without participants the respondent is a comment, and ignored.
        let y = infer_survey(
            &t,
            &InferOptions {
                file: "private/s.csv",
                sheet: Some("シート1"),
                has_participants: false,
            },
        );
        assert!(y.contains("  # respondent: \"メールアドレス\"\n"), "{y}");
        assert!(y.contains("    - \"メールアドレス\"\n"), "{y}");
        assert!(y.contains("  sheet: \"シート1\"\n"), "{y}");
    }

    #[test]
    fn quoting_survives_any_header() {
        assert_eq!(quoted("a\"b\\c\nd\u{7}"), "\"a\\\"b\\\\c\\nd\\u0007\"");
    }
}
