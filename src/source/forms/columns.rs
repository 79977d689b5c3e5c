//! Which column of an export holds which field.
//!
//! Headers are compared after NFKC, trimming and collapsing white space and
//! line breaks (Google Forms copies the question verbatim into the header,
//! line breaks and all). An explicit entry (`columns`, `answers`,
//! `respondent`, `consent.column`) wins for its field; the defaults of
//! SPEC §10 fill the rest; timestamp and bookkeeping columns are skipped;
//! every other column is a warning naming it, so a question added to the
//! form but not to the lab does not go unnoticed.

use std::collections::HashMap;

use super::table::Table;
use crate::diagnostics::{Diagnostic, Loc, nearest, printable};

pub use super::table::{header_key, normalize_header};

/// Columns no field reads: the forms' own bookkeeping.
pub const BOOKKEEPING: [&str; 9] = [
    "タイムスタンプ",
    "Timestamp",
    "ID",
    "開始時刻",
    "完了時刻",
    "最終変更時刻",
    "Start time",
    "Completion time",
    "Last modified time",
];

/// The columns whose time orders repeated submissions, best first
/// (Microsoft's completion time, then Google's timestamp).
pub const TIMESTAMPS: [&str; 4] = ["完了時刻", "Completion time", "タイムスタンプ", "Timestamp"];

/// The default headers of the participant fields (SPEC §10).
pub fn participant_defaults(field: &str) -> &'static [&'static str] {
    match field {
        "name" => &["氏名", "お名前", "名前", "Name"],
        "kana" => &["ふりがな", "フリガナ", "よみがな"],
        "company" => &["会社名", "企業名", "勤務先", "Company"],
        "email" => &[
            "メールアドレス",
            "メール",
            "Eメール",
            "E-mail",
            "Email",
            "Email Address",
        ],
        "industry" => &["業種", "Industry"],
        "role" => &["役職", "Role"],
        "attended" => &["出欠", "出席", "Attended"],
        _ => &[],
    }
}

/// One field a column may be found for.
#[derive(Clone, Debug)]
pub struct Target {
    /// The field (`name`) or question id (`q1`).
    pub key: String,
    /// How messages name it: "the question `satisfaction`", "`name`".
    pub label: String,
    /// An explicit header, and the YAML entry that gave it.
    pub explicit: Option<(String, Loc)>,
    /// Headers that map to it by default.
    pub defaults: Vec<String>,
    /// Where to point when a required column is missing (the explicit entry
    /// or, for a question, its `text`); `None`: the field is optional.
    pub required_at: Option<Loc>,
}

/// The outcome: each target's column (0-based in the table).
#[derive(Clone, Debug, Default)]
pub struct ColumnMap {
    pub columns: HashMap<String, usize>,
    /// The timestamp column that orders repeated rows, where there is one.
    pub timestamp: Option<usize>,
}

impl ColumnMap {
    pub fn get(&self, key: &str) -> Option<usize> {
        self.columns.get(key).copied()
    }
}

