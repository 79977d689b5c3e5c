//! Inline SVG bar charts for survey results. No JavaScript: the chart is an
//! image with a title, and the page shows the same numbers as text.

use std::fmt::Write as _;

use super::escape_html as esc;
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

/// A horizontal bar chart, one bar per row; `rating` charts label bars
/// with the score.
pub fn bar_chart(title: &str, rows: &[Row], rating: bool) -> String {
    let bar_h = 26;
    let gap = 10;
    let label_w = if rating { 48 } else { 230 };
    let chart_w = 560;
    let bars_w = chart_w - label_w - 70;
    let height = rows.len() * (bar_h + gap) + gap;
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    let mut svg = String::new();
    let desc: Vec<String> = rows
        .iter()
        .map(|r| format!("{}: {}", r.label, r.count))
        .collect();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {chart_w} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title><desc>{}</desc>",
        esc(title),
        esc(&desc.join(", "))
    );
    for (i, r) in rows.iter().enumerate() {
        let y = gap + i * (bar_h + gap);
        let w = if r.count == 0 {
            2
        } else {
            (r.count * bars_w).div_ceil(max)
        };
        let label = &r.label;
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"chart-label\">{label}</text><rect x=\"{bx}\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" rx=\"3\" class=\"chart-bar\"/><text x=\"{vx}\" y=\"{ty}\" class=\"chart-value\">{count}</text>",
            lx = label_w - 8,
            ty = y + bar_h / 2 + 5,
            label = esc(label),
            bx = label_w,
            vx = label_w + w + 8,
            count = r.count,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_escapes_labels_and_has_title() {
        let rows = vec![Row {
            label: "<b>".into(),
            count: 2,
            percent: 100,
        }];
        let svg = bar_chart("満足度 & more", &rows, false);
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
        let row = |label: &str, count| Row {
            label: label.into(),
            count,
            percent: 50,
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
}
