//! The `.ics` calendar file of a planned lab (RFC 5545).
//!
//! SPEC §8 asks for TZID, so DTSTART/DTEND are written as local times in
//! the site's zone (`DTSTART;TZID=Asia/Tokyo:20260122T190000`) and the file
//! carries a VTIMEZONE for that zone. The VTIMEZONE is derived from the
//! tz database (chrono-tz) rather than from hand-written rules: it lists the
//! observance in effect at the start, with its true onset, and every
//! transition up to the end, each as an explicit STANDARD or DAYLIGHT
//! sub-component without RRULE. That is exactly what RFC 5545 requires
//! ("the VTIMEZONE … MUST include the time zone definitions that cover the
//! DTSTART/DTEND of the event"), and it cannot disagree with the offsets
//! used everywhere else in the build.
//!
//! One local time cannot name an instant unambiguously: the second
//! occurrence of a wall-clock time when the clocks fall back (RFC 5545 reads
//! such a time as the first occurrence). Such an instant is written in UTC
//! form (`…Z`) instead, which is always exact.
//!
//! TEXT values are escaped, lines are folded at 75 octets without splitting
//! a UTF-8 character, every line ends with CRLF, and the output depends only
//! on the input (DTSTAMP is the build's "now").

use chrono::{DateTime, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz, TzOffset};

/// The longest content line, in octets, excluding the CRLF (RFC 5545 §3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// One lab as a calendar event.
#[derive(Clone, Copy, Debug)]
pub struct CalendarEvent<'a> {
    /// Stable across rebuilds, e.g. `lab-2026-01-22@example.org`, so that a
    /// re-import updates the entry instead of adding another.
    pub uid: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub url: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The site's zone: DTSTART/DTEND are given as local times in it.
    pub tz: Tz,
    /// The build's "now" (DTSTAMP).
    pub stamp: DateTime<Utc>,
    pub cancelled: bool,
    pub organizer_name: &'a str,
    /// May be empty: then there is no ORGANIZER (it needs an address).
    pub organizer_email: &'a str,
}

