//! An export as a table of cells that remember their row and column.
//!
//! Google Forms gives a CSV (UTF-8, often with a BOM), Microsoft Forms an
//! XLSX, and a CSV saved again from Excel is Shift_JIS (CP932). All of them
//! become one [`Table`]: the header row, then the rows below it with their
//! spreadsheet row numbers, so every diagnostic can say `survey.xlsx:7:D`.
//! The table's [`SourceFile`] holds no text: nothing downstream can quote
//! a line of an export by mistake.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use unicode_normalization::UnicodeNormalization;

use crate::diagnostics::{Diagnostic, Loc, SourceFile, nearest, printable};

/// The largest export read. A survey of a few hundred rows is well under a
/// megabyte; anything past this is the wrong file.
pub const MAX_EXPORT_BYTES: u64 = 64 * 1024 * 1024;

/// One cell as the file gave it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date cell of a spreadsheet (Microsoft's 完了時刻).
    DateTime(NaiveDateTime),
}

impl Cell {
    /// The cell as text, trimmed; empty for an empty cell. A whole number
    /// reads without a fraction (`5.0` → `5`), as a person would type it.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s.trim()),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Cow::Owned(format!("{}", *n as i64))
            }
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::Bool(true) => Cow::Borrowed("TRUE"),
            Cell::Bool(false) => Cow::Borrowed("FALSE"),
            Cell::DateTime(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M:%S").to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

/// A row below the header.
#[derive(Clone, Debug)]
pub struct Row {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in column `col` (0-based in the table), empty past the end.
    pub fn cell(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}

#[derive(Clone, Debug)]
pub struct Table {
    /// The export, for locations: its display path, and no text.
    pub file: Arc<SourceFile>,
    /// The header texts as written.
    pub headers: Vec<String>,
    /// The sheet column of the table's first column, 1-based (a sheet whose
    /// cells start in column C has 3).
    pub first_col: usize,
    /// The header's row number (1 unless a sheet starts lower).
    pub header_row: usize,
    /// Rows below the header; rows with every cell empty are left out.
    pub rows: Vec<Row>,
}

impl Table {
    /// The location of a cell: `row` as a spreadsheet numbers it, `col`
    /// 0-based in the table.
    pub fn loc(&self, row: usize, col: usize) -> Loc {
        Loc::cell(&self.file, row, self.first_col + col)
    }

    /// The location of a column's header.
    pub fn header_loc(&self, col: usize) -> Loc {
        self.loc(self.header_row, col)
    }

    /// `D (満足度)`: a column's letter and header, for messages.
    pub fn column_label(&self, col: usize) -> String {
        format!(
            "{} (`{}`)",
            crate::diagnostics::column_letters(self.first_col + col),
            normalize_header(self.headers.get(col).map_or("", |h| h.as_str()))
        )
    }

    /// The file's name, for messages (`survey.xlsx`).
    pub fn file_name(&self) -> &str {
        self.file
            .display
            .rsplit('/')
            .next()
            .unwrap_or(&self.file.display)
    }
}

/// Where a request to read an export came from, for its errors.
pub struct TableRequest<'a> {
    pub root: &'a Path,
    pub path: &'a Path,
    /// The `file:` key that named it.
    pub file_key: Loc,
    /// The sheet asked for, and the `sheet:` key.
    pub sheet: Option<(&'a str, Loc)>,
}

/// Read an export: `.csv` / `.tsv` (UTF-8 with or without BOM, UTF-16
/// with BOM, or Shift_JIS) or a workbook (`.xlsx`, `.xls`, `.ods`).
pub fn read_table(req: &TableRequest) -> Result<Table, Diagnostic> {
    let file = SourceFile::new(req.root, req.path, "");
    let shown = printable(&file.display).into_owned();
    let at_key = || Some(req.file_key.clone());
    let meta = std::fs::metadata(req.path).map_err(|_| {
        Diagnostic::error(format!("the export `{shown}` does not exist"), at_key()).with_help(
            "put the exported file there, or correct the path (it is relative to the lab's folder)",
        )
    })?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            format!("the export `{shown}` is not a file"),
            at_key(),
        ));
    }
    if meta.len() > MAX_EXPORT_BYTES {
        return Err(Diagnostic::error(
            format!(
                "the export `{shown}` is {} MB; labsite reads exports of up to {} MB",
                meta.len() / (1024 * 1024),
                MAX_EXPORT_BYTES / (1024 * 1024)
            ),
            at_key(),
        ));
    }
    let bytes = std::fs::read(req.path).map_err(|e| {
        Diagnostic::error(format!("cannot read the export `{shown}`: {e}"), at_key())
    })?;
    let ext = req
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (headers, rows, first_col, header_row) = match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            if let Some((_, at)) = &req.sheet {
                return Err(Diagnostic::error(
                    format!("`{shown}` is a CSV file: it has no sheets"),
                    Some(at.clone()),
                )
                .with_help("remove `sheet`; it is for .xlsx files"));
            }
            let delimiter = if ext == "tsv" { b'\t' } else { b',' };
            let text = decode_text(&bytes).ok_or_else(|| {
                Diagnostic::error(
                    format!("the export `{shown}` is neither UTF-8 nor Shift_JIS text"),
                    at_key(),
                )
                .with_help("export it again as CSV (UTF-8), or save it from Excel as CSV")
            })?;
            let (h, r) = parse_csv(&text, delimiter).map_err(|row| {
                Diagnostic::error(
                    format!("the export `{shown}` is not valid CSV (from row {row})"),
                    at_key(),
                )
                .with_help("export the file again; a quote may be left open")
            })?;
            (h, r, 1, 1)
        }
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(bytes, req, &shown)?,
        _ => {
            return Err(Diagnostic::error(
                format!("`{shown}` is not a form export labsite reads"),
                at_key(),
            )
            .with_help("expected a .csv (Google Forms, or saved from Excel) or an .xlsx (Microsoft Forms) file"));
        }
    };
    let Some(headers) = headers else {
        return Err(
            Diagnostic::error(format!("the export `{shown}` has no rows"), at_key()).with_help(
                "export the form again: row 1 holds the questions, the rows below the answers",
            ),
        );
    };
    Ok(Table {
        file,
        headers,
        first_col,
        header_row,
        rows,
    })
}

