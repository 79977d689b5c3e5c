//! Reading one cell: a rating, the options of a choice, a consent, whether
//! someone attended, a timestamp, a list of names.
//!
//! Each reader says only *that* a cell does not fit, never what it holds:
//! the caller's diagnostic names the cell, not its text.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use unicode_normalization::UnicodeNormalization;

use super::table::Cell;
use crate::source::record::Consent;

/// A cell that does not fit what its column asks for. It carries nothing
/// of the cell: the diagnostic names the cell, never its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DoesNotFit;

/// NFKC and trimmed: how cell values and options are compared.
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect::<String>().trim().to_string()
}

/// A rating from 1 to `scale`, written `5` or `5.0` (or as a number cell).
/// `Ok(None)`: the cell is empty.
pub fn rating(cell: &Cell, scale: u32) -> Result<Option<u32>, DoesNotFit> {
    let n = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => *n,
        other => {
            let t = nfkc(&other.text());
            if t.is_empty() {
                return Ok(None);
            }
            if !t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return Err(DoesNotFit);
            }
            t.parse::<f64>().map_err(|_| DoesNotFit)?
        }
    };
    if n.fract() == 0.0 && n >= 1.0 && n <= f64::from(scale) {
        Ok(Some(n as u32))
    } else {
        Err(DoesNotFit)
    }
}

/// Separators between the options of a multiple-choice cell: Google joins
/// with `, `, Microsoft with `;` (and ends with one); people retyping use
/// the Japanese marks.
pub fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '、' | '，' | '；') || c.is_whitespace()
}

/// Why a choice cell does not fit its question.
#[derive(Debug, PartialEq, Eq)]
pub enum ChoiceError {
    /// The part at this index (0-based, counted in the parts read) matches
    /// no option: a free-text 「その他」, or an option renamed on the form.
    /// `nearest` is the option nearest to it (an option, never the part).
    NoOption {
        part: usize,
        nearest: Option<String>,
    },
    /// A single-choice question with more than one option picked.
    SeveralForOne { picked: usize },
}

/// The options of a choice cell, in the order written, each once: read
/// left to right, taking the longest option that matches at each place
/// (after NFKC), so an option containing a comma is one option. An empty
/// cell is no answer.
pub fn choices(
    cell: &Cell,
    options: &[String],
    multiple: bool,
) -> Result<Vec<String>, ChoiceError> {
    let text = nfkc(&cell.text());
    let normalized: Vec<String> = options.iter().map(|o| nfkc(o)).collect();
    let mut picked: Vec<String> = Vec::new();
    let mut rest = text.as_str();
    let mut part = 0;
    loop {
        rest = rest.trim_start_matches(is_separator);
        if rest.is_empty() {
            break;
        }
        let best = normalized
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.is_empty() && rest.starts_with(o.as_str()))
            // The option must end where a separator (or the cell) does:
            // `A` is not read out of `AB`.
            .filter(|(_, o)| rest[o.len()..].chars().next().is_none_or(is_separator))
            .max_by_key(|(_, o)| o.len());
        let Some((i, o)) = best else {
            let word: String = rest
                .split([',', ';', '、', '，', '；'])
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let cands: Vec<&str> = options.iter().map(String::as_str).collect();
            let nearest = crate::diagnostics::nearest(&word, &cands).map(str::to_string);
            return Err(ChoiceError::NoOption { part, nearest });
        };
        if !picked.contains(&options[i]) {
            picked.push(options[i].clone());
        }
        rest = &rest[o.len()..];
        part += 1;
    }
    if !multiple && picked.len() > 1 {
        return Err(ChoiceError::SeveralForOne {
            picked: picked.len(),
        });
    }
    Ok(picked)
}

/// The organizer's consent wording.
#[derive(Clone, Debug, Default)]
pub struct ConsentWords {
    pub quote: Vec<String>,
    pub aggregate: Vec<String>,
    /// Values that refuse consent (「使わないでほしい」): `none`, like a
    /// value listed nowhere, but known, so no warning.
    pub none: Vec<String>,
}

impl ConsentWords {
    /// The consent a cell gives, and the value when it is one the
    /// organizer did not list (it then counts as `none`).
    pub fn read(&self, cell: &Cell) -> (Consent, Option<String>) {
        let v = nfkc(&cell.text());
        if v.is_empty() {
            return (Consent::None, None);
        }
        let has = |list: &[String]| list.iter().any(|w| nfkc(w) == v);
        if has(&self.quote) {
            (Consent::Quote, None)
        } else if has(&self.aggregate) {
            (Consent::Aggregate, None)
        } else if has(&self.none) {
            (Consent::None, None)
        } else {
            (Consent::None, Some(v))
        }
    }
}

