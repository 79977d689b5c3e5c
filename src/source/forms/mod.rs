//! Form exports (SPEC §10): participants and survey responses read straight
//! from the files organizers have — a Google Forms CSV, a Microsoft Forms
//! XLSX, a CSV saved again from Excel.
//!
//! The flow is the same for both kinds of export: [`table::read_table`]
//! reads the file into cells that know their row and column,
//! [`columns::map_columns`] finds each field's column by its header, and
//! [`applicants`] or [`responses`] read the rows into records. [`infer`]
//! goes the other way for `labsite new survey`: from an export to the
//! `survey.yaml` that reads it.
//!
//! Every diagnostic points at `file:row:column` with the header text and
//! never quotes a cell: a row's cells are the respondents' own words and
//! addresses, and diagnostics end up in CI logs.

pub mod applicants;
pub mod cells;
pub mod columns;
pub mod infer;
pub mod records;
pub mod responses;
pub mod table;

/// The Microsoft Forms workbook writer the integration tests and the
/// example generator use too.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../../tests/common/xlsx.rs"]
mod test_xlsx;

use std::collections::HashMap;

use chrono::NaiveDateTime;

/// Where a row stands among repeated submissions.
#[derive(Clone, Copy, Debug)]
pub struct RowOrder {
    pub row: usize,
    /// Its timestamp, when the export has one that reads.
    pub time: Option<NaiveDateTime>,
}

/// Of the items that share a key, keep the latest: by timestamp when every
/// one of them has one, else the last row. `repeated` is told the rows of
/// each repeated key and the row kept. Items without a key (anonymous
/// responses) are all kept. The order of the kept items is kept.
pub fn latest_rows<T>(
    items: Vec<(T, RowOrder)>,
    key: impl Fn(&T) -> Option<String>,
    mut repeated: impl FnMut(&[usize], usize),
) -> Vec<T> {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (i, (item, _)) in items.iter().enumerate() {
        if let Some(k) = key(item) {
            let g = groups.entry(k.clone()).or_default();
            if g.is_empty() {
                order.push(k);
            }
            g.push(i);
        }
    }
    let mut drop = vec![false; items.len()];
    for k in &order {
        let g = &groups[k];
        if g.len() < 2 {
            continue;
        }
        let orders: Vec<RowOrder> = g.iter().map(|&i| items[i].1).collect();
        let kept = if orders.iter().all(|o| o.time.is_some()) {
            g.iter()
                .copied()
                .max_by_key(|&i| (items[i].1.time, items[i].1.row))
        } else {
            g.iter().copied().max_by_key(|&i| items[i].1.row)
        };
        let Some(kept) = kept else { continue };
        let mut rows: Vec<usize> = orders.iter().map(|o| o.row).collect();
        rows.sort_unstable();
        repeated(&rows, items[kept].1.row);
        for &i in g {
            drop[i] = i != kept;
        }
    }
    items
        .into_iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|((item, _), _)| item)
        .collect()
}