/// The text of a CSV file: UTF-8 (a BOM dropped), UTF-16 with a BOM, or
/// Shift_JIS as Excel writes it (encoding_rs's Shift_JIS is Windows'
/// CP932, NEC and IBM extensions included). `None` when it is none of them.
pub fn decode_text(bytes: &[u8]) -> Option<String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (!had_errors).then(|| text.into_owned());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

type Parsed = (Option<Vec<String>>, Vec<Row>);

/// A sheet read: its header, rows, first column and header row.
type Sheet = (Option<Vec<String>>, Vec<Row>, usize, usize);

/// CSV text into the header and the rows. Row numbers count records, as a
/// spreadsheet opening the file numbers them (a field with a line break
/// stays in its row). The error is the row that could not be read.
fn parse_csv(text: &str, delimiter: u8) -> Result<Parsed, usize> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut headers = None;
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| i + 1)?;
        let cells: Vec<Cell> = record
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.replace("\r\n", "\n").replace('\r', "\n"))
                }
            })
            .collect();
        if headers.is_none() {
            headers = Some(cells.iter().map(|c| c.text().into_owned()).collect());
            continue;
        }
        let row = Row {
            number: i + 1,
            cells,
        };
        if !row.is_blank() {
            rows.push(row);
        }
    }
    Ok((headers, rows))
}

