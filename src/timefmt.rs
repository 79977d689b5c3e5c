//! The one place that formats dates and times for people.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::lang::Language;

const JA_WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
const EN_WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn weekday_index(w: Weekday) -> usize {
    w.num_days_from_monday() as usize
}

/// `2025年11月13日(木)` or `Thu, 13 Nov 2025`.
pub fn date(d: NaiveDate, lang: Language) -> String {
    let w = weekday_index(d.weekday());
    match lang {
        Language::Ja => format!(
            "{}年{}月{}日({})",
            d.year(),
            d.month(),
            d.day(),
            JA_WEEKDAYS[w]
        ),
        Language::En => format!(
            "{}, {} {} {}",
            EN_WEEKDAYS[w],
            d.day(),
            EN_MONTHS[d.month0() as usize],
            d.year()
        ),
    }
}

/// `18:00`
pub fn time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// `18:00〜20:30` or `18:00–20:30`.
pub fn time_range(start: NaiveTime, end: NaiveTime, lang: Language) -> String {
    match lang {
        Language::Ja => format!("{}〜{}", time(start), time(end)),
        Language::En => format!("{}–{}", time(start), time(end)),
    }
}

/// `2026年1月15日(木) 23:59`
pub fn date_time(t: NaiveDateTime, lang: Language) -> String {
    format!("{} {}", date(t.date(), lang), time(t.time()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_date_with_weekday() {
        let d = NaiveDate::from_ymd_opt(2025, 11, 13).unwrap();
        assert_eq!(date(d, Language::Ja), "2025年11月13日(木)");
        assert_eq!(date(d, Language::En), "Thu, 13 Nov 2025");
    }
}
