//! The survey as the public sees it: consent, redaction, attribution and
//! k-suppression applied. Nothing here holds a name, company or e-mail.
//!
//! Withheld means absent (SPEC §7.7): a survey or a question that the rules
//! withhold is a `Withheld` variant that carries nothing of its answers, so a
//! site's own template cannot print what the rules dropped.

use std::collections::BTreeMap;

use crate::privacy::redact::Redactor;
use crate::source::lab::LabRecord;
use crate::source::record::{Answer, Consent, Participant, QuestionKind, Response};
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub label: String,
    pub count: usize,
    pub percent: u32,
}

/// A question of the survey. Its text and kind are the organizer's own and
/// always shown; its results only when at least k consenting respondents
/// answered it.
#[derive(Clone, Debug)]
pub struct QuestionResult {
    pub id: String,
    pub text: String,
    pub kind: &'static str,
    pub results: QuestionResults,
}

/// A question's results, or the fact that they were withheld.
#[derive(Clone, Debug)]
pub enum QuestionResults {
    Shown(ShownResults),
    Withheld,
}

/// The results of a question that at least k consenting respondents answered.
#[derive(Clone, Debug)]
pub struct ShownResults {
    pub answered: usize,
    pub rows: Vec<Row>,
    pub mean: String,
    /// The `rows` drawn as an inline SVG: empty here, filled in by
    /// `render::charts::draw` (the view holds numbers; render draws them).
    pub chart_svg: String,
    /// Rating mean by industry, after small-group and complementary
    /// suppression.
    pub by_industry: Vec<Row>,
}

impl QuestionResult {
    pub fn shown(&self) -> Option<&ShownResults> {
        match &self.results {
            QuestionResults::Shown(s) => Some(s),
            QuestionResults::Withheld => None,
        }
    }
}

/// Templates see `{id, text, kind, shown}` and, only when `shown`, the
/// results' fields beside them (docs/theme.md).
impl Serialize for QuestionResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let shown = self.shown();
        let mut st = s.serialize_struct("QuestionResult", if shown.is_some() { 9 } else { 4 })?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("text", &self.text)?;
        st.serialize_field("kind", self.kind)?;
        st.serialize_field("shown", &shown.is_some())?;
        if let Some(r) = shown {
            st.serialize_field("answered", &r.answered)?;
            st.serialize_field("rows", &r.rows)?;
            st.serialize_field("mean", &r.mean)?;
            st.serialize_field("chart_svg", &r.chart_svg)?;
            st.serialize_field("by_industry", &r.by_industry)?;
        }
        st.end()
    }
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

/// A lab's survey: its results, or only the fact that it was withheld
/// (fewer than k consenting respondents).
#[derive(Clone, Debug)]
pub enum PublicSurvey {
    Shown(ShownSurvey),
    Withheld,
}

/// A survey with at least k consenting respondents.
#[derive(Clone, Debug)]
pub struct ShownSurvey {
    pub respondents: usize,
    pub questions: Vec<QuestionResult>,
    pub quotes: Vec<PublicQuote>,
    pub takeaways: Vec<TakeawayGroup>,
    pub industries: Vec<Row>,
}

impl PublicSurvey {
    pub fn is_withheld(&self) -> bool {
        matches!(self, PublicSurvey::Withheld)
    }

    pub fn shown(&self) -> Option<&ShownSurvey> {
        match self {
            PublicSurvey::Shown(s) => Some(s),
            PublicSurvey::Withheld => None,
        }
    }

    pub fn shown_mut(&mut self) -> Option<&mut ShownSurvey> {
        match self {
            PublicSurvey::Shown(s) => Some(s),
            PublicSurvey::Withheld => None,
        }
    }
}

/// Templates see `{withheld: true}` for a withheld survey and nothing else;
/// otherwise `withheld: false` beside the results' fields (docs/theme.md).
impl Serialize for PublicSurvey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PublicSurvey::Withheld => {
                let mut st = s.serialize_struct("PublicSurvey", 1)?;
                st.serialize_field("withheld", &true)?;
                st.end()
            }
            PublicSurvey::Shown(v) => {
                let mut st = s.serialize_struct("PublicSurvey", 6)?;
                st.serialize_field("withheld", &false)?;
                st.serialize_field("respondents", &v.respondents)?;
                st.serialize_field("questions", &v.questions)?;
                st.serialize_field("quotes", &v.quotes)?;
                st.serialize_field("takeaways", &v.takeaways)?;
                st.serialize_field("industries", &v.industries)?;
                st.end()
            }
        }
    }
}