fn read_workbook(bytes: Vec<u8>, req: &TableRequest, shown: &str) -> Result<Sheet, Diagnostic> {
    use calamine::{Data, Reader};
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|_| {
            Diagnostic::error(
                format!("the export `{shown}` is not a readable workbook"),
                Some(req.file_key.clone()),
            )
            .with_help("export the form's responses again (Microsoft Forms: 「Excel で開く」)")
        })?;
    let names = book.sheet_names();
    let name = match &req.sheet {
        Some((want, at)) => {
            let norm = header_key;
            match names.iter().find(|n| norm(n) == norm(want)) {
                Some(n) => n.clone(),
                None => {
                    let all: Vec<&str> = names.iter().map(String::as_str).collect();
                    let help = match nearest(want, &all) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => format!(
                            "the sheets of `{shown}` are {}",
                            all.iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    return Err(Diagnostic::error(
                        format!("`{shown}` has no sheet `{want}`"),
                        Some(at.clone()),
                    )
                    .with_help(help));
                }
            }
        }
        None => match names.first() {
            Some(n) => n.clone(),
            None => return Ok((None, Vec::new(), 1, 1)),
        },
    };
    let range = book.worksheet_range(&name).map_err(|_| {
        Diagnostic::error(
            format!("the sheet `{name}` of `{shown}` cannot be read"),
            Some(req.file_key.clone()),
        )
    })?;
    let Some((start_row, start_col)) = range.start() else {
        return Ok((None, Vec::new(), 1, 1));
    };
    let first_col = start_col as usize + 1;
    let header_row = start_row as usize + 1;
    let mut headers = None;
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let cells: Vec<Cell> = r
            .iter()
            .map(|d| match d {
                Data::Empty | Data::Error(_) => Cell::Empty,
                Data::String(s) if s.trim().is_empty() => Cell::Empty,
                Data::String(s) => Cell::Text(s.replace("\r\n", "\n")),
                Data::Int(n) => Cell::Number(*n as f64),
                Data::Float(f) => Cell::Number(*f),
                Data::Bool(b) => Cell::Bool(*b),
                Data::DateTime(t) => {
                    let (y, mo, d, h, mi, s, _) = t.to_ymd_hms_milli();
                    NaiveDate::from_ymd_opt(y.into(), mo.into(), d.into())
                        .and_then(|d| d.and_hms_opt(h.into(), mi.into(), s.into()))
                        .map_or(Cell::Number(t.as_f64()), Cell::DateTime)
                }
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
            })
            .collect();
        if headers.is_none() {
            headers = Some(cells.iter().map(|c| c.text().into_owned()).collect());
            continue;
        }
        let row = Row {
            number: header_row + i,
            cells,
        };
        if !row.is_blank() {
            rows.push(row);
        }
    }
    Ok((headers, rows, first_col, header_row))
}