/// `2 and 4`, `2, 4 and 7`.
pub fn rows_list(rows: &[usize]) -> String {
    match rows {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!(
            "{} and {last}",
            init.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A table of text cells for tests: `rows[i]` is sheet row `i + 2`.
#[cfg(test)]
pub(crate) fn test_table(headers: &[&str], rows: &[&[&str]]) -> table::Table {
    use table::{Cell, Row};
    table::Table {
        file: crate::diagnostics::SourceFile::new(
            std::path::Path::new("/"),
            std::path::Path::new("/labs/x/private/s.csv"),
            "",
        ),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        first_col: 1,
        header_row: 1,
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| Row {
                number: i + 2,
                cells: r
                    .iter()
                    .map(|c| {
                        if c.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(c.to_string())
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_of_repeated_rows_counts() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").ok();
        let items = vec![
            (
                "a",
                RowOrder {
                    row: 2,
                    time: t("2025-11-13 10:00"),
                },
            ),
            (
                "b",
                RowOrder {
                    row: 3,
                    time: t("2025-11-13 09:00"),
                },
            ),
            (
                "a",
                RowOrder {
                    row: 4,
                    time: t("2025-11-13 09:30"),
                },
            ),
            ("", RowOrder { row: 5, time: None }),
            ("", RowOrder { row: 6, time: None }),
            ("b", RowOrder { row: 7, time: None }),
        ];
        let mut told = Vec::new();
        let kept = latest_rows(
            items,
            |s| (!s.is_empty()).then(|| s.to_string()),
            |rows, kept| told.push((rows.to_vec(), kept)),
        );
        // `a` by time (row 2), `b` by row (row 7 has no time), anonymous all.
        assert_eq!(kept, vec!["a", "", "", "b"]);
        assert_eq!(told, vec![(vec![2, 4], 2), (vec![3, 7], 7)]);
        assert_eq!(rows_list(&[2, 4, 7]), "2, 4 and 7");
    }
}

/// The committed fixtures (tests/fixtures/forms/) read end to end.
#[cfg(test)]
mod fixture_tests {
    use std::path::{Path, PathBuf};

    use super::applicants::{ParticipantsFrom, read_applicants};
    use super::cells::ConsentWords;
    use super::responses::{Person, QuestionAt, ResponsesFrom, read_responses};
    use super::table::{TableRequest, read_table};
    use crate::diagnostics::{Diagnostic, Loc, Severity, SourceFile};
    use crate::source::record::{Answer, Consent, Question, QuestionKind};

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forms")
    }

    fn key() -> Loc {
        Loc::at(
            &SourceFile::new(Path::new("/"), Path::new("/lab.yaml"), "x: y\n"),
            1,
            1,
            1,
        )
    }

    fn table(path: &Path, sheet: Option<&str>) -> super::table::Table {
        read_table(&TableRequest {
            root: path.parent().unwrap(),
            path,
            file_key: key(),
            sheet: sheet.map(|s| (s, key())),
        })
        .unwrap()
    }

    fn rendered(d: &[Diagnostic]) -> String {
        d.iter().map(Diagnostic::render).collect()
    }

    fn questions() -> Vec<Question> {
        vec![
            Question {
                id: "satisfaction".into(),
                // Written on one line; the export's header has a line break.
                text: "本日のラボの満足度".into(),
                kind: QuestionKind::Rating { scale: 5 },
            },
            Question {
                id: "topics".into(),
                text: "対話で扱った論点".into(),
                kind: QuestionKind::Choice {
                    multiple: true,
                    options: vec![
                        "対話の継続, 振り返りの仕方".into(),
                        "中間管理職への対応".into(),
                        "問いの立て方".into(),
                    ],
                },
            },
            Question {
                id: "takeaway".into(),
                text: "明日からのマネジメントに生かせそうなこと".into(),
                kind: QuestionKind::Text,
            },
        ]
    }

    fn consent() -> ConsentWords {
        ConsentWords {
            quote: vec!["氏名・社名を伏せて引用してよい".into()],
            aggregate: vec!["集計にのみ使ってよい".into()],
            none: vec![],
        }
    }

    #[test]
    fn google_forms_applications_and_survey() {
        let apps = table(&fixtures().join("google_applications.csv"), None);
        let (people, d) = read_applicants(
            &apps,
            &ParticipantsFrom {
                file: "private/google_applications.csv".into(),
                file_at: key(),
                sheet: None,
                columns: vec![],
                ignore: vec!["参加の動機".into()],
            },
        );
        assert!(d.is_empty(), "{}", rendered(&d));
        assert_eq!(people.len(), 3);
        assert_eq!(people[1].id, "hanako@ishida-kensetsu.example");
        assert_eq!(people[2].company.as_deref(), Some("(株)ウエノ工業"));

        let survey = table(&fixtures().join("google_survey.csv"), None);
        let qs = questions();
        let qa: Vec<QuestionAt> = qs
            .iter()
            .map(|q| QuestionAt {
                question: q,
                text_at: key(),
            })
            .collect();
        let persons: Vec<Person> = people
            .iter()
            .map(|p| Person {
                id: &p.id,
                name: Some(&p.name),
                email: p.email.as_deref(),
            })
            .collect();
        let spec = ResponsesFrom {
            file: "private/google_survey.csv".into(),
            file_at: key(),
            sheet: None,
            respondent: Some(("メールアドレス".into(), key())),
            consent_column: ("回答の公開について".into(), key()),
            consent: consent(),
            answers: vec![],
            ignore: vec![],
        };
        let (r, d) = read_responses(&survey, &spec, &qa, &persons);
        // Only the repeated submission is mentioned.
        assert_eq!(d.len(), 1, "{}", rendered(&d));
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(
            d[0].message
                .starts_with("rows 4 and 5 of google_survey.csv"),
            "{}",
            d[0].message
        );
        assert_eq!(r.len(), 3);
        let jiro = r
            .iter()
            .find(|r| r.participant.as_deref() == Some("jiro@ueno-kogyo.example"))
            .unwrap();
        assert_eq!(jiro.row, 5);
        assert!(
            matches!(&jiro.answers[1].1, Answer::Choices(c) if c == &["対話の継続, 振り返りの仕方", "問いの立て方"])
        );
        assert!(
            matches!(&jiro.answers[2].1, Answer::Text(t) if t == "沈黙を怖がらない\n次の一言を待つ")
        );
        assert_eq!(r[1].consent, Consent::Aggregate);
    }

    #[test]
    fn a_shift_jis_csv_saved_from_excel() {
        let apps = table(&fixtures().join("excel_sjis_applications.csv"), None);
        let (people, d) = read_applicants(
            &apps,
            &ParticipantsFrom {
                file: "private/excel_sjis_applications.csv".into(),
                file_at: key(),
                sheet: None,
                columns: vec![
                    ("id".into(), "受付番号".into(), key()),
                    ("aliases".into(), "会社の略称".into(), key()),
                ],
                ignore: vec!["参加の動機".into()],
            },
        );
        assert_eq!(
            people.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["A-01", "A-02", "A-03", "A-04"]
        );
        assert_eq!(people[0].kana.as_deref(), Some("エンドウ マコト"));
        assert_eq!(people[0].aliases, ["東雲重工", "シノノメ"]);
        assert!(people[1].attended && !people[3].attended);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "row 6 of excel_sjis_applications.csv has no name, so it is skipped"
        );
    }

    /// A Microsoft Forms export as Excel gives it (tests/common/xlsx.rs),
    /// with multiple choices joined by `;` and ended by one, and US dates.
    pub(crate) fn microsoft_xlsx(path: &Path) {
        use super::test_xlsx::{Form, Submission, microsoft_forms_xlsx};
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, f64, &str, &str, &str); 4] = [
            ("2025-11-13 20:40:00", "aoki@aoki-seiki.example", "青木 一郎", 5.0, "対話の継続, 振り返りの仕方;中間管理職への対応;", "問いを一つに絞って待つ", "氏名・社名を伏せて引用してよい"),
            ("2025-11-13 20:41:00", "anonymous", "", 4.0, "中間管理職への対応;", "", "集計にのみ使ってよい"),
            ("2025-11-13 20:59:00", "aoki@aoki-seiki.example", "青木 一郎", 4.0, "問いの立て方;", "沈黙を怖がらない", "氏名・社名を伏せて引用してよい"),
            ("2025-11-13 20:42:00", "aoki@aoki-seiki.example", "青木 一郎", 3.0, "", "", ""),
        ];
        let rows: Vec<Submission> = rows
            .iter()
            .map(
                |&(done, mail, name, rating, topics, takeaway, consent)| Submission {
                    started: done.into(),
                    completed: done.into(),
                    email: mail.into(),
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
        let bytes = microsoft_forms_xlsx(
            &Form {
                sheet: Some("Sheet1"),
                date_format: "m/d/yy h:mm:ss",
                questions: &[
                    "本日のラボの満足度",
                    "対話で扱った論点",
                    "明日からのマネジメントに生かせそうなこと",
                    "回答の公開について",
                ],
            },
            &rows,
        );
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn a_microsoft_forms_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("survey.xlsx");
        microsoft_xlsx(&path);
        let survey = table(&path, Some("Sheet1"));
        let qs = questions();
        let qa: Vec<QuestionAt> = qs
            .iter()
            .map(|q| QuestionAt {
                question: q,
                text_at: key(),
            })
            .collect();
        let persons = [Person {
            id: "aoki",
            name: Some("青木一郎"),
            email: Some("aoki@aoki-seiki.example"),
        }];
        let spec = ResponsesFrom {
            file: "private/survey.xlsx".into(),
            file_at: key(),
            sheet: Some(("Sheet1".into(), key())),
            respondent: Some(("名前".into(), key())),
            consent_column: ("回答の公開について".into(), key()),
            consent: consent(),
            answers: vec![],
            ignore: vec!["メール".into()],
        };
        let (r, d) = read_responses(&survey, &spec, &qa, &persons);
        assert_eq!(d.len(), 1, "{}", rendered(&d));
        // Row 4 completed last, though row 5 is below it.
        assert_eq!(
            d[0].message,
            "rows 2, 4 and 5 of survey.xlsx are from one respondent; row 4, the latest, counts"
        );
        assert_eq!(d[0].location_label().unwrap(), "survey.xlsx:4:E");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].row, 3);
        assert_eq!(r[0].participant, None);
        assert_eq!(r[1].row, 4);
        assert!(matches!(&r[1].answers[0].1, Answer::Rating(4)));
        assert!(matches!(&r[1].answers[1].1, Answer::Choices(c) if c == &["問いの立て方"]));

        // The first row's choices, `;`-joined around an option with a comma.
        let first = &survey.rows[0];
        let c = super::cells::choices(
            first.cell(7),
            match &qs[1].kind {
                QuestionKind::Choice { options, .. } => options,
                _ => unreachable!(),
            },
            true,
        );
        assert_eq!(
            c,
            Ok(vec![
                "対話の継続, 振り返りの仕方".to_string(),
                "中間管理職への対応".to_string()
            ])
        );
    }
}