/// Map `targets` onto the columns of `table`. `ignore` lists headers to
/// skip silently. Diagnostics: a missing explicit or required column, two
/// headers for one field (both named, the first suggested), and a warning
/// for each column nothing reads.
pub fn map_columns(
    table: &Table,
    targets: &[Target],
    ignore: &[String],
) -> (ColumnMap, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let keys: Vec<String> = table.headers.iter().map(|h| header_key(h)).collect();
    let shown: Vec<String> = table.headers.iter().map(|h| normalize_header(h)).collect();
    let file = printable(table.file_name()).into_owned();
    let ignore: Vec<String> = ignore.iter().map(|h| header_key(h)).collect();
    let bookkeeping: Vec<String> = BOOKKEEPING.iter().map(|h| header_key(h)).collect();
    let mut claimed: Vec<Option<usize>> = vec![None; keys.len()];
    let mut map = ColumnMap::default();

    let nearest_header = |want: &str| -> Option<String> {
        let cands: Vec<&str> = shown
            .iter()
            .enumerate()
            .filter(|(i, k)| !k.is_empty() && !bookkeeping.contains(&keys[*i]))
            .map(|(_, s)| s.as_str())
            .collect();
        nearest(&normalize_header(want), &cands).map(str::to_string)
    };
    let two_headers = |label: &str, first: usize, second: usize| {
        Diagnostic::error(
            format!(
                "two columns of {file} match {label}: {} and {}",
                table.column_label(first),
                table.column_label(second)
            ),
            Some(table.header_loc(second)),
        )
        .with_help(format!(
            "name the one to read (e.g. `{}`) in the lab's column entries, and list the other under `ignore`",
            shown[first]
        ))
    };

    // Explicit entries first: they win over every default.
    for (ti, t) in targets.iter().enumerate() {
        let Some((header, at)) = &t.explicit else {
            continue;
        };
        let want = header_key(header);
        let found: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] == want).collect();
        match found.as_slice() {
            [] => {
                let mut d = Diagnostic::error(
                    format!(
                        "{file} has no column `{}` for {}",
                        printable(&normalize_header(header)),
                        t.label
                    ),
                    Some(at.clone()),
                );
                d = match nearest_header(header) {
                    Some(n) => d.with_help(format!("did you mean `{n}`?")),
                    None => d.with_help(format!(
                        "give a header of row {} of {file} as it is written",
                        table.header_row
                    )),
                };
                diags.push(d);
            }
            [one, rest @ ..] => {
                if let Some(&second) = rest.first() {
                    diags.push(two_headers(&t.label, *one, second));
                }
                if claimed[*one].is_none() {
                    claimed[*one] = Some(ti);
                    map.columns.insert(t.key.clone(), *one);
                }
            }
        }
    }
    // Defaults for the rest, among the columns nothing claimed or ignored.
    for (ti, t) in targets.iter().enumerate() {
        if t.explicit.is_some() {
            continue;
        }
        let defaults: Vec<String> = t.defaults.iter().map(|h| header_key(h)).collect();
        let found: Vec<usize> = (0..keys.len())
            .filter(|&i| claimed[i].is_none() && !ignore.contains(&keys[i]))
            .filter(|&i| defaults.contains(&keys[i]))
            .collect();
        match found.as_slice() {
            [] => {
                if let Some(at) = &t.required_at {
                    let want = t.defaults.first().map_or("", String::as_str);
                    let mut d = Diagnostic::error(
                        format!("{file} has no column for {}", t.label),
                        Some(at.clone()),
                    )
                    .with_note(
                        format!(
                            "a column is found by its header in row {} of {file}",
                            table.header_row
                        ),
                        None,
                    );
                    d = match nearest_header(want) {
                        Some(n) => d.with_help(format!(
                            "did you mean the column `{n}`? Name it in the lab's `answers` (or `columns`), or make the text match the header"
                        )),
                        None => d.with_help(format!(
                            "add the column to the form, or map another header to {} in the lab's `answers` (or `columns`)",
                            t.label
                        )),
                    };
                    diags.push(d);
                }
            }
            [one, rest @ ..] => {
                for &second in rest {
                    diags.push(two_headers(&t.label, *one, second));
                }
                claimed[*one] = Some(ti);
                map.columns.insert(t.key.clone(), *one);
            }
        }
    }
    // The timestamp that orders repeated rows.
    for want in TIMESTAMPS {
        let want = header_key(want);
        if let Some(i) = keys.iter().position(|k| *k == want) {
            map.timestamp = Some(i);
            break;
        }
    }
    // Whatever is left is named.
    for (i, k) in keys.iter().enumerate() {
        if claimed[i].is_some() || ignore.contains(k) || bookkeeping.contains(k) {
            continue;
        }
        if k.is_empty() && table.rows.iter().all(|r| r.cell(i).is_empty()) {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                format!("column {} of {file} is not read", table.column_label(i)),
                Some(table.header_loc(i)),
            )
            .with_help(
                "add it as a question (or map it to a field), or list its header under `ignore`",
            ),
        );
    }
    (map, diags)
}