/// A header as compared: NFKC, white space (line breaks included) collapsed
/// to one space, trimmed.
pub fn normalize_header(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key two headers are equal by: [`normalize_header`], case folded,
/// and white space left out, so a line break Google kept between two
/// Japanese words (`本日のラボの\n満足度`) does not make the header differ
/// from the question's `text` written on one line.
pub fn header_key(s: &str) -> String {
    normalize_header(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(dir: &Path) -> Loc {
        Loc::at(
            &SourceFile::new(dir, &dir.join("lab.yaml"), "file: x\n"),
            1,
            7,
            1,
        )
    }

    fn read(
        dir: &Path,
        name: &str,
        bytes: &[u8],
        sheet: Option<&str>,
    ) -> Result<Table, Diagnostic> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        read_table(&TableRequest {
            root: dir,
            path: &path,
            file_key: key(dir),
            sheet: sheet.map(|s| (s, key(dir))),
        })
    }

    fn texts(t: &Table) -> Vec<Vec<String>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text().into_owned()).collect())
            .collect()
    }

    #[test]
    fn csv_in_every_encoding_reads_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let text = "タイムスタンプ,\"本日の\r\n満足度\",感想\r\n2025/11/13 20:45:12,5,\"一行目\r\n二行目, 続き\"\r\n,,\r\n2025/11/13 20:46:00,4,良い\r\n";
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!bad);
        let lf = text.replace("\r\n", "\n");
        let mut utf16 = vec![0xff, 0xfe];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        for bytes in [bom, sjis.into_owned(), lf.into_bytes(), utf16] {
            let t = read(dir.path(), "survey.csv", &bytes, None).unwrap();
            assert_eq!(t.headers[1], "本日の\n満足度");
            assert_eq!(
                texts(&t),
                vec![
                    vec!["2025/11/13 20:45:12", "5", "一行目\n二行目, 続き"],
                    vec!["2025/11/13 20:46:00", "4", "良い"],
                ]
            );
            // The blank row 3 is skipped, and the next keeps its number.
            assert_eq!(t.rows[1].number, 4);
            assert_eq!(t.loc(4, 2).resolve(), Some((4, 3, 1)));
            assert!(!t.file.text.is_held() || t.file.text.is_empty());
        }
    }

    #[test]
    fn files_that_cannot_be_read_are_errors_at_the_file_key() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_table(&TableRequest {
            root: dir.path(),
            path: &dir.path().join("none.csv"),
            file_key: key(dir.path()),
            sheet: None,
        })
        .unwrap_err();
        assert!(
            missing.message.contains("does not exist"),
            "{}",
            missing.message
        );
        assert_eq!(missing.location_label().unwrap(), "lab.yaml:1:7");
        let empty = read(dir.path(), "e.csv", b"", None).unwrap_err();
        assert!(empty.message.contains("no rows"));
        let binary = read(dir.path(), "b.csv", b"\x82\xa0\xff\xfe\x80\x81", None).unwrap_err();
        assert!(
            binary.message.contains("neither UTF-8"),
            "{}",
            binary.message
        );
        let other = read(dir.path(), "a.pdf", b"%PDF", None).unwrap_err();
        assert!(other.message.contains("not a form export"));
        let sheet = read(dir.path(), "s.csv", b"a\n1\n", Some("x")).unwrap_err();
        assert!(sheet.message.contains("no sheets"));
        let not_book = read(dir.path(), "n.xlsx", b"not a zip", None).unwrap_err();
        assert!(not_book.message.contains("not a readable workbook"));
    }

    fn workbook(dir: &Path) -> std::path::PathBuf {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Sheet1").unwrap();
        let date = Format::new().set_num_format("yyyy/mm/dd hh:mm:ss");
        // Starts at C2: letters and numbers follow the sheet, not the table.
        sheet.write_string(1, 2, "ID").unwrap();
        sheet.write_string(1, 3, "完了時刻").unwrap();
        sheet.write_string(1, 4, "満足度").unwrap();
        sheet.write_number(2, 2, 1.0).unwrap();
        let t = ExcelDateTime::parse_from_str("2025-11-13 20:45:12").unwrap();
        sheet.write_datetime_with_format(2, 3, &t, &date).unwrap();
        sheet.write_number(2, 4, 5.0).unwrap();
        let other = book.add_worksheet();
        other.set_name("フォームの回答 2").unwrap();
        other.write_string(0, 0, "x").unwrap();
        let path = dir.join("survey.xlsx");
        book.save(&path).unwrap();
        path
    }

    #[test]
    fn xlsx_cells_keep_their_sheet_position_and_types() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path());
        let req = |sheet: Option<&'static str>| TableRequest {
            root: dir.path(),
            path: &path,
            file_key: key(dir.path()),
            sheet: sheet.map(|s| (s, key(dir.path()))),
        };
        let t = read_table(&req(None)).unwrap();
        assert_eq!(t.headers, vec!["ID", "完了時刻", "満足度"]);
        assert_eq!((t.first_col, t.header_row), (3, 2));
        assert_eq!(t.rows[0].number, 3);
        assert_eq!(
            t.rows[0].cell(1),
            &Cell::DateTime(
                NaiveDate::from_ymd_opt(2025, 11, 13)
                    .unwrap()
                    .and_hms_opt(20, 45, 12)
                    .unwrap()
            )
        );
        assert_eq!(t.rows[0].cell(2).text(), "5");
        let d = Diagnostic::error("x", Some(t.loc(3, 2)));
        assert_eq!(d.location_label().unwrap(), "survey.xlsx:3:E");
        assert_eq!(t.column_label(2), "E (`満足度`)");

        let second = read_table(&req(Some("フォームの回答 2"))).unwrap();
        assert_eq!(second.headers, vec!["x"]);
        let unknown = read_table(&req(Some("フォームの回答 3"))).unwrap_err();
        assert!(unknown.message.contains("no sheet"), "{}", unknown.message);
        assert_eq!(
            unknown.help.as_deref(),
            Some("did you mean `フォームの回答 2`?")
        );
    }
}
