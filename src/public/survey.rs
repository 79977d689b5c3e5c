//! The survey as the public sees it: consent, redaction, attribution and
//! k-suppression applied. Nothing here holds a name, company or e-mail.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::object;
use crate::privacy::redact::Redactor;
use crate::render::charts;
use crate::source::lab::{Answer, Consent, LabRecord, Participant, QuestionKind};

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub label: String,
    pub count: usize,
    pub percent: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuestionResult {
    pub id: String,
    pub text: String,
    pub kind: &'static str,
    pub shown: bool,
    pub answered: usize,
    pub rows: Vec<Row>,
    pub mean: String,
    pub chart_svg: String,
    /// Rating mean by industry, after small-group and complementary
    /// suppression.
    pub by_industry: Vec<Row>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublicQuote {
    pub text: String,
    pub attribution: String,
    pub question: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TakeawayGroup {
    pub question: String,
    pub quotes: Vec<PublicQuote>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublicSurvey {
    pub respondents: usize,
    pub withheld: bool,
    pub questions: Vec<QuestionResult>,
    pub quotes: Vec<PublicQuote>,
    pub takeaways: Vec<TakeawayGroup>,
    pub industries: Vec<Row>,
}

fn array<T>(items: Vec<T>, f: impl Fn(T) -> Value) -> Value {
    Value::Array(items.into_iter().map(f).collect())
}

impl Row {
    fn into_value(self) -> Value {
        object([
            ("label", Value::String(self.label)),
            ("count", Value::from(self.count)),
            ("percent", Value::from(self.percent)),
        ])
    }
}

impl QuestionResult {
    fn into_value(self) -> Value {
        object([
            ("id", Value::String(self.id)),
            ("text", Value::String(self.text)),
            ("kind", Value::from(self.kind)),
            ("shown", Value::Bool(self.shown)),
            ("answered", Value::from(self.answered)),
            ("rows", array(self.rows, Row::into_value)),
            ("mean", Value::String(self.mean)),
            ("chart_svg", Value::String(self.chart_svg)),
            ("by_industry", array(self.by_industry, Row::into_value)),
        ])
    }
}

impl PublicQuote {
    fn into_value(self) -> Value {
        object([
            ("text", Value::String(self.text)),
            ("attribution", Value::String(self.attribution)),
            ("question", Value::String(self.question)),
        ])
    }
}

impl TakeawayGroup {
    fn into_value(self) -> Value {
        object([
            ("question", Value::String(self.question)),
            ("quotes", array(self.quotes, PublicQuote::into_value)),
        ])
    }
}

impl PublicSurvey {
    /// The survey as a template value: what `serde_json::to_value` gives,
    /// with its strings (charts included) moved instead of copied.
    pub fn into_value(self) -> Value {
        object([
            ("respondents", Value::from(self.respondents)),
            ("withheld", Value::Bool(self.withheld)),
            (
                "questions",
                array(self.questions, QuestionResult::into_value),
            ),
            ("quotes", array(self.quotes, PublicQuote::into_value)),
            (
                "takeaways",
                array(self.takeaways, TakeawayGroup::into_value),
            ),
            ("industries", array(self.industries, Row::into_value)),
        ])
    }
}

/// What the privacy rules did, for the summary after a build.
#[derive(Clone, Debug, Default)]
pub struct PrivacyStats {
    pub quotes: usize,
    pub redactions: usize,
    pub groups_suppressed: usize,
    pub responses_without_consent: usize,
}

impl PrivacyStats {
    pub fn add(&mut self, o: &PrivacyStats) {
        self.quotes += o.quotes;
        self.redactions += o.redactions;
        self.groups_suppressed += o.groups_suppressed;
        self.responses_without_consent += o.responses_without_consent;
    }
}

/// Words the survey section needs in the site's language.
pub struct SurveyWords<'a> {
    pub other: &'a str,
}

fn percent(n: usize, of: usize) -> u32 {
    (n * 100 + of / 2).checked_div(of).unwrap_or(0) as u32
}

/// Groups of a breakdown that may be shown: each has at least `k` members,
/// and the members left out (total minus shown) are either none or at
/// least `k`, so a hidden group cannot be worked out by subtraction. Groups
/// are dropped smallest first until that holds. Returns the shown groups
/// (in the given order) and how many were suppressed.
pub fn suppress<T: Clone>(
    groups: &[(String, usize, T)],
    total: usize,
    k: usize,
) -> (Vec<(String, usize, T)>, usize) {
    let mut shown: Vec<(String, usize, T)> = groups.iter().filter(|g| g.1 >= k).cloned().collect();
    loop {
        let hidden = total - shown.iter().map(|g| g.1).sum::<usize>();
        if hidden == 0 || hidden >= k || shown.is_empty() {
            break;
        }
        // Drop the smallest shown group (the last one among equals, so the
        // result does not depend on hash order).
        let (idx, _) = shown
            .iter()
            .enumerate()
            .min_by_key(|(i, g)| (g.1, usize::MAX - i))
            .expect("shown is not empty");
        shown.remove(idx);
    }
    let suppressed = groups.len() - shown.len();
    (shown, suppressed)
}

/// The most specific of industry+role, industry, role whose group in the
/// lab has at least k participants; empty when none has.
pub fn attribution(p: &Participant, all: &[Participant], k: usize, joiner: &str) -> String {
    let count = |f: &dyn Fn(&Participant) -> bool| all.iter().filter(|x| f(x)).count();
    if let (Some(ind), Some(role)) = (&p.industry, &p.role)
        && count(&|x| x.industry.as_ref() == Some(ind) && x.role.as_ref() == Some(role)) >= k
    {
        return format!("{ind}{joiner}{role}");
    }
    if let Some(ind) = &p.industry
        && count(&|x| x.industry.as_ref() == Some(ind)) >= k
    {
        return ind.clone();
    }
    if let Some(role) = &p.role
        && count(&|x| x.role.as_ref() == Some(role)) >= k
    {
        return role.clone();
    }
    String::new()
}

pub fn public_survey(
    lab: &LabRecord,
    k: usize,
    redactor: &Redactor,
    words: &SurveyWords,
    joiner: &str,
) -> (Option<PublicSurvey>, PrivacyStats) {
    let mut stats = PrivacyStats::default();
    let Some(survey) = &lab.survey else {
        return (None, stats);
    };
    let participant = |id: &str| lab.participants.iter().find(|p| p.id == id);
    let consenting: Vec<_> = survey
        .responses
        .iter()
        .filter(|r| r.consent != Consent::None && participant(&r.participant).is_some())
        .collect();
    stats.responses_without_consent = survey.responses.len() - consenting.len();
    let respondents = consenting.len();
    if survey.questions.is_empty() && survey.responses.is_empty() {
        return (None, stats);
    }
    let withheld = respondents < k;

    let mut questions = Vec::new();
    if !withheld {
        for q in &survey.questions {
            let answers: Vec<(&str, &Answer)> = consenting
                .iter()
                .filter_map(|r| r.answers.get(&q.id).map(|a| (r.participant.as_str(), a)))
                .collect();
            let answered = answers.len();
            let shown = answered >= k;
            let mut rows = Vec::new();
            let mut mean = String::new();
            let mut by_industry = Vec::new();
            let kind = match &q.kind {
                QuestionKind::Rating { scale } => {
                    if shown {
                        let mut sum = 0u32;
                        for v in 1..=*scale {
                            let c = answers
                                .iter()
                                .filter(|(_, a)| matches!(a, Answer::Rating(x) if *x == v))
                                .count();
                            rows.push(Row {
                                label: v.to_string(),
                                count: c,
                                percent: percent(c, answered),
                            });
                        }
                        for (_, a) in &answers {
                            if let Answer::Rating(x) = a {
                                sum += x;
                            }
                        }
                        mean = format!("{:.1}", f64::from(sum) / answered as f64);
                        // Mean by industry, only where subtraction from the
                        // overall mean cannot reveal a hidden group.
                        let mut groups: BTreeMap<String, (usize, u32)> = BTreeMap::new();
                        for (pid, a) in &answers {
                            if let (Some(ind), Answer::Rating(x)) =
                                (participant(pid).and_then(|p| p.industry.clone()), a)
                            {
                                let g = groups.entry(ind).or_default();
                                g.0 += 1;
                                g.1 += x;
                            }
                        }
                        let groups: Vec<(String, usize, u32)> =
                            groups.into_iter().map(|(l, (n, s))| (l, n, s)).collect();
                        let (shown_groups, suppressed) = suppress(&groups, answered, k);
                        stats.groups_suppressed += suppressed;
                        // A breakdown into one group equal to the whole says
                        // nothing new; show it only with two or more groups.
                        if shown_groups.len() >= 2 {
                            by_industry = shown_groups
                                .into_iter()
                                .map(|(label, n, s)| Row {
                                    label: format!("{label} ({:.1})", f64::from(s) / n as f64),
                                    count: n,
                                    percent: percent(n, answered),
                                })
                                .collect();
                        }
                    }
                    "rating"
                }
                QuestionKind::Choice { options, .. } => {
                    if shown {
                        for o in options {
                            let c = answers
                                .iter()
                                .filter(|(_, a)| matches!(a, Answer::Choices(cs) if cs.contains(o)))
                                .count();
                            rows.push(Row {
                                label: o.clone(),
                                count: c,
                                percent: percent(c, answered),
                            });
                        }
                    }
                    "choice"
                }
                QuestionKind::Text => "text",
            };
            if !shown {
                stats.groups_suppressed += 1;
            }
            let chart_svg = if shown && !rows.is_empty() {
                charts::bar_chart(&q.text, &rows, kind == "rating")
            } else {
                String::new()
            };
            questions.push(QuestionResult {
                id: q.id.clone(),
                text: q.text.clone(),
                kind,
                shown,
                answered,
                rows,
                mean,
                chart_svg,
                by_industry,
            });
        }
    }

    // Quotes: the curated list, else every quotable text answer.
    let quotable: Vec<(String, String)> = match &lab.highlights {
        Some(list) => list
            .iter()
            .map(|q| (q.participant.clone(), q.question.clone()))
            .collect(),
        None => consenting
            .iter()
            .filter(|r| r.consent == Consent::Quote)
            .flat_map(|r| {
                survey
                    .questions
                    .iter()
                    .filter(|q| {
                        matches!(q.kind, QuestionKind::Text) && r.answers.contains_key(&q.id)
                    })
                    .map(|q| (r.participant.clone(), q.id.clone()))
                    .collect::<Vec<_>>()
            })
            .collect(),
    };
    let mut quotes = Vec::new();
    for (pid, qid) in quotable {
        let Some(r) = consenting
            .iter()
            .find(|r| r.participant == pid && r.consent == Consent::Quote)
        else {
            continue;
        };
        let (Some(Answer::Text(text)), Some(q), Some(p)) = (
            r.answers.get(&qid),
            survey.questions.iter().find(|q| q.id == qid),
            participant(&pid),
        ) else {
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let red = redactor.redact(text);
        stats.redactions += red.count;
        quotes.push(PublicQuote {
            text: red.text,
            attribution: attribution(p, &lab.participants, k, joiner),
            question: q.text.clone(),
        });
    }
    stats.quotes = quotes.len();
    let mut takeaways: Vec<TakeawayGroup> = Vec::new();
    for q in &quotes {
        match takeaways.iter_mut().find(|g| g.question == q.question) {
            Some(g) => g.quotes.push(q.clone()),
            None => takeaways.push(TakeawayGroup {
                question: q.question.clone(),
                quotes: vec![q.clone()],
            }),
        }
    }

    // Industries present, over all participants of the lab.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in &lab.participants {
        if let Some(ind) = &p.industry {
            *counts.entry(ind.clone()).or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    let mut industries: Vec<Row> = Vec::new();
    let mut other = 0;
    for (label, n) in &counts {
        if *n >= k {
            industries.push(Row {
                label: label.clone(),
                count: *n,
                percent: percent(*n, total),
            });
        } else {
            other += n;
            stats.groups_suppressed += 1;
        }
    }
    // Small groups merge into "other" when that group is itself large
    // enough; otherwise they are left out. The number left out only says
    // how many people have an attribute that is not shown.
    if other >= k {
        industries.push(Row {
            label: words.other.to_string(),
            count: other,
            percent: percent(other, total),
        });
    }
    industries.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));

    (
        Some(PublicSurvey {
            respondents,
            withheld,
            questions,
            quotes,
            takeaways,
            industries,
        }),
        stats,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str, ind: &str, role: &str) -> Participant {
        Participant {
            id: id.into(),
            name: None,
            company: None,
            aliases: vec![],
            email: None,
            industry: Some(ind.into()),
            role: Some(role.into()),
            path: String::new(),
        }
    }

    #[test]
    fn attribution_is_most_specific_group_of_k() {
        let all = vec![
            p("a", "製造業", "課長"),
            p("b", "製造業", "部長"),
            p("c", "製造業", "課長"),
            p("d", "建設業", "課長"),
        ];
        assert_eq!(attribution(&all[0], &all, 3, "・"), "製造業");
        assert_eq!(attribution(&all[3], &all, 3, "・"), "課長");
        assert_eq!(attribution(&all[1], &all, 3, "・"), "製造業");
        assert_eq!(attribution(&all[0], &all, 2, "・"), "製造業・課長");
        assert_eq!(attribution(&all[3], &all, 5, "・"), "");
    }

    #[test]
    fn into_value_is_what_serde_gives() {
        let row = |label: &str, count, percent| Row {
            label: label.into(),
            count,
            percent,
        };
        let quote = |text: &str, attribution: &str, question: &str| PublicQuote {
            text: text.into(),
            attribution: attribution.into(),
            question: question.into(),
        };
        let survey = PublicSurvey {
            respondents: 7,
            withheld: false,
            questions: vec![
                QuestionResult {
                    id: "q1".into(),
                    text: "満足度は?".into(),
                    kind: "rating",
                    shown: true,
                    answered: 6,
                    rows: vec![row("5", 4, 67), row("4", 2, 33)],
                    mean: "4.7".into(),
                    chart_svg: "<svg>…</svg>".into(),
                    by_industry: vec![row("製造業", 3, 0)],
                },
                QuestionResult {
                    id: "q2".into(),
                    text: "ひとこと".into(),
                    kind: "text",
                    shown: false,
                    answered: 0,
                    rows: Vec::new(),
                    mean: String::new(),
                    chart_svg: String::new(),
                    by_industry: Vec::new(),
                },
            ],
            quotes: vec![quote("よかった", "製造業", "ひとこと"), quote("x", "", "")],
            takeaways: vec![
                TakeawayGroup {
                    question: "ひとこと".into(),
                    quotes: vec![quote("よかった", "製造業", "")],
                },
                TakeawayGroup {
                    question: "空".into(),
                    quotes: Vec::new(),
                },
            ],
            industries: vec![row("製造業", 3, 43), row("その他", 4, usize::MAX as u32)],
        };
        let by_serde = serde_json::to_value(&survey).unwrap();
        assert_eq!(survey.clone().into_value(), by_serde);
        assert_eq!(
            serde_json::to_string(&survey.into_value()).unwrap(),
            serde_json::to_string(&by_serde).unwrap()
        );
        let withheld = PublicSurvey {
            respondents: 1,
            withheld: true,
            questions: Vec::new(),
            quotes: Vec::new(),
            takeaways: Vec::new(),
            industries: Vec::new(),
        };
        assert_eq!(
            withheld.clone().into_value(),
            serde_json::to_value(&withheld).unwrap()
        );
    }

    #[test]
    fn complementary_suppression() {
        let g = |v: &[(&str, usize)]| {
            v.iter()
                .map(|(l, n)| (l.to_string(), *n, ()))
                .collect::<Vec<_>>()
        };
        // 3 + 1: showing the 3 reveals the 1 by subtraction.
        let (shown, sup) = suppress(&g(&[("A", 3), ("B", 1)]), 4, 3);
        assert!(shown.is_empty());
        assert_eq!(sup, 2);
        // 3 + 3 + 1: drop one 3-group so the hidden part is 4 >= k.
        let (shown, _) = suppress(&g(&[("A", 3), ("B", 3), ("C", 1)]), 7, 3);
        assert_eq!(shown.len(), 1);
        // 3 + 3: nothing hidden.
        let (shown, sup) = suppress(&g(&[("A", 3), ("B", 3)]), 6, 3);
        assert_eq!(shown.len(), 2);
        assert_eq!(sup, 0);
        // 4 + 1 + 2: hidden 3 >= k is fine.
        let (shown, _) = suppress(&g(&[("A", 4), ("B", 1), ("C", 2)]), 7, 3);
        assert_eq!(shown.len(), 1);
    }
}
