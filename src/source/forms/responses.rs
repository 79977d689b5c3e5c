//! `survey.responses_from`: the survey export as responses.
//!
//! Each row is a response. Its respondent is found by e-mail or name in the
//! `respondent` column (none, or an empty cell: anonymous, counted and
//! quotable by its consent, attributed to nobody). Its consent comes from
//! the organizer's own wording in the consent column. Each question's
//! answer is read from the column whose header is the question's text, or
//! the one named under `answers`.

use std::collections::HashMap;

use super::cells::{self, ChoiceError, ConsentWords};
use super::columns::{Target, map_columns};
use super::table::Table;
use super::{RowOrder, latest_rows};
use crate::diagnostics::{Diagnostic, Loc, printable};
use crate::source::record::{Answer, Consent, Question, QuestionKind};

/// `survey.responses_from` as written.
#[derive(Clone, Debug)]
pub struct ResponsesFrom {
    /// Relative to the lab's folder.
    pub file: String,
    pub file_at: Loc,
    pub sheet: Option<(String, Loc)>,
    pub respondent: Option<(String, Loc)>,
    /// `consent.column`, and the place of `consent`.
    pub consent_column: (String, Loc),
    pub consent: ConsentWords,
    /// Question id → header, with the entry's place.
    pub answers: Vec<(String, String, Loc)>,
    pub ignore: Vec<String>,
}

/// A question of the survey, and where its `text` is written (a missing
/// column is reported there).
pub struct QuestionAt<'a> {
    pub question: &'a Question,
    pub text_at: Loc,
}

/// A participant as a respondent is matched against.
pub struct Person<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
}

/// A response read from a row.
#[derive(Clone, Debug)]
pub struct FormResponse {
    pub row: usize,
    /// The participant's id; `None` for an anonymous response.
    pub participant: Option<String>,
    pub consent: Consent,
    /// By question id, in the order of the questions.
    pub answers: Vec<(String, Answer)>,
}

