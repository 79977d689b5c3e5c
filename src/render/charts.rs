//! Inline SVG bar charts for survey results. No JavaScript: the chart is an
//! image with a title and a text description, and the page shows the same
//! numbers in a table (with the labels in full).
//!
//! The chart is drawn for a narrow column (300 units wide, shown at about
//! that many CSS pixels), so its text stays readable on a 360 px phone:
//! a choice's label goes above its bar, wrapped onto two lines and cut with
//! `…` beyond that. Colours come from the theme's CSS (one class per role:
//! `bar-chart`, `bar-chart__label`, `bar-chart__track`, `bar-chart__bar`,
//! `bar-chart__value`); the `fill` attributes are the light theme's
//! colours, for readers that show the SVG without the stylesheet.

use std::fmt::Write as _;

use super::escape_html as esc;
use super::linebreak::break_lines;
use crate::public::survey::{PublicSurvey, QuestionResults, Row};

/// Draw the chart of each question of `survey` that shows rows, into its
/// `chart_svg` (the others keep it empty).
pub fn draw(survey: &mut PublicSurvey) {
    let Some(survey) = survey.shown_mut() else {
        return;
    };
    for q in &mut survey.questions {
        let rating = q.kind == "rating";
        if let QuestionResults::Shown(r) = &mut q.results
            && !r.rows.is_empty()
        {
            r.chart_svg = bar_chart(&q.text, &r.rows, rating);
        }
    }
}

/// Width of the chart, in SVG units.
const WIDTH: usize = 300;
/// Room at the right for the counts.
const VALUE_W: usize = 32;
const FONT: usize = 14;
const BAR_H: usize = 14;
/// Lines a choice's label may take before it is cut.
const LABEL_LINES: usize = 2;

/// Rough advance of a character at [`FONT`]: what any Japanese UI font
/// gives, with room to spare (the page's font is not known here).
fn advance(c: char) -> f32 {
    let em = FONT as f32;
    if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
        em * 0.6
    } else {
        em
    }
}