/// Did the participant attend? An empty cell: yes (the default).
pub fn attended(cell: &Cell) -> Result<bool, DoesNotFit> {
    if let Cell::Bool(b) = cell {
        return Ok(*b);
    }
    let v = nfkc(&cell.text()).to_lowercase();
    match v.as_str() {
        "" | "○" | "〇" | "◯" | "出席" | "参加" | "yes" | "true" | "1" => Ok(true),
        "×" | "✕" | "x" | "欠席" | "不参加" | "no" | "false" | "0" => Ok(false),
        _ => Err(DoesNotFit),
    }
}

/// What [`attended`] accepts, for its diagnostic.
pub const ATTENDED_VALUES: &str =
    "○, 出席, 参加, yes, true or 1 for attended; ×, 欠席, 不参加, no, false or 0 for not";

/// The time of a submission: a date cell, or text as Google writes it
/// (`2025/11/13 20:45:12`, `11/13/2025 20:45:12`, with or without
/// seconds, a trailing zone like `GMT+9` ignored) or ISO (`2025-11-13
/// 20:45:12`, `2025-11-13T20:45:12`).
pub fn timestamp(cell: &Cell) -> Option<NaiveDateTime> {
    let text = match cell {
        Cell::DateTime(t) => return Some(*t),
        Cell::Text(t) => nfkc(t),
        _ => return None,
    };
    let mut parts = text.split_whitespace();
    let first = parts.next()?;
    let (date, time) = if let Some((d, t)) = first.split_once('T') {
        (d, Some(t))
    } else {
        (first, parts.next())
    };
    let nums: Vec<&str> = date.split(['/', '-']).collect();
    let [a, b, c] = nums.as_slice() else {
        return None;
    };
    let n = |s: &str| s.parse::<u32>().ok();
    let (y, m, d) = if a.len() == 4 {
        (n(a)?, n(b)?, n(c)?)
    } else if c.len() == 4 {
        (n(c)?, n(a)?, n(b)?)
    } else if c.len() == 2 {
        // Microsoft's text form in English: 11/13/25.
        (2000 + n(c)?, n(a)?, n(b)?)
    } else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    let time = match time {
        None => NaiveTime::MIN,
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
            .ok()?,
    };
    Some(date.and_time(time))
}