/// What the privacy rules did, for the summary after a build.
#[derive(Clone, Debug, Default)]
pub struct PrivacyStats {
    pub quotes: usize,
    pub redactions: usize,
    pub groups_suppressed: usize,
    pub responses_without_consent: usize,
    /// The suppressed groups by kind, in the order the survey has them;
    /// their counts add up to `groups_suppressed`.
    pub suppressed: Vec<Suppressed>,
}

/// Groups under k of one kind, and what became of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    /// What was broken down: `業種`, `設問「…」`, `業種別の平均「…」`.
    pub kind: String,
    pub groups: usize,
    /// `merged into その他`, `left out`, `not shown`.
    pub fate: String,
}

impl PrivacyStats {
    pub fn add(&mut self, o: &PrivacyStats) {
        self.quotes += o.quotes;
        self.redactions += o.redactions;
        self.groups_suppressed += o.groups_suppressed;
        self.responses_without_consent += o.responses_without_consent;
        self.suppressed.extend(o.suppressed.iter().cloned());
    }

    fn suppress(&mut self, kind: String, groups: usize, fate: &str) {
        if groups == 0 {
            return;
        }
        self.groups_suppressed += groups;
        self.suppressed.push(Suppressed {
            kind,
            groups,
            fate: fate.to_string(),
        });
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
/// lab has at least k participants who attended (a no-show cannot hide
/// anyone, SPEC §7.4); empty when none has.
pub fn attribution(p: &Participant, all: &[Participant], k: usize, joiner: &str) -> String {
    let count =
        |f: &dyn Fn(&Participant) -> bool| all.iter().filter(|x| x.attended && f(x)).count();
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

/// The lab's survey after the privacy rules, and what they did. `None` when
/// the lab has no survey.
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
        // An anonymous response (from an export) counts; one naming a
        // participant counts when the participant is the lab's.
        .filter(|r| {
            r.consent != Consent::None
                && r.participant
                    .as_deref()
                    .is_none_or(|id| participant(id).is_some())
        })
        .collect();
    stats.responses_without_consent = survey.responses.len() - consenting.len();
    let respondents = consenting.len();
    if survey.questions.is_empty() && survey.responses.is_empty() {
        return (None, stats);
    }
    if respondents < k {
        // Withheld: nothing of it is computed, so nothing of it can reach a
        // template.
        stats.suppress(
            "アンケート全体".to_string(),
            1,
            "withheld (fewer than k consenting respondents)",
        );
        return (Some(PublicSurvey::Withheld), stats);
    }

    let mut questions = Vec::new();
    for q in &survey.questions {
        let answers: Vec<(Option<&str>, &Answer)> = consenting
            .iter()
            .filter_map(|r| r.answers.get(&q.id).map(|a| (r.participant.as_deref(), a)))
            .collect();
        let answered = answers.len();
        let kind = match &q.kind {
            QuestionKind::Rating { .. } => "rating",
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::Text => "text",
        };
        let results = if answered < k {
            stats.suppress(
                format!("設問「{}」", q.text),
                1,
                "not shown (fewer than k answers)",
            );
            QuestionResults::Withheld
        } else {
            let mut rows = Vec::new();
            let mut mean = String::new();
            let mut by_industry = Vec::new();
            match &q.kind {
                QuestionKind::Rating { scale } => {
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
                    // overall mean cannot reveal a hidden group. Groups and
                    // their total count attendees only (SPEC §7.4, §7.5).
                    let mut groups: BTreeMap<String, (usize, u32)> = BTreeMap::new();
                    let mut attendees = 0;
                    for (pid, a) in &answers {
                        let Some(p) = pid.and_then(participant).filter(|p| p.attended) else {
                            continue;
                        };
                        attendees += 1;
                        if let (Some(ind), Answer::Rating(x)) = (p.industry.clone(), a) {
                            let g = groups.entry(ind).or_default();
                            g.0 += 1;
                            g.1 += x;
                        }
                    }
                    let groups: Vec<(String, usize, u32)> =
                        groups.into_iter().map(|(l, (n, s))| (l, n, s)).collect();
                    let (shown_groups, suppressed) = suppress(&groups, attendees, k);
                    stats.suppress(
                        format!("業種別の平均「{}」", q.text),
                        suppressed,
                        "left out",
                    );
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
                QuestionKind::Choice { options, .. } => {
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
                QuestionKind::Text => {}
            }
            QuestionResults::Shown(ShownResults {
                answered,
                rows,
                mean,
                chart_svg: String::new(),
                by_industry,
            })
        };
        questions.push(QuestionResult {
            id: q.id.clone(),
            text: q.text.clone(),
            kind,
            results,
        });
    }
    // Text questions whose answers may be quoted: those shown, i.e. answered
    // by at least k consenting respondents (SPEC §7.5, §7.7).
    let quotable_question = |qid: &str| {
        questions
            .iter()
            .any(|q| q.id == qid && q.kind == "text" && q.shown().is_some())
    };

    // Quotes: the curated list, else every quotable text answer. An
    // anonymous response is quoted without attribution.
    let quotable: Vec<(&Response, String)> = match &lab.highlights {
        Some(list) => list
            .iter()
            .filter_map(|q| {
                consenting
                    .iter()
                    .find(|r| {
                        r.participant.as_deref() == Some(q.participant.as_str())
                            && r.consent == Consent::Quote
                    })
                    .map(|r| (*r, q.question.clone()))
            })
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
                    .map(|q| (*r, q.id.clone()))
                    .collect::<Vec<_>>()
            })
            .collect(),
    };
    let mut quotes = Vec::new();
    for (r, qid) in quotable {
        if !quotable_question(&qid) {
            continue;
        }
        let (Some(Answer::Text(text)), Some(q)) = (
            r.answers.get(&qid),
            survey.questions.iter().find(|q| q.id == qid),
        ) else {
            continue;
        };
        let p = r.participant.as_deref().and_then(participant);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let red = redactor.redact(text);
        stats.redactions += red.count;
        quotes.push(PublicQuote {
            text: red.text,
            attribution: p
                .map(|p| attribution(p, &lab.participants, k, joiner))
                .unwrap_or_default(),
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

    // Industries present, over the participants who attended (a no-show
    // cannot make a group look large enough, SPEC §7.4).
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in lab.participants.iter().filter(|p| p.attended) {
        if let Some(ind) = &p.industry {
            *counts.entry(ind.clone()).or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    let mut industries: Vec<Row> = Vec::new();
    let mut other = 0;
    let mut small = 0;
    for (label, n) in &counts {
        if *n >= k {
            industries.push(Row {
                label: label.clone(),
                count: *n,
                percent: percent(*n, total),
            });
        } else {
            other += n;
            small += 1;
        }
    }
    let fate = if other >= k {
        format!("merged into {}", words.other)
    } else {
        "left out".to_string()
    };
    stats.suppress("業種".to_string(), small, &fate);
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
        Some(PublicSurvey::Shown(ShownSurvey {
            respondents,
            questions,
            quotes,
            takeaways,
            industries,
        })),
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
            kana: None,
            nicknames: vec![],
            attended: true,
            path: String::new(),
            origin: None,
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
    fn survey_serializes_to_the_documented_fields() {
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
        let survey = PublicSurvey::Shown(ShownSurvey {
            respondents: 7,
            questions: vec![
                QuestionResult {
                    id: "q1".into(),
                    text: "満足度は?".into(),
                    kind: "rating",
                    results: QuestionResults::Shown(ShownResults {
                        answered: 6,
                        rows: vec![row("5", 4, 67), row("4", 2, 33)],
                        mean: "4.7".into(),
                        chart_svg: "<svg>…</svg>".into(),
                        by_industry: vec![row("製造業", 3, 0)],
                    }),
                },
                QuestionResult {
                    id: "q2".into(),
                    text: "ひとこと".into(),
                    kind: "text",
                    results: QuestionResults::Withheld,
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
        });
        // Templates see exactly the fields docs/theme.md lists.
        let v = serde_json::to_value(&survey).unwrap();
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(
            keys(&v),
            [
                "industries",
                "questions",
                "quotes",
                "respondents",
                "takeaways",
                "withheld"
            ]
        );
        assert_eq!(v["withheld"], false);
        assert_eq!(
            keys(&v["questions"][0]),
            [
                "answered",
                "by_industry",
                "chart_svg",
                "id",
                "kind",
                "mean",
                "rows",
                "shown",
                "text"
            ]
        );
        assert_eq!(v["questions"][0]["shown"], true);
        // A withheld question carries only what the organizer wrote.
        assert_eq!(keys(&v["questions"][1]), ["id", "kind", "shown", "text"]);
        assert_eq!(v["questions"][1]["shown"], false);
        assert_eq!(
            keys(&v["questions"][0]["rows"][0]),
            ["count", "label", "percent"]
        );
        assert_eq!(keys(&v["quotes"][0]), ["attribution", "question", "text"]);
        assert_eq!(keys(&v["takeaways"][0]), ["question", "quotes"]);
        assert_eq!(v["questions"][0]["chart_svg"], "<svg>…</svg>");
        assert_eq!(v["industries"][1]["percent"], u32::MAX);
        // A withheld survey is the fact and nothing else.
        let v = serde_json::to_value(PublicSurvey::Withheld).unwrap();
        assert_eq!(v, serde_json::json!({ "withheld": true }));
    }

    /// A lab read from YAML, as the loader reads it.
    fn lab(participants: &str, questions: &str, responses: &str) -> LabRecord {
        let text = format!(
            "title: t\ndate: 2025-11-13\nstart: \"18:00\"\nend: \"20:00\"\nstatus: held\n\
             participants:\n{participants}survey:\n  questions:\n{questions}  responses:\n{responses}"
        );
        let file = crate::diagnostics::SourceFile::new(
            std::path::Path::new("/"),
            std::path::Path::new("/lab.yaml"),
            text,
        );
        let (record, diags) = crate::source::lab::read_lab("2025-11-13", &file);
        let errors: Vec<_> = diags.iter().map(|d| d.message.clone()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        record.expect("a lab")
    }

    fn person(id: &str, industry: &str, role: &str, attended: bool) -> String {
        format!(
            "  - id: {id}\n    industry: {industry}\n    role: {role}\n    attended: {attended}\n"
        )
    }

    const QUESTIONS: &str = concat!(
        "    - id: sat\n      text: 満足度\n      type: rating\n      scale: 5\n",
        "    - id: topics\n      text: 論点\n      type: choice\n      options: [継続, 評価]\n",
        "    - id: memo\n      text: ひとこと\n      type: text\n",
    );

    fn response(id: &str, consent: &str, memo: Option<&str>) -> String {
        let mut s = format!(
            "    - participant: {id}\n      consent: {consent}\n      answers:\n        sat: 4\n        topics: 継続\n"
        );
        if let Some(m) = memo {
            s.push_str(&format!("        memo: {m}\n"));
        }
        s
    }

    fn survey_of(lab: &LabRecord, k: usize) -> (PublicSurvey, PrivacyStats) {
        let (s, stats) = public_survey(
            lab,
            k,
            &Redactor::new(&[]),
            &SurveyWords { other: "その他" },
            "・",
        );
        (s.expect("a survey"), stats)
    }

    #[test]
    fn a_survey_below_k_carries_nothing_but_the_fact() {
        let people: String = ["a", "b"]
            .iter()
            .map(|id| person(id, "製造業", "課長", true))
            .collect();
        let responses = response("a", "quote", Some("秘密の答えA"))
            + &response("b", "quote", Some("秘密の答えB"));
        let lab = lab(&people, QUESTIONS, &responses);
        let (survey, stats) = survey_of(&lab, 3);
        assert!(survey.is_withheld());
        let json = serde_json::to_string(&survey).unwrap();
        assert_eq!(json, r#"{"withheld":true}"#);
        assert_eq!(stats.quotes, 0, "the summary counts what is published");
        assert_eq!(stats.redactions, 0);
        // At k = 2 the same lab shows its results and both quotes.
        let (survey, stats) = survey_of(&lab, 2);
        assert_eq!(survey.shown().unwrap().quotes.len(), 2);
        assert_eq!(stats.quotes, 2);
    }

    #[test]
    fn a_text_question_answered_by_fewer_than_k_is_withheld_with_its_quotes() {
        // Three consenting respondents, so the survey shows; only two of
        // them answered the text question.
        let people: String = ["a", "b", "c"]
            .iter()
            .map(|id| person(id, "製造業", "課長", true))
            .collect();
        let responses = response("a", "quote", Some("秘密の答えA"))
            + &response("b", "quote", Some("秘密の答えB"))
            + &response("c", "aggregate", None);
        let lab = lab(&people, QUESTIONS, &responses);
        let (survey, stats) = survey_of(&lab, 3);
        let shown = survey.shown().expect("three respondents: shown");
        let memo = shown.questions.iter().find(|q| q.id == "memo").unwrap();
        assert!(memo.shown().is_none());
        assert!(shown.quotes.is_empty() && shown.takeaways.is_empty());
        assert_eq!(stats.quotes, 0);
        let json = serde_json::to_string(&survey).unwrap();
        assert!(!json.contains("秘密"), "{json}");
        // The rating and choice questions, answered by all three, show.
        let sat = shown.questions.iter().find(|q| q.id == "sat").unwrap();
        assert_eq!(sat.shown().unwrap().answered, 3);
    }

    #[test]
    fn a_withheld_choice_question_carries_no_labels_or_counts() {
        let people: String = ["a", "b", "c"]
            .iter()
            .map(|id| person(id, "製造業", "課長", true))
            .collect();
        // Only one respondent answered `topics`.
        let r = |id: &str, topics: bool| {
            let mut s = format!(
                "    - participant: {id}\n      consent: aggregate\n      answers:\n        sat: 4\n"
            );
            if topics {
                s.push_str("        topics: 評価\n");
            }
            s
        };
        let lab = lab(
            &people,
            QUESTIONS,
            &(r("a", true) + &r("b", false) + &r("c", false)),
        );
        let (survey, _) = survey_of(&lab, 3);
        let v = serde_json::to_value(&survey).unwrap();
        let topics = &v["questions"][1];
        assert_eq!(topics["id"], "topics");
        assert_eq!(topics["shown"], false);
        let text = topics.to_string();
        assert!(
            !text.contains("評価") && !text.contains("継続") && !text.contains("answered"),
            "{text}"
        );
    }

    #[test]
    fn no_shows_do_not_make_a_group_large_enough() {
        // Three 製造業・課長 applied; two did not come. Three 製造業・部長
        // came, so the quote falls back to the industry.
        let people = person("a", "製造業", "課長", true)
            + &person("b", "製造業", "課長", false)
            + &person("c", "製造業", "課長", false)
            + &person("d", "製造業", "部長", true)
            + &person("e", "製造業", "部長", true);
        let responses = response("a", "quote", Some("問いを絞る"))
            + &response("d", "quote", Some("待つ"))
            + &response("e", "quote", Some("聴く"));
        let lab = lab(&people, QUESTIONS, &responses);
        let (survey, _) = survey_of(&lab, 3);
        let shown = survey.shown().unwrap();
        let q = shown
            .quotes
            .iter()
            .find(|q| q.text == "問いを絞る")
            .unwrap();
        assert_eq!(q.attribution, "製造業");
        // With everyone attending, the same lab attributes it to 製造業・課長.
        let people = people.replace("attended: false", "attended: true");
        let lab2 = self::lab(&people, QUESTIONS, &responses);
        let (survey, _) = survey_of(&lab2, 3);
        let q = survey
            .shown()
            .unwrap()
            .quotes
            .iter()
            .find(|q| q.text == "問いを絞る")
            .cloned()
            .unwrap();
        assert_eq!(q.attribution, "製造業・課長");
        // Industries present count attendees: 3 of 製造業, not 5.
        assert_eq!(shown.industries.len(), 1);
        assert_eq!(shown.industries[0].count, 3);
    }

    #[test]
    fn attribution_counts_attendees_only() {
        let mut all = vec![
            p("a", "製造業", "課長"),
            p("b", "製造業", "課長"),
            p("c", "製造業", "課長"),
        ];
        assert_eq!(attribution(&all[0], &all, 3, "・"), "製造業・課長");
        all[1].attended = false;
        assert_eq!(attribution(&all[0], &all, 3, "・"), "");
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
