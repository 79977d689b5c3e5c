//! `participants_from`: the applications export as participants.
//!
//! Each row is an applicant. Its id is the `id` column where one is mapped,
//! else the lower-cased e-mail. A row without a name is skipped (with a
//! warning); one with neither an e-mail nor an id is an error; the same
//! applicant in several rows counts once, the latest submission winning.
//! Messages name an applicant by file and row only: the id may be an
//! e-mail, and these messages end up in CI logs.

use super::cells;
use super::columns::{Target, map_columns, participant_defaults};
use super::table::Table;
use super::{RowOrder, latest_rows};
use crate::diagnostics::{Diagnostic, Loc, printable};

/// The fields a column can be mapped to in `participants_from.columns`.
pub const PARTICIPANT_FIELDS: [&str; 10] = [
    "name",
    "kana",
    "company",
    "email",
    "industry",
    "role",
    "aliases",
    "nicknames",
    "attended",
    "id",
];

/// `participants_from` as written in `lab.yaml`.
#[derive(Clone, Debug)]
pub struct ParticipantsFrom {
    /// Relative to the lab's folder.
    pub file: String,
    pub file_at: Loc,
    pub sheet: Option<(String, Loc)>,
    /// Field → header, with the entry's place.
    pub columns: Vec<(String, String, Loc)>,
    pub ignore: Vec<String>,
}

/// A participant read from a row of an export. Private, like every
/// participant.
#[derive(Clone, Debug, PartialEq)]
pub struct Applicant {
    /// The row it was read from (the latest, when repeated).
    pub row: usize,
    pub id: String,
    pub name: String,
    pub kana: Option<String>,
    pub nicknames: Vec<String>,
    pub company: Option<String>,
    pub aliases: Vec<String>,
    pub email: Option<String>,
    pub industry: Option<String>,
    pub role: Option<String>,
    pub attended: bool,
}