/// Several values in one cell (aliases, nicknames), split on `、`, `;`
/// and line breaks.
pub fn list(cell: &Cell) -> Vec<String> {
    cell.text()
        .split(['、', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn opts(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ratings() {
        assert_eq!(rating(&t("5"), 5), Ok(Some(5)));
        assert_eq!(rating(&t(" 5.0 "), 5), Ok(Some(5)));
        assert_eq!(rating(&t("５"), 5), Ok(Some(5)));
        assert_eq!(rating(&Cell::Number(3.0), 5), Ok(Some(3)));
        assert_eq!(rating(&Cell::Empty, 5), Ok(None));
        assert_eq!(rating(&t("  "), 5), Ok(None));
        for bad in ["6", "0", "4.5", "とても良い", "-1", "1e0", "NaN"] {
            assert_eq!(rating(&t(bad), 5), Err(DoesNotFit), "{bad}");
        }
        assert_eq!(rating(&Cell::Number(10.0), 10), Ok(Some(10)));
        assert_eq!(rating(&Cell::Number(10.5), 10), Err(DoesNotFit));
    }

    #[test]
    fn choices_take_the_longest_option_whatever_the_separator() {
        let o = opts(&[
            "対話の継続, 振り返り",
            "対話の継続",
            "中間管理職への対応",
            "問い",
        ]);
        // Google: an option containing a comma stays whole.
        assert_eq!(
            choices(&t("対話の継続, 振り返り, 中間管理職への対応"), &o, true),
            Ok(opts(&["対話の継続, 振り返り", "中間管理職への対応"]))
        );
        // Microsoft: `;` between and after.
        assert_eq!(
            choices(&t("中間管理職への対応;対話の継続;"), &o, true),
            Ok(opts(&["中間管理職への対応", "対話の継続"]))
        );
        // Japanese marks, full-width letters and a repeat.
        assert_eq!(
            choices(&t("問い、対話の継続；問い"), &o, true),
            Ok(opts(&["問い", "対話の継続"]))
        );
        assert_eq!(choices(&Cell::Empty, &o, true), Ok(vec![]));
        // An option is not read out of a longer word.
        assert_eq!(
            choices(&t("問いかけ"), &o, true),
            Err(ChoiceError::NoOption {
                part: 0,
                nearest: Some("問い".into())
            })
        );
        assert_eq!(
            choices(&t("問い, 私が書いたその他の回答"), &o, true),
            Err(ChoiceError::NoOption {
                part: 1,
                nearest: None
            })
        );
        // A renamed option is suggested.
        assert_eq!(
            choices(&t("中間管理職の対応"), &o, true),
            Err(ChoiceError::NoOption {
                part: 0,
                nearest: Some("中間管理職への対応".into())
            })
        );
        assert_eq!(
            choices(&t("問い;対話の継続"), &o, false),
            Err(ChoiceError::SeveralForOne { picked: 2 })
        );
        assert_eq!(
            choices(&t("対話の継続, 振り返り"), &o, false),
            Ok(opts(&["対話の継続, 振り返り"]))
        );
        let wide = opts(&["ＡＢＣ 研修"]);
        assert_eq!(choices(&t("ABC 研修;"), &wide, false), Ok(wide.clone()));
    }

    #[test]
    fn consent_follows_the_organizers_words() {
        let w = ConsentWords {
            quote: opts(&["氏名・社名を伏せて引用してよい"]),
            aggregate: opts(&["集計にのみ使ってよい"]),
            none: vec![],
        };
        assert_eq!(
            w.read(&t(" 氏名・社名を伏せて引用してよい ")),
            (Consent::Quote, None)
        );
        assert_eq!(
            w.read(&t("集計にのみ使ってよい")),
            (Consent::Aggregate, None)
        );
        assert_eq!(w.read(&Cell::Empty), (Consent::None, None));
        assert_eq!(
            w.read(&t("使わないでほしい")),
            (Consent::None, Some("使わないでほしい".into()))
        );
        // Listed under `none`: none, and known, so no warning.
        let w = ConsentWords {
            none: opts(&["使わないでほしい"]),
            ..w
        };
        assert_eq!(w.read(&t("使わないでほしい")), (Consent::None, None));
        assert_eq!(
            w.read(&t("まだ決めていない")),
            (Consent::None, Some("まだ決めていない".into()))
        );
    }

    #[test]
    fn attendance() {
        for yes in ["○", "〇", "出席", "参加", "Yes", "TRUE", "1", ""] {
            assert_eq!(attended(&t(yes)), Ok(true), "{yes}");
        }
        for no in ["×", "欠席", "不参加", "no", "False", "0"] {
            assert_eq!(attended(&t(no)), Ok(false), "{no}");
        }
        assert_eq!(attended(&Cell::Bool(false)), Ok(false));
        assert_eq!(attended(&Cell::Number(1.0)), Ok(true));
        assert_eq!(attended(&t("たぶん")), Err(DoesNotFit));
    }

    #[test]
    fn timestamps_in_each_forms_format() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(
            timestamp(&t("2025/11/13 20:45:12")),
            Some(at("2025-11-13 20:45:12"))
        );
        assert_eq!(
            timestamp(&t("11/13/2025 20:45:12")),
            Some(at("2025-11-13 20:45:12"))
        );
        assert_eq!(
            timestamp(&t("2025/11/13 8:05:00 GMT+9")),
            Some(at("2025-11-13 08:05:00"))
        );
        assert_eq!(
            timestamp(&t("11/13/25 20:45")),
            Some(at("2025-11-13 20:45:00"))
        );
        assert_eq!(
            timestamp(&t("2025-11-13T20:45:12")),
            Some(at("2025-11-13 20:45:12"))
        );
        assert_eq!(
            timestamp(&Cell::DateTime(at("2025-11-13 20:45:12"))),
            Some(at("2025-11-13 20:45:12"))
        );
        for bad in ["", "昨日", "13/13/2025 10:00", "2025/11/13 25:00"] {
            assert_eq!(timestamp(&t(bad)), None, "{bad}");
        }
    }

    #[test]
    fn lists_split_on_japanese_marks_and_lines() {
        assert_eq!(
            list(&t("ヤマダ製作所、Yamada Works; ヤマダ\nYW")),
            opts(&["ヤマダ製作所", "Yamada Works", "ヤマダ", "YW"])
        );
        assert!(list(&Cell::Empty).is_empty());
    }
}
