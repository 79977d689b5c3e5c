//! Microsoft Forms exports, written the way Excel gives them: the columns
//! ID, 開始時刻, 完了時刻 (date cells), メール, 名前 and 最終変更時刻, then
//! one column per question. The one writer shared by the unit tests of
//! `source::forms`, the integration tests, and `examples/gen_forms.rs`
//! (which also writes the example site's `survey.xlsx`); each includes
//! this file by path.
//!
//! The bytes depend on the rows only: the document's creation time is
//! fixed, and the zip entries carry no time, so a regenerated workbook is
//! identical to the committed one.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

/// The columns Microsoft Forms puts before the questions.
pub const MICROSOFT_COLUMNS: [&str; 6] = [
    "ID",
    "開始時刻",
    "完了時刻",
    "メール",
    "名前",
    "最終変更時刻",
];

/// One answer cell.
pub enum Cell {
    /// A number cell, as Microsoft Forms writes a rating.
    Number(f64),
    /// A text cell; an empty text is an empty cell (no answer).
    Text(String),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

/// One submission: a row of the sheet.
pub struct Submission {
    /// 開始時刻 and 完了時刻, as `2025-11-13 20:40:00`.
    pub started: String,
    pub completed: String,
    /// `anonymous` when the form does not record who answered.
    pub email: String,
    /// Empty when the form does not record who answered.
    pub name: String,
    /// One cell per question, in the order of `Form::questions`.
    pub answers: Vec<Cell>,
}

/// The form's shape: its sheet, how its date cells are shown, its questions.
pub struct Form<'a> {
    /// The sheet's name; `None` leaves rust_xlsxwriter's `Sheet1`.
    pub sheet: Option<&'a str>,
    /// The number format of the date cells, e.g. `yyyy/m/d h:mm:ss`.
    pub date_format: &'a str,
    /// The question columns' headers, after [`MICROSOFT_COLUMNS`].
    pub questions: &'a [&'a str],
}

/// The workbook's bytes. Panics on a malformed time: the rows are a
/// test's or a generator's own constants.
pub fn microsoft_forms_xlsx(form: &Form, rows: &[Submission]) -> Vec<u8> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2025, 11, 13).unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    if let Some(name) = form.sheet {
        sheet.set_name(name).unwrap();
    }
    let date = Format::new().set_num_format(form.date_format);
    for (c, h) in MICROSOFT_COLUMNS.iter().chain(form.questions).enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let first_answer = MICROSOFT_COLUMNS.len() as u16;
    for (i, s) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let started = ExcelDateTime::parse_from_str(&s.started).unwrap();
        let completed = ExcelDateTime::parse_from_str(&s.completed).unwrap();
        sheet.write_number(r, 0, f64::from(r)).unwrap();
        sheet
            .write_datetime_with_format(r, 1, &started, &date)
            .unwrap();
        sheet
            .write_datetime_with_format(r, 2, &completed, &date)
            .unwrap();
        for (c, v) in [(3, &s.email), (4, &s.name)] {
            if !v.is_empty() {
                sheet.write_string(r, c, v).unwrap();
            }
        }
        for (k, cell) in s.answers.iter().enumerate() {
            let c = first_answer + k as u16;
            match cell {
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n).unwrap();
                }
                Cell::Text(t) if !t.is_empty() => {
                    sheet.write_string(r, c, t).unwrap();
                }
                Cell::Text(_) => {}
            }
        }
    }
    book.save_to_buffer().unwrap()
}