/// How a name is compared: NFKC, white space removed.
pub fn name_key(s: &str) -> String {
    cells::nfkc(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

const CONSENT: &str = "\u{0}consent";
const RESPONDENT: &str = "\u{0}respondent";

pub fn read_responses(
    table: &Table,
    spec: &ResponsesFrom,
    questions: &[QuestionAt],
    people: &[Person],
) -> (Vec<FormResponse>, Vec<Diagnostic>) {
    let mut targets = vec![Target {
        key: CONSENT.into(),
        label: "the consent".into(),
        explicit: Some(spec.consent_column.clone()),
        defaults: Vec::new(),
        required_at: Some(spec.consent_column.1.clone()),
    }];
    if let Some(r) = &spec.respondent {
        targets.push(Target {
            key: RESPONDENT.into(),
            label: "the respondent".into(),
            explicit: Some(r.clone()),
            defaults: Vec::new(),
            required_at: Some(r.1.clone()),
        });
    }
    for q in questions {
        let id = &q.question.id;
        let explicit = spec
            .answers
            .iter()
            .find(|(qid, _, _)| qid == id)
            .map(|(_, h, at)| (h.clone(), at.clone()));
        targets.push(Target {
            key: id.clone(),
            label: format!("the question `{id}`"),
            required_at: Some(explicit.as_ref().map_or(q.text_at.clone(), |e| e.1.clone())),
            explicit,
            defaults: vec![q.question.text.clone()],
        });
    }
    let (map, mut diags) = map_columns(table, &targets, &spec.ignore);
    let file = printable(table.file_name()).into_owned();

    let mut by_email: HashMap<String, Vec<&str>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<&str>> = HashMap::new();
    for p in people {
        if let Some(e) = p.email {
            by_email
                .entry(e.trim().to_lowercase())
                .or_default()
                .push(p.id);
        }
        if let Some(n) = p.name {
            by_name.entry(name_key(n)).or_default().push(p.id);
        }
    }

    let mut unknown_consent: Vec<String> = Vec::new();
    let mut read: Vec<(FormResponse, RowOrder)> = Vec::new();
    for row in &table.rows {
        let mut participant = None;
        if let Some(c) = map.get(RESPONDENT) {
            let v = row.cell(c).text();
            let v = v.trim();
            // Microsoft Forms writes `anonymous` for a response sent
            // without signing in: no respondent, like an empty cell.
            if !v.is_empty() && !v.eq_ignore_ascii_case("anonymous") {
                let (found, by) = if v.contains('@') {
                    (by_email.get(&v.to_lowercase()), "e-mail")
                } else {
                    (by_name.get(&name_key(v)), "name")
                };
                match found.map(Vec::as_slice) {
                    Some([id]) => participant = Some(id.to_string()),
                    Some([_, _, ..]) => {
                        diags.push(
                            Diagnostic::error(
                                format!(
                                    "row {} of {file}: the respondent in column {} matches several participants by {by}",
                                    row.number,
                                    table.column_label(c)
                                ),
                                Some(table.loc(row.number, c)),
                            )
                            .with_help("match respondents by e-mail: collect e-mail addresses in the form and name that column under `respondent`"),
                        );
                        continue;
                    }
                    _ => {
                        diags.push(
                            Diagnostic::error(
                                format!(
                                    "row {} of {file}: the respondent in column {} matches no participant of the lab",
                                    row.number,
                                    table.column_label(c)
                                ),
                                Some(table.loc(row.number, c)),
                            )
                            .with_help(format!(
                                "expected the {by} of a participant (inline or from `participants_from`); add the participant, or clear the cell to count the response as anonymous"
                            )),
                        );
                        continue;
                    }
                }
            }
        }
        let consent = match map.get(CONSENT) {
            Some(c) => {
                let (consent, unknown) = spec.consent.read(row.cell(c));
                if let Some(u) = unknown
                    && !unknown_consent.contains(&u)
                {
                    unknown_consent.push(u);
                }
                consent
            }
            None => Consent::None,
        };
        let mut answers = Vec::new();
        for q in questions {
            let q = q.question;
            let Some(c) = map.get(&q.id) else { continue };
            let cell = row.cell(c);
            if cell.is_empty() {
                continue;
            }
            let at = || Some(table.loc(row.number, c));
            let head = || {
                format!(
                    "row {} of {file}: column {}",
                    row.number,
                    table.column_label(c)
                )
            };
            match &q.kind {
                QuestionKind::Rating { scale } => match cells::rating(cell, *scale) {
                    Ok(Some(n)) => answers.push((q.id.clone(), Answer::Rating(n))),
                    Ok(None) => {}
                    Err(cells::DoesNotFit) => diags.push(
                        Diagnostic::error(
                            format!("{} is not a rating of `{}`", head(), q.id),
                            at(),
                        )
                        .with_help(format!("expected a whole number from 1 to {scale}")),
                    ),
                },
                QuestionKind::Choice { multiple, options } => {
                    match cells::choices(cell, options, *multiple) {
                        Ok(picked) if picked.is_empty() => {}
                        Ok(picked) => answers.push((q.id.clone(), Answer::Choices(picked))),
                        Err(ChoiceError::NoOption { part, nearest }) => {
                            let help = match nearest {
                                Some(n) => format!(
                                    "did you mean the option `{n}`? Correct the option in the survey's questions to match the form"
                                ),
                                None => format!(
                                    "the options of `{}` are {}; a free-text answer (「その他」) cannot be counted: add it as an option, or clear it in the export",
                                    q.id,
                                    options
                                        .iter()
                                        .map(|o| format!("`{o}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            };
                            diags.push(
                                Diagnostic::error(
                                    format!(
                                        "{}: choice {} matches no option of `{}`",
                                        head(),
                                        part + 1,
                                        q.id
                                    ),
                                    at(),
                                )
                                .with_help(help),
                            );
                        }
                        Err(ChoiceError::SeveralForOne { picked }) => diags.push(
                            Diagnostic::error(
                                format!("{}: `{}` takes one choice, found {picked}", head(), q.id),
                                at(),
                            )
                            .with_help(
                                "set `multiple: true` on the question if the form allows several",
                            ),
                        ),
                    }
                }
                QuestionKind::Text => {
                    let t = cell.text().trim().to_string();
                    if !t.is_empty() {
                        answers.push((q.id.clone(), Answer::Text(t)));
                    }
                }
            }
        }
        let time = map.timestamp.and_then(|c| cells::timestamp(row.cell(c)));
        read.push((
            FormResponse {
                row: row.number,
                participant,
                consent,
                answers,
            },
            RowOrder {
                row: row.number,
                time,
            },
        ));
    }
    if !unknown_consent.is_empty()
        && let Some(c) = map.get(CONSENT)
    {
        diags.push(
            Diagnostic::warning(
                format!(
                    "column {} of {file} holds values listed under none of `quote`, `aggregate` and `none`, so those responses are left out: {}",
                    table.column_label(c),
                    unknown_consent
                        .iter()
                        .map(|v| format!("`{}`", printable(v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(table.header_loc(c)),
            )
            .with_help("list each value under `consent: quote:`, `consent: aggregate:` or `consent: none:` (a value listed nowhere counts as none)"),
        );
    }
    let kept = latest_rows(
        read,
        |r| r.participant.clone(),
        |rows, kept| {
            diags.push(
                Diagnostic::warning(
                    format!(
                        "rows {} of {file} are from one respondent; row {kept}, the latest, counts",
                        super::rows_list(rows)
                    ),
                    Some(table.loc(kept, map.get(RESPONDENT).unwrap_or(0))),
                )
                .with_help("a repeated submission replaces the earlier one; delete the rows that do not count to silence this"),
            );
        },
    );
    (kept, diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Severity, SourceFile};
    use crate::source::forms::test_table as table;
    use std::path::Path;

    fn yaml() -> std::sync::Arc<SourceFile> {
        SourceFile::new(Path::new("/"), Path::new("/labs/x/lab.yaml"), "a: b\n")
    }

    fn questions() -> Vec<Question> {
        vec![
            Question {
                id: "satisfaction".into(),
                text: "本日のラボの満足度".into(),
                kind: QuestionKind::Rating { scale: 5 },
            },
            Question {
                id: "topics".into(),
                text: "対話で扱った論点".into(),
                kind: QuestionKind::Choice {
                    multiple: true,
                    options: vec!["対話の継続, 振り返り".into(), "中間管理職への対応".into()],
                },
            },
            Question {
                id: "takeaway".into(),
                text: "明日からのマネジメントに生かせそうなこと".into(),
                kind: QuestionKind::Text,
            },
        ]
    }

    fn spec(respondent: Option<&str>) -> ResponsesFrom {
        let f = yaml();
        ResponsesFrom {
            file: "private/s.csv".into(),
            file_at: Loc::at(&f, 1, 1, 1),
            sheet: None,
            respondent: respondent.map(|r| (r.to_string(), Loc::at(&f, 2, 1, 1))),
            consent_column: ("回答の公開について".into(), Loc::at(&f, 3, 1, 1)),
            consent: ConsentWords {
                quote: vec!["引用してよい".into()],
                aggregate: vec!["集計のみ".into()],
                none: vec![],
            },
            answers: vec![(
                "takeaway".into(),
                "明日から試したいこと(自由記述)".into(),
                Loc::at(&f, 4, 1, 1),
            )],
            ignore: vec![],
        }
    }

    fn read(t: &Table, respondent: Option<&str>) -> (Vec<FormResponse>, Vec<Diagnostic>) {
        let qs = questions();
        let f = yaml();
        let qa: Vec<QuestionAt> = qs
            .iter()
            .map(|q| QuestionAt {
                question: q,
                text_at: Loc::at(&f, 9, 9, 1),
            })
            .collect();
        let people = [
            Person {
                id: "p1",
                name: Some("山田 太郎"),
                email: Some("Taro@Yamada.example"),
            },
            Person {
                id: "p2",
                name: Some("架空　花子"),
                email: None,
            },
        ];
        read_responses(t, &spec(respondent), &qa, &people)
    }

    const HEAD: [&str; 6] = [
        "タイムスタンプ",
        "メールアドレス",
        "本日のラボの\n満足度",
        "対話で扱った論点",
        "明日から試したいこと(自由記述)",
        "回答の公開について",
    ];

    #[test]
    fn rows_become_responses() {
        let t = table(
            &HEAD,
            &[
                &[
                    "2025/11/13 20:45:12",
                    " taro@yamada.EXAMPLE ",
                    "4",
                    "対話の継続, 振り返り, 中間管理職への対応",
                    "問いを一つに",
                    "引用してよい",
                ],
                &["2025/11/13 20:50:00", "架空花子", "5.0", "", "", "集計のみ"],
                &[
                    "2025/11/13 20:55:00",
                    "",
                    "3",
                    "中間管理職への対応",
                    "匿名の感想",
                    "まだ決めていない",
                ],
                &[
                    "2025/11/13 20:40:00",
                    "taro@yamada.example",
                    "1",
                    "",
                    "",
                    "引用してよい",
                ],
                &[
                    "2025/11/13 21:00:00",
                    "Anonymous",
                    "2",
                    "",
                    "",
                    "使わないで",
                ],
            ],
        );
        let (r, d) = read(&t, Some("メールアドレス"));
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].participant.as_deref(), Some("p1"));
        assert_eq!(r[0].consent, Consent::Quote);
        assert!(matches!(r[0].answers[0].1, Answer::Rating(4)));
        match &r[0].answers[1].1 {
            Answer::Choices(c) => assert_eq!(c, &["対話の継続, 振り返り", "中間管理職への対応"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(&r[0].answers[2].1, Answer::Text(t) if t == "問いを一つに"));
        assert_eq!(r[1].participant.as_deref(), Some("p2"));
        assert_eq!(r[1].consent, Consent::Aggregate);
        assert_eq!(r[1].answers.len(), 1);
        assert_eq!(r[2].participant, None);
        assert_eq!(r[2].consent, Consent::None);
        let msgs: Vec<_> = d
            .iter()
            .map(|d| (d.severity, d.location_label().unwrap(), d.message.clone()))
            .collect();
        assert_eq!(
            msgs,
            vec![
                (Severity::Warning, "labs/x/private/s.csv:1:F".into(), "column F (`回答の公開について`) of s.csv holds values listed under none of `quote`, `aggregate` and `none`, so those responses are left out: `まだ決めていない`, `使わないで`".into()),
                (Severity::Warning, "labs/x/private/s.csv:2:B".into(), "rows 2 and 5 of s.csv are from one respondent; row 2, the latest, counts".into()),
            ]
        );
    }

    #[test]
    fn cell_errors_name_the_cell_and_never_its_text() {
        let t = table(
            &HEAD,
            &[
                &["", "someone@else.example", "4", "", "", ""],
                &["", "", "とても良い", "", "", ""],
                &["", "", "", "中間管理職への対応, 社外秘の自由記述", "", ""],
                &["", "", "", "中間管理職の対応", "", ""],
                &["", "佐伯 直樹", "", "", "", ""],
            ],
        );
        let (r, d) = read(&t, Some("メールアドレス"));
        assert_eq!(r.len(), 3);
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.location_label().unwrap(), d.message.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("labs/x/private/s.csv:2:B".into(), "row 2 of s.csv: the respondent in column B (`メールアドレス`) matches no participant of the lab".into()),
                ("labs/x/private/s.csv:3:C".into(), "row 3 of s.csv: column C (`本日のラボの 満足度`) is not a rating of `satisfaction`".into()),
                ("labs/x/private/s.csv:4:D".into(), "row 4 of s.csv: column D (`対話で扱った論点`): choice 2 matches no option of `topics`".into()),
                ("labs/x/private/s.csv:5:D".into(), "row 5 of s.csv: column D (`対話で扱った論点`): choice 1 matches no option of `topics`".into()),
                ("labs/x/private/s.csv:6:B".into(), "row 6 of s.csv: the respondent in column B (`メールアドレス`) matches no participant of the lab".into()),
            ]
        );
        assert_eq!(
            d[3].help.as_deref().unwrap().split('?').next().unwrap(),
            "did you mean the option `中間管理職への対応`"
        );
        for d in &d {
            let r = d.render();
            for secret in ["someone", "とても", "社外秘", "佐伯"] {
                assert!(!r.contains(secret), "{r}");
            }
        }
    }

    #[test]
    fn without_a_respondent_column_every_response_is_anonymous() {
        let t = table(
            &HEAD,
            &[
                &["", "taro@yamada.example", "4", "", "", "引用してよい"],
                &["", "taro@yamada.example", "4", "", "", "引用してよい"],
            ],
        );
        let (r, d) = read(&t, None);
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|r| r.participant.is_none()));
        // The e-mail column is then a column nothing reads.
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("B (`メールアドレス`)"));
    }

    #[test]
    fn missing_columns_point_at_the_yaml() {
        let t = table(&["本日のラボの満足度は", "回答の公開"], &[]);
        let (_, d) = read(&t, Some("メール"));
        let got: Vec<_> = d
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.location_label().unwrap(), d.message.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("labs/x/lab.yaml:3:1".into(), "s.csv has no column `回答の公開について` for the consent".into()),
                ("labs/x/lab.yaml:2:1".into(), "s.csv has no column `メール` for the respondent".into()),
                ("labs/x/lab.yaml:4:1".into(), "s.csv has no column `明日から試したいこと(自由記述)` for the question `takeaway`".into()),
                ("labs/x/lab.yaml:9:9".into(), "s.csv has no column for the question `satisfaction`".into()),
                ("labs/x/lab.yaml:9:9".into(), "s.csv has no column for the question `topics`".into()),
            ]
        );
        assert!(
            d[3].help
                .as_deref()
                .unwrap()
                .contains("`本日のラボの満足度は`")
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `回答の公開`?"));
    }
}