/// The complete `.ics` file for one event.
pub fn calendar(event: &CalendarEvent) -> String {
    let mut out = Lines::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//labsite//labsite//JA");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    vtimezone(&mut out, event.tz, event.start, event.end.max(event.start));

    out.line("BEGIN:VEVENT");
    out.text("UID", event.uid);
    out.line(&format!("DTSTAMP:{}", utc_stamp(event.stamp)));
    out.line(&format!("DTSTART{}", zoned_value(event.start, event.tz)));
    out.line(&format!("DTEND{}", zoned_value(event.end, event.tz)));
    out.text("SUMMARY", event.summary);
    if !event.description.is_empty() {
        out.text("DESCRIPTION", event.description);
    }
    if !event.location.is_empty() {
        out.text("LOCATION", event.location);
    }
    if let Some(url) = uri(event.url) {
        out.line(&format!("URL:{url}"));
    }
    if event.cancelled {
        out.line("STATUS:CANCELLED");
        // A cancellation is a revision of the published event: a higher
        // SEQUENCE makes calendars that imported it replace their copy.
        out.line("SEQUENCE:1");
    } else {
        out.line("STATUS:CONFIRMED");
        out.line("SEQUENCE:0");
    }
    if let Some(email) = uri(event.organizer_email).filter(|e| e.contains('@')) {
        let cn = param_value(event.organizer_name);
        if cn.is_empty() {
            out.line(&format!("ORGANIZER:mailto:{email}"));
        } else {
            out.line(&format!("ORGANIZER;CN=\"{cn}\":mailto:{email}"));
        }
    }
    out.line("END:VEVENT");
    out.line("END:VCALENDAR");
    out.0
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): `\` `;` `,` and line breaks
/// (CRLF, CR and LF all become `\n`). Other control characters, which TEXT
/// cannot hold, are dropped; tabs are kept.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line (without its CRLF) so that no physical line
/// exceeds 75 octets: a fold is CRLF followed by one space, and the space
/// counts toward the next line's 75. Folds fall only between characters.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 24);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out
}

/// The file under construction: content lines, folded, CRLF-terminated.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn line(&mut self, content: &str) {
        self.0.push_str(&fold_line(content));
        self.0.push_str("\r\n");
    }

    fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape_text(value)));
    }
}

/// `;TZID=<zone>:<local>` when the local time names the instant, else the
/// exact UTC form `:<utc>Z` (see the module comment).
fn zoned_value(t: DateTime<Utc>, tz: Tz) -> String {
    let local = t.with_timezone(&tz).naive_local();
    if tz.from_local_datetime(&local).earliest() == Some(t.with_timezone(&tz)) {
        format!(";TZID={}:{}", tz.name(), local_stamp(local))
    } else {
        format!(":{}", utc_stamp(t))
    }
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// A URI value (not TEXT: no escaping), or nothing when it could not be one.
fn uri(value: &str) -> Option<&str> {
    let value = value.trim();
    let ok = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"');
    ok.then_some(value)
}

/// A parameter value that goes between DQUOTEs: it may hold anything but
/// DQUOTE and control characters (RFC 5545 QSAFE-CHAR).
fn param_value(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|&c| c != '"')
        .collect::<String>()
        .trim()
        .to_string()
}

/// How far back to look for the onset of the observance in effect: the tz
/// database's offsets before 1970 are not needed to describe a lab.
fn horizon() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

fn offset_at(tz: Tz, t: DateTime<Utc>) -> TzOffset {
    tz.offset_from_utc_datetime(&t.naive_utc())
}

/// The first instant in `(before, after]` whose offset differs from the
/// offset at `before`, given that the offset at `after` differs.
fn change_point(tz: Tz, mut before: DateTime<Utc>, mut after: DateTime<Utc>) -> DateTime<Utc> {
    let from = offset_at(tz, before);
    while after - before > TimeDelta::seconds(1) {
        let mid = before + (after - before) / 2;
        if offset_at(tz, mid) == from {
            before = mid;
        } else {
            after = mid;
        }
    }
    after
}

/// The step of the walks that look for transitions: shorter than the
/// shortest time between two transitions of any zone since the horizon
/// (6.9 days: America/Cambridge_Bay in 2000; Brazil's zones and Asia/Gaza
/// have 7), so a step never holds two transitions and a change and its
/// reverse can never hide each other. `same_as_the_daily_walk` checks every
/// zone of the tz database against a walk of one day per step.
const STEP_DAYS: i64 = 6;

/// The last transition at or before `t`, if any since the horizon.
fn onset_before(tz: Tz, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let known = known_transitions(tz);
    if t <= limit() {
        let i = known.partition_point(|x| *x <= t);
        return i.checked_sub(1).map(|i| known[i]);
    }
    // Beyond the known span: walk back to it, then the last known one.
    let current = offset_at(tz, t);
    let mut hi = t;
    while hi > limit() {
        let lo = (hi - TimeDelta::days(STEP_DAYS)).max(limit());
        if offset_at(tz, lo) != current {
            return Some(change_point(tz, lo, hi));
        }
        hi = lo;
    }
    known.last().copied()
}

/// Every transition in `(from, to]`.
fn transitions_between(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    if from >= horizon() && to <= limit() {
        return known_transitions(tz)
            .iter()
            .copied()
            .filter(|x| *x > from && *x <= to)
            .collect();
    }
    scan_transitions(tz, from, to)
}

/// The end of the span whose transitions are found once per zone.
fn limit() -> DateTime<Utc> {
    DateTime::from_timestamp(4_102_444_800, 0).unwrap_or(DateTime::<Utc>::MAX_UTC) // 2100-01-01
}

/// Every transition of `tz` from the horizon to 2100, found once per zone
/// and process: walking the zone costs thousands of lookups, and a site has
/// one zone but many calendar files.
fn known_transitions(tz: Tz) -> std::sync::Arc<Vec<DateTime<Utc>>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Known = HashMap<String, Arc<Vec<DateTime<Utc>>>>;
    static KNOWN: OnceLock<Mutex<Known>> = OnceLock::new();
    let cache = KNOWN.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(tz.name()).cloned()) {
        return found;
    }
    // Zones change offset on whole seconds; the bisection can land a
    // fraction after one, so each instant is snapped to its second.
    let snap = |at: DateTime<Utc>| {
        let floor = DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
        if offset_at(tz, floor) != offset_at(tz, floor - TimeDelta::seconds(1)) {
            floor
        } else {
            floor + TimeDelta::seconds(1)
        }
    };
    let found: Arc<Vec<DateTime<Utc>>> = Arc::new(
        scan_transitions(tz, horizon(), limit())
            .into_iter()
            .map(snap)
            .collect(),
    );
    if let Ok(mut c) = cache.lock() {
        c.insert(tz.name().to_string(), found.clone());
    }
    found
}

/// Walk `(from, to]` for offset changes, [`STEP_DAYS`] at a time.
fn scan_transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut found = Vec::new();
    let mut lo = from;
    let mut lo_offset = offset_at(tz, lo);
    while lo < to {
        let hi = (lo + TimeDelta::days(STEP_DAYS)).min(to);
        let hi_offset = offset_at(tz, hi);
        if hi_offset != lo_offset {
            let at = change_point(tz, lo, hi);
            found.push(at);
            lo = at;
            lo_offset = offset_at(tz, at);
        } else {
            lo = hi;
        }
    }
    found
}

/// The VTIMEZONE covering `[start, end]` (see the module comment).
fn vtimezone(out: &mut Lines, tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) {
    out.line("BEGIN:VTIMEZONE");
    out.text("TZID", tz.name());
    match onset_before(tz, start) {
        Some(onset) => observance(out, tz, onset),
        None => {
            // No change since the horizon: one observance from then on.
            let offset = offset_at(tz, start);
            observance_lines(out, horizon().naive_utc(), offset, offset);
        }
    }
    for onset in transitions_between(tz, start, end) {
        observance(out, tz, onset);
    }
    out.line("END:VTIMEZONE");
}

fn observance(out: &mut Lines, tz: Tz, onset: DateTime<Utc>) {
    let from = offset_at(tz, onset - TimeDelta::seconds(1));
    let to = offset_at(tz, onset);
    // RFC 5545 gives an onset in the local time before it (TZOFFSETFROM).
    let local_onset = onset.naive_utc() + TimeDelta::seconds(seconds_east(from).into());
    observance_lines(out, local_onset, from, to);
}

fn observance_lines(out: &mut Lines, local_onset: NaiveDateTime, from: TzOffset, to: TzOffset) {
    let kind = if to.dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    out.line(&format!("BEGIN:{kind}"));
    out.line(&format!("DTSTART:{}", local_stamp(local_onset)));
    out.line(&format!("TZOFFSETFROM:{}", utc_offset(from)));
    out.line(&format!("TZOFFSETTO:{}", utc_offset(to)));
    if let Some(name) = to.abbreviation() {
        out.text("TZNAME", name);
    }
    out.line(&format!("END:{kind}"));
}

fn seconds_east(offset: TzOffset) -> i32 {
    offset.fix().local_minus_utc()
}

/// A UTC-OFFSET value: `+0900`, `-0430`, with seconds only when non-zero.
fn utc_offset(offset: TzOffset) -> String {
    let east = seconds_east(offset);
    let sign = if east < 0 { '-' } else { '+' };
    let abs = east.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Asia::Tokyo;
    use icalendar::parser::{Component, read_calendar, unfold};
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const LONG_JA: &str = "他社のマネジャー同士が1on1を実践する夜です。成果、業務・仕組み、関係・成長、自分;\
        四つの軸から話題を選びます。\\バックスラッシュも\r\n改行(CRLF)も\rCRも\nLFも、そのまま届きます。";

    fn event() -> CalendarEvent<'static> {
        CalendarEvent {
            uid: "lab-2026-01-22@example.org",
            summary: "対話1on1ラボ 第2回, 越境対話で次の一手を見つける; 他社のマネジャーと1on1 \\ オンライン開催",
            description: LONG_JA,
            location: "Zoom(参加者にURLをお送りします)",
            url: "https://example.org/lab/labs/2026-01-22/recruit/",
            start: utc("2026-01-22T19:00:00+09:00"),
            end: utc("2026-01-22T21:30:00+09:00"),
            tz: Tokyo,
            stamp: utc("2026-01-10T03:00:00Z"),
            cancelled: false,
            organizer_name: "対話1on1ラボ\"事務局\"",
            organizer_email: "lab@example.org",
        }
    }

    fn vevent<'a>(cal: &'a icalendar::parser::Calendar<'a>) -> &'a Component<'a> {
        cal.components
            .iter()
            .find(|c| c.name == "VEVENT")
            .expect("a VEVENT")
    }

    fn prop(c: &Component, name: &str) -> String {
        c.find_prop(name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .val
            .as_str()
            .to_string()
    }

    /// Reads a DTSTART/DTEND back to an instant the way a calendar client
    /// does: with the VTIMEZONE of the file, never with our own tz data.
    fn instant(cal: &icalendar::parser::Calendar, ev: &Component, name: &str) -> DateTime<Utc> {
        let p = ev.find_prop(name).unwrap();
        let value = p.val.as_str();
        if let Some(z) = value.strip_suffix('Z') {
            return NaiveDateTime::parse_from_str(z, "%Y%m%dT%H%M%S")
                .unwrap()
                .and_utc();
        }
        let tzid = p.params.iter().find(|x| x.key == "TZID").unwrap();
        let tzid = tzid.val.as_ref().unwrap().as_str();
        let vtz = cal
            .components
            .iter()
            .find(|c| c.name == "VTIMEZONE" && prop(c, "TZID") == tzid)
            .expect("a VTIMEZONE for the TZID");
        let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").unwrap();
        // Observances as (onset in UTC, offset after it).
        let mut obs: Vec<(NaiveDateTime, i32)> = vtz
            .components
            .iter()
            .map(|o| {
                assert!(o.name == "STANDARD" || o.name == "DAYLIGHT");
                let onset =
                    NaiveDateTime::parse_from_str(&prop(o, "DTSTART"), "%Y%m%dT%H%M%S").unwrap();
                let from = parse_offset(&prop(o, "TZOFFSETFROM"));
                let to = parse_offset(&prop(o, "TZOFFSETTO"));
                (onset - TimeDelta::seconds(from.into()), to)
            })
            .collect();
        obs.sort();
        // The first reading of the local time that falls in its observance.
        let mut readings: Vec<NaiveDateTime> = obs
            .iter()
            .enumerate()
            .filter_map(|(i, &(onset, to))| {
                let t = local - TimeDelta::seconds(to.into());
                let until = obs.get(i + 1).map(|o| o.0);
                (t >= onset && until.is_none_or(|u| t < u)).then_some(t)
            })
            .collect();
        readings.sort();
        readings.first().expect("local time covered").and_utc()
    }

    fn parse_offset(s: &str) -> i32 {
        let sign = if s.starts_with('-') { -1 } else { 1 };
        let d = &s[1..];
        let h: i32 = d[0..2].parse().unwrap();
        let m: i32 = d[2..4].parse().unwrap();
        let sec: i32 = d.get(4..6).map_or(0, |x| x.parse().unwrap());
        sign * (h * 3600 + m * 60 + sec)
    }

    #[test]
    fn parses_and_round_trips_text() {
        let e = event();
        let ics = calendar(&e);
        let unfolded = unfold(&ics);
        let cal = read_calendar(&unfolded).unwrap();
        let names: Vec<_> = cal.properties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["VERSION", "PRODID", "CALSCALE", "METHOD"]);
        let ev = vevent(&cal);
        assert_eq!(prop(ev, "UID"), e.uid);
        assert_eq!(prop(ev, "SUMMARY"), e.summary);
        // Line breaks of every kind arrive as LF.
        let description = LONG_JA.replace("\r\n", "\n").replace('\r', "\n");
        assert_eq!(prop(ev, "DESCRIPTION"), description);
        assert_eq!(prop(ev, "LOCATION"), e.location);
        assert_eq!(prop(ev, "URL"), e.url);
        assert_eq!(prop(ev, "STATUS"), "CONFIRMED");
        assert_eq!(prop(ev, "DTSTAMP"), "20260110T030000Z");
        assert_eq!(prop(ev, "DTSTART"), "20260122T190000");
        assert_eq!(prop(ev, "DTEND"), "20260122T213000");
        assert_eq!(instant(&cal, ev, "DTSTART"), e.start);
        assert_eq!(instant(&cal, ev, "DTEND"), e.end);
        let org = ev.find_prop("ORGANIZER").unwrap();
        assert_eq!(org.val.as_str(), "mailto:lab@example.org");
        let cn = org.params.iter().find(|p| p.key == "CN").unwrap();
        assert_eq!(cn.val.as_ref().unwrap().as_str(), "対話1on1ラボ事務局");
        assert!(ics.contains("ORGANIZER;CN=\"対話1on1ラボ事務局\":mailto:lab@example.org"));
        // The summary and the description really were long enough to fold.
        assert!(e.summary.len() > 75 && LONG_JA.len() > 75);
        assert!(ics.contains("\r\n "));
    }

    #[test]
    fn lines_are_crlf_short_and_fold_on_char_boundaries() {
        let ics = calendar(&event());
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains(['\r', '\n']));
        let body = ics.strip_suffix("\r\n").unwrap();
        for line in body.split("\r\n") {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line}",
                line.len()
            );
            assert!(!line.is_empty());
        }
        // Every folded piece is valid UTF-8 on its own: no split character.
        for piece in ics.as_bytes().split(|&b| b == b'\n') {
            assert!(std::str::from_utf8(piece).is_ok());
        }
        // Pieces that were folded are as long as they can be.
        let lines: Vec<&str> = body.split("\r\n").collect();
        for pair in lines.windows(2) {
            if pair[1].starts_with(' ') {
                let next_char = pair[1][1..].chars().next().unwrap();
                assert!(pair[0].len() + next_char.len_utf8() > MAX_LINE_OCTETS);
            }
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_text("a\\b;c,d"), "a\\\\b\\;c\\,d");
        assert_eq!(escape_text("1\r\n2\r3\n4"), "1\\n2\\n3\\n4");
        assert_eq!(escape_text("tab\there\u{7}bell"), "tab\therebell");
        assert_eq!(escape_text("コロン: そのまま"), "コロン: そのまま");
    }

    #[test]
    fn deterministic_and_cancelled() {
        let e = event();
        assert_eq!(calendar(&e), calendar(&e));
        let c = CalendarEvent {
            cancelled: true,
            ..e
        };
        let ics = calendar(&c);
        let unfolded = unfold(&ics);
        let cal = read_calendar(&unfolded).unwrap();
        let ev = vevent(&cal);
        assert_eq!(prop(ev, "STATUS"), "CANCELLED");
        assert_eq!(prop(ev, "SEQUENCE"), "1");
    }

    #[test]
    fn optional_properties_are_left_out_when_empty() {
        let e = CalendarEvent {
            organizer_email: "",
            description: "",
            location: "",
            url: "",
            ..event()
        };
        let ics = calendar(&e);
        for absent in ["ORGANIZER", "DESCRIPTION", "LOCATION", "URL"] {
            assert!(!ics.contains(&format!("\r\n{absent}")), "{absent}");
        }
        let no_name = CalendarEvent {
            organizer_name: "",
            ..event()
        };
        assert!(calendar(&no_name).contains("\r\nORGANIZER:mailto:lab@example.org\r\n"));
    }

    #[test]
    fn tokyo_has_one_standard_observance() {
        let ics = calendar(&event());
        let expected = "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\n\
            DTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n\
            TZNAME:JST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
        assert!(ics.contains(expected), "{ics}");
        assert!(ics.contains("DTSTART;TZID=Asia/Tokyo:20260122T190000\r\n"));
    }

    #[test]
    fn new_york_vtimezone_follows_dst() {
        let cases = [
            // Winter, summer, right after spring forward, right after fall back.
            ("2026-01-22T19:00:00-05:00", "2026-01-22T21:00:00-05:00", 1),
            ("2026-07-09T19:00:00-04:00", "2026-07-09T21:00:00-04:00", 1),
            ("2026-03-08T03:00:00-04:00", "2026-03-08T05:00:00-04:00", 1),
            ("2026-11-01T01:00:00-05:00", "2026-11-01T03:00:00-05:00", 1),
            // Across spring forward and across fall back.
            ("2026-03-08T01:00:00-05:00", "2026-03-08T04:00:00-04:00", 2),
            ("2026-11-01T00:30:00-04:00", "2026-11-01T03:00:00-05:00", 2),
            // The second 01:30 of the fall-back night.
            ("2026-11-01T01:30:00-05:00", "2026-11-01T02:30:00-05:00", 1),
        ];
        for (start, end, observances) in cases {
            let e = CalendarEvent {
                start: utc(start),
                end: utc(end),
                tz: New_York,
                ..event()
            };
            let ics = calendar(&e);
            let unfolded = unfold(&ics);
            let cal = read_calendar(&unfolded).unwrap();
            let ev = vevent(&cal);
            assert_eq!(instant(&cal, ev, "DTSTART"), e.start, "{start}\n{ics}");
            assert_eq!(instant(&cal, ev, "DTEND"), e.end, "{end}\n{ics}");
            let vtz = cal.components.iter().find(|c| c.name == "VTIMEZONE");
            assert_eq!(vtz.unwrap().components.len(), observances, "{ics}");
        }
    }

    #[test]
    fn new_york_observance_values() {
        let e = CalendarEvent {
            start: utc("2026-03-08T01:00:00-05:00"),
            end: utc("2026-03-08T04:00:00-04:00"),
            tz: New_York,
            ..event()
        };
        let ics = calendar(&e);
        let expected = "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n\
            BEGIN:STANDARD\r\nDTSTART:20251102T020000\r\nTZOFFSETFROM:-0400\r\n\
            TZOFFSETTO:-0500\r\nTZNAME:EST\r\nEND:STANDARD\r\n\
            BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\n\
            TZOFFSETTO:-0400\r\nTZNAME:EDT\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
        assert!(ics.contains(expected), "{ics}");
        assert!(ics.contains("DTSTART;TZID=America/New_York:20260308T010000\r\n"));
        assert!(ics.contains("DTEND;TZID=America/New_York:20260308T040000\r\n"));
        // The second 01:30 on fall-back night is written in UTC.
        let second = CalendarEvent {
            start: utc("2026-11-01T06:30:00Z"),
            end: utc("2026-11-01T08:00:00Z"),
            tz: New_York,
            ..event()
        };
        let ics = calendar(&second);
        assert!(ics.contains("\r\nDTSTART:20261101T063000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nDTEND;TZID=America/New_York:20261101T030000\r\n"));
    }

    #[test]
    fn other_zones_round_trip() {
        let zones: [Tz; 5] = [
            chrono_tz::Europe::London,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::Sao_Paulo,
            chrono_tz::UTC,
        ];
        let mut t = utc("2026-01-01T00:00:00Z");
        while t < utc("2027-01-01T00:00:00Z") {
            for tz in zones {
                let e = CalendarEvent {
                    start: t,
                    end: t + TimeDelta::minutes(150),
                    tz,
                    ..event()
                };
                let ics = calendar(&e);
                let unfolded = unfold(&ics);
                let cal = read_calendar(&unfolded).unwrap();
                let ev = vevent(&cal);
                assert_eq!(instant(&cal, ev, "DTSTART"), e.start, "{tz} {t}");
                assert_eq!(instant(&cal, ev, "DTEND"), e.end, "{tz} {t}");
            }
            t += TimeDelta::hours(61);
        }
    }

    #[test]
    fn utc_offsets_format() {
        let at = utc("2026-01-01T00:00:00Z");
        assert_eq!(utc_offset(offset_at(Tokyo, at)), "+0900");
        assert_eq!(utc_offset(offset_at(New_York, at)), "-0500");
        assert_eq!(
            utc_offset(offset_at(chrono_tz::Asia::Kathmandu, at)),
            "+0545"
        );
        // Local mean time before standard time had seconds.
        let lmt = utc("1880-01-01T00:00:00Z");
        assert_eq!(utc_offset(offset_at(New_York, lmt)), "-045602");
    }

    /// The day-by-day walks this module used before: every transition is
    /// found by stepping one day at a time.
    mod daily {
        use super::*;

        pub fn onset_before(tz: Tz, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
            let current = offset_at(tz, t);
            let mut hi = t;
            while hi > horizon() {
                let lo = (hi - TimeDelta::days(1)).max(horizon());
                if offset_at(tz, lo) != current {
                    return Some(change_point(tz, lo, hi));
                }
                hi = lo;
            }
            None
        }

        pub fn scan(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
            let mut found = Vec::new();
            let mut lo = from;
            while lo < to {
                let hi = (lo + TimeDelta::days(1)).min(to);
                if offset_at(tz, hi) != offset_at(tz, lo) {
                    let at = change_point(tz, lo, hi);
                    found.push(at);
                    lo = at;
                } else {
                    lo = hi;
                }
            }
            found
        }
    }

    /// An instant as the calendar writes it: to the second.
    fn second(t: DateTime<Utc>) -> i64 {
        t.timestamp()
    }

    #[test]
    fn same_as_the_daily_walk() {
        // Every zone in a release build; a sample in a debug build, where
        // the daily walk is slow.
        let sample = [
            Tokyo,
            New_York,
            chrono_tz::Europe::London,
            chrono_tz::Asia::Kolkata,
            chrono_tz::UTC,
            chrono_tz::America::Cambridge_Bay,
            chrono_tz::America::Noronha,
            chrono_tz::Asia::Gaza,
            chrono_tz::Africa::Casablanca,
            chrono_tz::Australia::Lord_Howe,
        ];
        let zones: Vec<Tz> = if cfg!(debug_assertions) {
            sample.to_vec()
        } else {
            chrono_tz::TZ_VARIANTS.to_vec()
        };
        for tz in zones {
            let old: Vec<i64> = daily::scan(tz, horizon(), limit())
                .into_iter()
                .map(second)
                .collect();
            let new: Vec<i64> = known_transitions(tz).iter().copied().map(second).collect();
            assert_eq!(new, old, "{tz}");
        }
    }

    #[test]
    fn onsets_and_transitions_as_the_daily_walk_found_them() {
        // Zones with and without daylight saving time (the daily walk goes
        // back to 1970 for those: fewer dates); dates from before the
        // horizon to after the known span (2100).
        let zones = [
            (Tokyo, 401),
            (chrono_tz::Asia::Kolkata, 401),
            (chrono_tz::UTC, 401),
            (New_York, 11),
            (chrono_tz::Europe::London, 11),
            (chrono_tz::America::Sao_Paulo, 11),
            (chrono_tz::Africa::Casablanca, 11),
        ];
        for (tz, every_days) in zones {
            let mut t = utc("1968-06-01T10:00:00Z");
            let mut checked = 0;
            while t < utc("2106-01-01T00:00:00Z") {
                let old = daily::onset_before(tz, t).map(second);
                assert_eq!(onset_before(tz, t).map(second), old, "{tz} {t}");
                // An evening, and a span across a change.
                for hours in [3, 24 * 8] {
                    let end = t + TimeDelta::hours(hours);
                    let old: Vec<i64> = daily::scan(tz, t, end).into_iter().map(second).collect();
                    let new: Vec<i64> = transitions_between(tz, t, end)
                        .into_iter()
                        .map(second)
                        .collect();
                    assert_eq!(new, old, "{tz} {t} +{hours}h");
                }
                // Right at a transition, and a second before it.
                if let Some(onset) = onset_before(tz, t) {
                    for at in [onset, onset - TimeDelta::seconds(1)] {
                        let old = daily::onset_before(tz, at).map(second);
                        assert_eq!(onset_before(tz, at).map(second), old, "{tz} {at}");
                    }
                }
                t += TimeDelta::days(every_days) + TimeDelta::hours(7);
                checked += 1;
            }
            assert!(checked > 120, "{tz}");
        }
    }

    proptest! {
        #[test]
        fn folding_round_trips_and_respects_the_limit(s in "[^\r\n]{0,400}") {
            let folded = fold_line(&s);
            prop_assert_eq!(unfold(&folded), s.clone());
            for line in folded.split("\r\n") {
                prop_assert!(line.len() <= MAX_LINE_OCTETS);
            }
            for line in folded.split("\r\n").skip(1) {
                prop_assert!(line.starts_with(' '));
            }
        }

        #[test]
        fn text_round_trips_through_a_parser(s in "\\PC{0,200}", nl in "(\n|\r\n|\r)?") {
            let value = format!("x{s}{nl}{s}");
            let e = CalendarEvent { summary: &value, description: &value, ..event() };
            let ics = calendar(&e);
            for line in ics.strip_suffix("\r\n").unwrap().split("\r\n") {
                prop_assert!(line.len() <= MAX_LINE_OCTETS);
            }
            let unfolded = unfold(&ics);
            let cal = read_calendar(&unfolded).unwrap();
            let expected = value.replace("\r\n", "\n").replace('\r', "\n");
            let expected: String =
                expected.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
            prop_assert_eq!(prop(vevent(&cal), "SUMMARY"), expected.clone());
            prop_assert_eq!(prop(vevent(&cal), "DESCRIPTION"), expected);
        }
    }
}