#[cfg(test)]
mod tests {
    use super::super::test_table as table;
    use super::*;
    use crate::diagnostics::SourceFile;
    use std::path::Path;

    fn yaml_at() -> Loc {
        let f = SourceFile::new(Path::new("/"), Path::new("/labs/x/lab.yaml"), "a: b\n");
        Loc::at(&f, 1, 4, 1)
    }

    fn field(key: &str) -> Target {
        Target {
            key: key.into(),
            label: format!("`{key}`"),
            explicit: None,
            defaults: participant_defaults(key)
                .iter()
                .map(|s| s.to_string())
                .collect(),
            required_at: None,
        }
    }

    #[test]
    fn headers_normalize() {
        assert_eq!(
            normalize_header("  本日の\r\n満足度　(５段階) "),
            "本日の 満足度 (5段階)"
        );
        assert_eq!(header_key("Email  Address"), "emailaddress");
        assert_eq!(
            header_key("本日のラボの\n満足度"),
            header_key("本日のラボの満足度")
        );
    }

    #[test]
    fn explicit_entries_win_and_defaults_fill_the_rest() {
        let t = table(
            &[
                "タイムスタンプ",
                "お名前",
                "ニックネーム",
                "Email Address",
                "会社名",
                "動機",
                "Ｅ－ｍａｉｌ",
            ],
            &[&["x", "y", "z", "a@b", "c", "d", ""]],
        );
        let mut nick = field("nicknames");
        nick.explicit = Some(("ニックネーム".into(), yaml_at()));
        let mut email = field("email");
        email.explicit = Some(("E-mail".into(), yaml_at()));
        let (m, d) = map_columns(
            &t,
            &[field("name"), email, field("company"), nick],
            &["動機".into()],
        );
        assert_eq!(m.get("name"), Some(1));
        assert_eq!(m.get("nicknames"), Some(2));
        // The explicit E-mail (written full width in the export) wins, and
        // Email Address, a default of the same field, is left unread.
        assert_eq!(m.get("email"), Some(6));
        assert_eq!(m.get("company"), Some(4));
        assert_eq!(m.timestamp, Some(0));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("D (`Email Address`)"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].location_label().unwrap(), "labs/x/private/s.csv:1:D");
    }

    #[test]
    fn two_headers_for_one_field_is_an_error_naming_both() {
        let t = table(&["氏名", "メール", "お名前"], &[]);
        let (m, d) = map_columns(&t, &[field("name")], &[]);
        assert_eq!(m.get("name"), Some(0));
        let errors: Vec<_> = d
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("A (`氏名`) and C (`お名前`)"),
            "{}",
            errors[0].message
        );
        assert_eq!(
            errors[0].location_label().unwrap(),
            "labs/x/private/s.csv:1:C"
        );
        assert!(errors[0].help.as_deref().unwrap().contains("`氏名`"));
        // Ignoring one settles it.
        let (_, d) = map_columns(&t, &[field("name")], &["お名前".into(), "メール".into()]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_missing_column_suggests_the_nearest_header() {
        let t = table(&["本日のラボの満足度は?", "感想"], &[]);
        let q = Target {
            key: "satisfaction".into(),
            label: "the question `satisfaction`".into(),
            explicit: None,
            defaults: vec!["本日のラボの満足度".into()],
            required_at: Some(yaml_at()),
        };
        let (m, d) = map_columns(&t, &[q], &["感想".into()]);
        assert_eq!(m.get("satisfaction"), None);
        // The error, and the unread column.
        assert_eq!(d.len(), 2);
        assert!(
            d[0].message
                .contains("no column for the question `satisfaction`")
        );
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("did you mean the column `本日のラボの満足度は?`?")
        );
        assert_eq!(d[0].location_label().unwrap(), "labs/x/lab.yaml:1:4");

        let mut e = field("email");
        e.explicit = Some(("メールアドレス".into(), yaml_at()));
        let (_, d) = map_columns(&t, &[e], &["感想".into(), "本日のラボの満足度は?".into()]);
        assert!(
            d[0].message
                .contains("no column `メールアドレス` for `email`"),
            "{}",
            d[0].message
        );
    }
}