/// Read the applicants of `table` as `spec` maps its columns.
pub fn read_applicants(
    table: &Table,
    spec: &ParticipantsFrom,
) -> (Vec<Applicant>, Vec<Diagnostic>) {
    let targets: Vec<Target> = PARTICIPANT_FIELDS
        .iter()
        .map(|&f| Target {
            key: f.to_string(),
            label: format!("`{f}`"),
            explicit: spec
                .columns
                .iter()
                .find(|(field, _, _)| field == f)
                .map(|(_, h, at)| (h.clone(), at.clone())),
            defaults: participant_defaults(f)
                .iter()
                .map(|s| s.to_string())
                .collect(),
            required_at: None,
        })
        .collect();
    let (map, mut diags) = map_columns(table, &targets, &spec.ignore);
    let file = printable(table.file_name()).into_owned();
    let text = |row: &super::table::Row, field: &str| -> Option<String> {
        let c = map.get(field)?;
        let t = row.cell(c).text().into_owned();
        (!t.is_empty()).then_some(t)
    };
    if map.get("name").is_none() {
        let d = Diagnostic::error(
            format!("{file} has no name column"),
            Some(spec.file_at.clone()),
        )
        .with_help(
            "map the column under `columns: name:` (the defaults are 氏名, お名前, 名前 and Name)",
        );
        diags.push(d);
        return (Vec::new(), diags);
    }
    let mut read: Vec<(Applicant, RowOrder)> = Vec::new();
    for row in &table.rows {
        let Some(name) = text(row, "name") else {
            diags.push(
                Diagnostic::warning(
                    format!("row {} of {file} has no name, so it is skipped", row.number),
                    Some(table.loc(row.number, map.get("name").unwrap_or(0))),
                )
                .with_help("a participant needs a name; fill it in or delete the row"),
            );
            continue;
        };
        let email = text(row, "email");
        let id = text(row, "id").or_else(|| email.as_ref().map(|e| e.to_lowercase()));
        let Some(id) = id else {
            let col = map.get("email").or(map.get("id")).unwrap_or(0);
            diags.push(
                Diagnostic::error(
                    format!("row {} of {file} has neither an e-mail nor an id", row.number),
                    Some(table.loc(row.number, col)),
                )
                .with_help(
                    "every participant needs an id: collect e-mail addresses in the form, or map an id column under `columns: id:`",
                ),
            );
            continue;
        };
        let attended = match map.get("attended") {
            None => true,
            Some(c) => match cells::attended(row.cell(c)) {
                Ok(a) => a,
                Err(cells::DoesNotFit) => {
                    diags.push(
                        Diagnostic::error(
                            format!(
                                "row {} of {file}: column {} does not say whether the participant attended",
                                row.number,
                                table.column_label(c)
                            ),
                            Some(table.loc(row.number, c)),
                        )
                        .with_help(format!("expected {}", cells::ATTENDED_VALUES)),
                    );
                    true
                }
            },
        };
        let list = |field: &str| {
            map.get(field)
                .map(|c| cells::list(row.cell(c)))
                .unwrap_or_default()
        };
        let order = RowOrder {
            row: row.number,
            time: map.timestamp.and_then(|c| cells::timestamp(row.cell(c))),
        };
        read.push((
            Applicant {
                row: row.number,
                id,
                name,
                kana: text(row, "kana"),
                nicknames: list("nicknames"),
                company: text(row, "company"),
                aliases: list("aliases"),
                email,
                industry: text(row, "industry"),
                role: text(row, "role"),
                attended,
            },
            order,
        ));
    }
    let kept = latest_rows(
        read,
        |a| Some(a.id.clone()),
        |rows, kept| {
            let col = map.get("id").or(map.get("email")).unwrap_or(0);
            diags.push(
            Diagnostic::warning(
                format!(
                    "rows {} of {file} are one applicant; row {kept}, the latest, counts",
                    super::rows_list(rows)
                ),
                Some(table.loc(kept, col)),
            )
            .with_help("a repeated application replaces the earlier one; delete the rows that do not count to silence this"),
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

    fn spec(columns: &[(&str, &str)], ignore: &[&str]) -> ParticipantsFrom {
        let f = SourceFile::new(Path::new("/"), Path::new("/lab.yaml"), "x: y\n");
        ParticipantsFrom {
            file: "private/applications.csv".into(),
            file_at: Loc::at(&f, 1, 4, 1),
            sheet: None,
            columns: columns
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string(), Loc::at(&f, 1, 1, 1)))
                .collect(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn applicants_by_default_columns() {
        let t = table(
            &[
                "タイムスタンプ",
                "お名前",
                "ふりがな",
                "メールアドレス",
                "会社名",
                "業種",
                "役職",
                "出欠",
                "参加の動機",
            ],
            &[
                &[
                    "2025/11/01 10:00:00",
                    "山田 太郎",
                    "やまだ たろう",
                    "Taro@Yamada.example",
                    "株式会社ヤマダ製作所",
                    "製造業",
                    "課長",
                    "○",
                    "x",
                ],
                &[
                    "2025/11/02 10:00:00",
                    "",
                    "",
                    "nobody@x.example",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "2025/11/03 10:00:00",
                    "佐伯 直樹",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "欠席",
                    "",
                ],
                &[
                    "2025/11/04 10:00:00",
                    "架空 花子",
                    "",
                    "h@k.example",
                    "",
                    "",
                    "",
                    "たぶん",
                    "",
                ],
            ],
        );
        let (a, d) = read_applicants(&t, &spec(&[], &["参加の動機"]));
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].id, "taro@yamada.example");
        assert_eq!(a[0].email.as_deref(), Some("Taro@Yamada.example"));
        assert_eq!(a[0].kana.as_deref(), Some("やまだ たろう"));
        assert_eq!(a[0].industry.as_deref(), Some("製造業"));
        assert!(a[0].attended);
        assert_eq!(a[1].row, 5);
        let mut seen: Vec<(Severity, String, String)> = d
            .iter()
            .map(|d| (d.severity, d.location_label().unwrap(), d.message.clone()))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            vec![
                (Severity::Error, "labs/x/private/s.csv:4:D".into(), "row 4 of s.csv has neither an e-mail nor an id".into()),
                (Severity::Error, "labs/x/private/s.csv:5:H".into(), "row 5 of s.csv: column H (`出欠`) does not say whether the participant attended".into()),
                (Severity::Warning, "labs/x/private/s.csv:3:B".into(), "row 3 of s.csv has no name, so it is skipped".into()),
            ]
        );
        // No message quotes a cell.
        for d in &d {
            let r = d.render();
            for cell in ["nobody", "佐伯", "架空", "たぶん", "taro"] {
                assert!(!r.contains(cell), "{r}");
            }
        }
    }

    #[test]
    fn explicit_columns_ids_lists_and_repeats() {
        let t = table(
            &[
                "Timestamp",
                "受付番号",
                "氏名",
                "会社の略称",
                "呼び名",
                "Email",
            ],
            &[
                &[
                    "11/13/2025 09:00:00",
                    "A-1",
                    "山田 太郎",
                    "ヤマダ、Yamada Works",
                    "タロさん",
                    "",
                ],
                &[
                    "11/13/2025 08:00:00",
                    "A-2",
                    "架空 花子",
                    "",
                    "",
                    "h@k.example",
                ],
                &["11/12/2025 09:00:00", "A-1", "山田 太郎", "", "", ""],
            ],
        );
        let (a, d) = read_applicants(
            &t,
            &spec(
                &[
                    ("id", "受付番号"),
                    ("aliases", "会社の略称"),
                    ("nicknames", "呼び名"),
                ],
                &[],
            ),
        );
        assert_eq!(
            a.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            vec!["A-1", "A-2"]
        );
        // Row 2 is later than row 4 by its timestamp, though above it.
        assert_eq!(a[0].row, 2);
        assert_eq!(a[0].aliases, vec!["ヤマダ", "Yamada Works"]);
        assert_eq!(a[0].nicknames, vec!["タロさん"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "rows 2 and 4 of s.csv are one applicant; row 2, the latest, counts"
        );
        assert!(!d[0].render().contains("A-1"));
    }

    #[test]
    fn no_name_column_is_an_error_at_the_file_key() {
        let t = table(&["Email"], &[&["a@b.example"]]);
        let (a, d) = read_applicants(&t, &spec(&[], &[]));
        assert!(a.is_empty());
        assert_eq!(d[0].location_label().unwrap(), "lab.yaml:1:4");
    }
}
