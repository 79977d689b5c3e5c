//! The program as the public sees it: the timetable with each part's start
//! and end computed from the lab's start, the rounds of a part, and the
//! framework. Time arithmetic lives here and nowhere else.

use chrono::NaiveTime;
use serde::Serialize;

use crate::markdown;
use crate::source::program::{Part, ProgramSpec};
use crate::timefmt;
use crate::urls::Urls;

#[derive(Clone, Debug, Serialize)]
pub struct RoundView {
    pub number: u32,
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartView {
    pub title: String,
    pub minutes: u32,
    pub start: String,
    pub end: String,
    pub description_html: String,
    pub rounds: Option<u32>,
    pub round_minutes: Option<u32>,
    pub round_list: Vec<RoundView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AxisView {
    pub name: String,
    pub description_html: String,
    pub prompts: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FrameworkView {
    pub title: String,
    pub axes: Vec<AxisView>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ProgramView {
    pub concept: String,
    pub total_minutes: u32,
    pub parts: Vec<PartView>,
    pub framework: Option<FrameworkView>,
}

/// The program of a lab starting at `start`, or of the series (no start:
/// the times are empty).
pub fn program_view(spec: &ProgramSpec, start: Option<NaiveTime>, urls: &Urls) -> ProgramView {
    program_view_with(spec, start, &|d| markdown::render_data(d, urls))
}

fn minutes(m: u32) -> chrono::Duration {
    chrono::Duration::minutes(i64::from(m))
}

/// `(start, end)` of each round of `part`, which starts at `part_start`:
/// the rounds close the part, and the time before them is for
/// introductions and rotation. `None` for a part without rounds; empty
/// times when the part has no start or its rounds no length.
pub(crate) fn round_times(
    part: &Part,
    part_start: Option<NaiveTime>,
) -> Option<Vec<(Option<NaiveTime>, Option<NaiveTime>)>> {
    let rounds = part.rounds?;
    let lead = part
        .round_minutes
        .map(|rm| part.minutes.saturating_sub(rm.saturating_mul(rounds)));
    Some(
        (1..=rounds)
            .map(|n| match (part_start, part.round_minutes, lead) {
                (Some(s), Some(rm), Some(lead)) => {
                    let rs = s + minutes(lead.saturating_add((n - 1).saturating_mul(rm)));
                    (Some(rs), Some(rs + minutes(rm)))
                }
                _ => (None, None),
            })
            .collect(),
    )
}

/// [`program_view`] with `markdown` rendering the descriptions (a cache of
/// [`markdown::render_data`]).
pub(super) fn program_view_with(
    spec: &ProgramSpec,
    start: Option<NaiveTime>,
    markdown: &dyn Fn(&str) -> String,
) -> ProgramView {
    let time = |t: Option<NaiveTime>| t.map(timefmt::time).unwrap_or_default();
    let mut t = start;
    let mut parts = Vec::new();
    for p in spec.program.iter().flatten() {
        let part_start = t;
        let part_end = t.map(|s| s + minutes(p.minutes));
        let round_list = round_times(p, part_start)
            .unwrap_or_default()
            .into_iter()
            .zip(1..)
            .map(|((rs, re), number)| RoundView {
                number,
                start: time(rs),
                end: time(re),
            })
            .collect();
        parts.push(PartView {
            title: p.title.clone(),
            minutes: p.minutes,
            start: time(part_start),
            end: time(part_end),
            description_html: p.description.as_deref().map(markdown).unwrap_or_default(),
            rounds: p.rounds,
            round_minutes: p.round_minutes,
            round_list,
        });
        t = part_end;
    }
    ProgramView {
        concept: spec.concept.clone().unwrap_or_default(),
        total_minutes: spec.total_minutes(),
        parts,
        framework: spec.framework.as_ref().map(|f| FrameworkView {
            title: f.title.clone(),
            axes: f
                .axes
                .iter()
                .map(|a| AxisView {
                    name: a.name.clone(),
                    description_html: a.description.as_deref().map(markdown).unwrap_or_default(),
                    prompts: a.prompts.clone(),
                })
                .collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(minutes: u32, rounds: Option<u32>, round_minutes: Option<u32>) -> Part {
        Part {
            title: format!("{minutes}分"),
            minutes,
            description: None,
            rounds,
            round_minutes,
        }
    }

    fn spec(parts: Vec<Part>) -> ProgramSpec {
        ProgramSpec {
            program: Some(parts),
            ..ProgramSpec::default()
        }
    }

    fn at(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    fn view(spec: &ProgramSpec, start: Option<NaiveTime>) -> ProgramView {
        program_view_with(spec, start, &|d| format!("<p>{d}</p>"))
    }

    /// Each part starts when the one before it ends.
    #[test]
    fn parts_follow_each_other_from_the_start() {
        let v = view(
            &spec(vec![
                part(20, None, None),
                part(100, None, None),
                part(30, None, None),
            ]),
            at(18, 0),
        );
        let times: Vec<(&str, &str)> = v
            .parts
            .iter()
            .map(|p| (p.start.as_str(), p.end.as_str()))
            .collect();
        assert_eq!(
            times,
            [("18:00", "18:20"), ("18:20", "20:00"), ("20:00", "20:30")]
        );
        assert_eq!(v.total_minutes, 150);
    }

    /// The first lab's main part: 100 minutes, two rounds of 40 that
    /// close it, 20 minutes of introductions before them.
    #[test]
    fn rounds_close_the_part() {
        let v = view(
            &spec(vec![part(20, None, None), part(100, Some(2), Some(40))]),
            at(18, 0),
        );
        let rounds: Vec<(u32, &str, &str)> = v.parts[1]
            .round_list
            .iter()
            .map(|r| (r.number, r.start.as_str(), r.end.as_str()))
            .collect();
        assert_eq!(rounds, [(1, "18:40", "19:20"), (2, "19:20", "20:00")]);
        assert_eq!(v.parts[1].end, "20:00");
        assert!(v.parts[0].round_list.is_empty());
    }

    /// Rounds longer than their part start with the part (no negative lead
    /// time), and rounds without a length are listed without times.
    #[test]
    fn rounds_without_room_or_length() {
        let over = part(60, Some(2), Some(40));
        let times = round_times(&over, at(19, 0)).unwrap();
        assert_eq!(times[0], (at(19, 0), at(19, 40)));
        assert_eq!(times[1], (at(19, 40), at(20, 20)));
        let v = view(&spec(vec![part(60, Some(3), None)]), at(19, 0));
        let rounds = &v.parts[0].round_list;
        assert_eq!(rounds.len(), 3);
        assert!(
            rounds
                .iter()
                .zip(1..)
                .all(|(r, n)| r.number == n && r.start.is_empty() && r.end.is_empty())
        );
        assert_eq!(round_times(&part(60, None, Some(20)), at(19, 0)), None);
    }

    /// The series program has no start: every time is empty, the rest is
    /// there.
    #[test]
    fn series_program_has_no_times() {
        let mut s = spec(vec![part(20, None, None), part(100, Some(2), Some(40))]);
        s.concept = Some("越境対話".into());
        s.program.as_mut().unwrap()[0].description = Some("趣旨説明".into());
        let v = view(&s, None);
        assert!(
            v.parts
                .iter()
                .all(|p| p.start.is_empty() && p.end.is_empty())
        );
        assert!(
            v.parts[1]
                .round_list
                .iter()
                .all(|r| r.start.is_empty() && r.end.is_empty())
        );
        assert_eq!(v.parts[1].round_list.len(), 2);
        assert_eq!(v.concept, "越境対話");
        assert_eq!(v.parts[0].description_html, "<p>趣旨説明</p>");
        assert!(v.framework.is_none());
    }

    /// A lab late in the evening: times wrap past midnight as clock times.
    #[test]
    fn times_wrap_at_midnight() {
        let v = view(&spec(vec![part(90, None, None)]), at(23, 0));
        assert_eq!(
            (v.parts[0].start.as_str(), v.parts[0].end.as_str()),
            ("23:00", "00:30")
        );
    }
}