/// A horizontal bar chart, one bar per row; `rating` charts put the score
/// beside its bar, other charts put the label above it.
pub fn bar_chart(title: &str, rows: &[Row], rating: bool) -> String {
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    let track_x = if rating { 24 } else { 0 };
    let track_w = WIDTH - VALUE_W - track_x;
    let mut body = String::new();
    let mut y = 4;
    for r in rows {
        if rating {
            let _ = write!(
                body,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"bar-chart__label\" fill=\"#1c2227\">{}</text>",
                track_x - 8,
                y + BAR_H - 2,
                esc(&r.label)
            );
        } else {
            // A little room to spare: the page's font is not known here.
            let lines = break_lines(&r.label, WIDTH as f32 - 8.0, LABEL_LINES, &advance);
            for line in &lines {
                y += FONT + 5;
                let _ = write!(
                    body,
                    "<text x=\"0\" y=\"{}\" class=\"bar-chart__label\" fill=\"#1c2227\">{}</text>",
                    y - 4,
                    esc(line)
                );
            }
            y += 2;
        }
        let w = if r.count == 0 {
            0
        } else {
            (r.count * track_w).div_ceil(max).max(3)
        };
        let _ = write!(
            body,
            "<rect x=\"{track_x}\" y=\"{y}\" width=\"{track_w}\" height=\"{BAR_H}\" rx=\"3\" class=\"bar-chart__track\" fill=\"#ebe5da\"/>"
        );
        if w > 0 {
            let _ = write!(
                body,
                "<rect x=\"{track_x}\" y=\"{y}\" width=\"{w}\" height=\"{BAR_H}\" rx=\"3\" class=\"bar-chart__bar\" fill=\"#0b5d5a\"/>"
            );
        }
        let _ = write!(
            body,
            "<text x=\"{WIDTH}\" y=\"{}\" text-anchor=\"end\" class=\"bar-chart__value\" fill=\"#1c2227\">{}</text>",
            y + BAR_H - 2,
            r.count
        );
        y += BAR_H + if rating { 10 } else { 14 };
    }
    let height = y;
    let desc: Vec<String> = rows
        .iter()
        .map(|r| format!("{}: {}", r.label, r.count))
        .collect();
    format!(
        "<svg class=\"bar-chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" font-size=\"{FONT}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title><desc>{}</desc>{body}</svg>",
        esc(title),
        esc(&desc.join(", "))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, count: usize) -> Row {
        Row {
            label: label.into(),
            count,
            percent: 0,
        }
    }

    #[test]
    fn chart_escapes_labels_and_has_title() {
        let svg = bar_chart("満足度 & more", &[row("<b>", 2)], false);
        assert!(svg.starts_with("<svg") && svg.contains("role=\"img\""));
        assert!(svg.contains("<title>満足度 &amp; more</title>"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn draw_fills_the_questions_that_show_rows() {
        use crate::public::survey::{QuestionResult, ShownResults, ShownSurvey};
        let q = |id: &str, shown: bool, rows: Vec<Row>| QuestionResult {
            id: id.into(),
            text: format!("{id}?"),
            kind: "rating",
            results: if shown {
                QuestionResults::Shown(ShownResults {
                    answered: rows.iter().map(|r| r.count).sum(),
                    rows,
                    mean: String::new(),
                    chart_svg: String::new(),
                    by_industry: Vec::new(),
                })
            } else {
                QuestionResults::Withheld
            },
        };
        let mut survey = PublicSurvey::Shown(ShownSurvey {
            respondents: 6,
            questions: vec![
                q("shown", true, vec![row("4", 3), row("5", 3)]),
                q("suppressed", false, Vec::new()),
                q("empty", true, Vec::new()),
            ],
            quotes: Vec::new(),
            takeaways: Vec::new(),
            industries: Vec::new(),
        });
        draw(&mut survey);
        let [shown, suppressed, empty] = &survey.shown().unwrap().questions[..] else {
            panic!("three questions");
        };
        let (shown, empty) = (shown.shown().unwrap(), empty.shown().unwrap());
        assert_eq!(
            shown.chart_svg,
            bar_chart("shown?", &shown.rows, true),
            "drawn as a rating chart"
        );
        assert!(suppressed.shown().is_none() && empty.chart_svg.is_empty());
    }

    /// Every role has its class, and a bar its colour even without CSS.
    #[test]
    fn bars_have_classes_and_a_fallback_colour() {
        let svg = bar_chart("満足度", &[row("5", 3), row("4", 1), row("3", 0)], true);
        assert_eq!(
            svg.matches("class=\"bar-chart__bar\" fill=\"#0b5d5a\"")
                .count(),
            2
        );
        assert_eq!(svg.matches("class=\"bar-chart__track\"").count(), 3);
        assert_eq!(svg.matches("class=\"bar-chart__label\"").count(), 3);
        assert_eq!(svg.matches("class=\"bar-chart__value\"").count(), 3);
        assert!(svg.contains("<desc>5: 3, 4: 1, 3: 0</desc>"));
    }

    /// A long Japanese label is wrapped to two lines, cut with `…`, and no
    /// line is wider than the chart.
    #[test]
    fn long_labels_wrap_and_are_cut_within_the_chart() {
        let long = "長期的なテーマを専門家のレポートと合わせて継続的に扱う仕組みづくりと、大規模組織での1on1の展開方法";
        let svg = bar_chart("論点", &[row(long, 2), row("短い", 1)], false);
        let labels: Vec<&str> = svg
            .split("class=\"bar-chart__label\" fill=\"#1c2227\">")
            .skip(1)
            .map(|s| s.split('<').next().unwrap())
            .collect();
        assert_eq!(labels.len(), 3, "{labels:?}");
        assert!(labels[1].ends_with('…'), "{labels:?}");
        for l in &labels {
            let w: f32 = l.chars().map(advance).sum();
            assert!(w <= WIDTH as f32, "{l}");
        }
        // The full text stays in the description.
        assert!(svg.contains(long));
    }
}
