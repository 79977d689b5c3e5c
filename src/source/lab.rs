//! `labs/<id>/lab.yaml`: the record of one evening, with its participants
//! (private), its survey, and its recruitment.

use std::collections::HashSet;
use std::sync::Arc;

use super::yaml::{Node, Value};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::forms::records as forms;
use super::program::{PROGRAM_KEYS, ProgramSpec, read_program_keys};
use super::record::{Answer, Answers, Consent, Participant, Question, QuestionKind, Response};
use super::yaml::{Ctx, Map, child, describe, parse};
use crate::diagnostics::{Diagnostic, Loc, SourceFile, nearest};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabStatus {
    Planned,
    Held,
    Cancelled,
}

impl LabStatus {
    pub fn key(self) -> &'static str {
        match self {
            LabStatus::Planned => "planned",
            LabStatus::Held => "held",
            LabStatus::Cancelled => "cancelled",
        }
    }
}

/// The YAML paths of a lab.yaml that hold private records (who came, and
/// what each answered): identity terms belong there, so a search for where
/// a leaked term came from skips them.
pub const PRIVATE_PATHS: [&str; 2] = ["participants", "survey.responses"];

#[derive(Clone, Debug, Default)]
pub struct Venue {
    pub online: bool,
    pub name: String,
    pub address: String,
}

#[derive(Clone, Debug, Default)]
pub struct Survey {
    pub questions: Vec<Question>,
    pub responses: Vec<Response>,
}

#[derive(Clone, Debug)]
pub struct QuoteRef {
    pub participant: String,
    pub question: String,
}

#[derive(Clone, Debug)]
pub struct Faq {
    pub q: String,
    /// Markdown.
    pub a: String,
}

#[derive(Clone, Debug)]
pub struct Recruitment {
    pub capacity: u32,
    pub taken: u32,
    /// Local time in the site's zone.
    pub deadline: NaiveDateTime,
    pub waitlist: bool,
    pub fee: String,
    pub audience: String,
    pub apply_url: String,
    pub faq: Vec<Faq>,
}

/// A lab as recorded in `lab.yaml`, before privacy rules.
#[derive(Clone, Debug)]
pub struct LabRecord {
    pub id: String,
    pub file: Arc<SourceFile>,
    pub title: String,
    pub number: Option<u32>,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub venue: Venue,
    pub status: LabStatus,
    pub summary: String,
    pub program: ProgramSpec,
    pub participants: Vec<Participant>,
    pub survey: Option<Survey>,
    pub highlights: Option<Vec<QuoteRef>>,
    pub recruitment: Option<Recruitment>,
}

const LAB_KEYS: [&str; 16] = [
    "title",
    "number",
    "date",
    "start",
    "end",
    "venue",
    "status",
    "summary",
    "concept",
    "program",
    "framework",
    "participants",
    "participants_from",
    "survey",
    "highlights",
    "recruitment",
];

/// Is `s` ASCII digits and these separators in this pattern (`9` a digit)?
fn shaped(s: &str, pattern: &str) -> bool {
    s.len() == pattern.len()
        && s.bytes().zip(pattern.bytes()).all(|(c, p)| match p {
            b'9' => c.is_ascii_digit(),
            _ => c == p,
        })
}

/// The years a lab can be in: chrono would take `+99999-1-1` or
/// `0000-01-01`, which are typing mistakes here.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// `YYYY-MM-DD`, a real calendar date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if !shaped(s, "9999-99-99") {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
}

/// `HH:MM` (or `H:MM`), 00:00 to 23:59.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    if !(shaped(s, "99:99") || shaped(s, "9:99")) {
        return None;
    }
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// A local date and time: `YYYY-MM-DDTHH:MM` (`T` or a space; seconds
/// allowed).
pub fn parse_local_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let (date, time) = s.split_at_checked(10)?;
    parse_date(date)?;
    let time = time.strip_prefix(['T', ' '])?;
    if !(shaped(time, "99:99") || shaped(time, "99:99:99")) {
        return None;
    }
    for fmt in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t);
        }
    }
    None
}

/// Read one `lab.yaml`. Returns the record when it is usable (even if some
/// diagnostics were raised, so later checks can still run).
pub fn read_lab(id: &str, file: &Arc<SourceFile>) -> (Option<LabRecord>, Vec<Diagnostic>) {
    let value = match parse(file) {
        Ok(v) => v,
        Err(d) => return (None, vec![d]),
    };
    if value.is_null() {
        return (
            None,
            vec![
                Diagnostic::error(
                    "lab.yaml is empty",
                    Some(crate::diagnostics::Loc::file(file)),
                )
                .with_help("a lab needs at least `title`, `date`, `start`, `end` and `status`"),
            ],
        );
    }
    let ctx = Ctx::new(file.clone(), &value);
    let Some(m) = ctx.map(&value, "", "a lab", &LAB_KEYS) else {
        return (None, ctx.into_diags());
    };
    let title = m.req_text("title", "the lab's title, e.g. 対話1on1ラボ 第1回");
    let number = m.opt_u32("number");
    let date = m
        .req_text("date", "the date, e.g. 2025-11-13")
        .and_then(|d| {
            let parsed = parse_date(&d);
            if parsed.is_none() {
                m.error(
                    "date",
                    format!("`{d}` is not a date"),
                    Some("expected a real calendar date as YYYY-MM-DD (a year from 1900 to 9999), e.g. 2025-11-13".into()),
                );
            }
            parsed
        });
    let time = |key: &str| {
        m.req_text(key, "a local time as HH:MM, e.g. \"18:00\"")
            .and_then(|t| {
                let parsed = parse_time(&t);
                if parsed.is_none() {
                    m.error(
                        key,
                        format!("`{t}` is not a time of day"),
                        Some("expected HH:MM between 00:00 and 23:59, e.g. \"18:00\"".into()),
                    );
                }
                parsed
            })
    };
    let start = time("start");
    let end = time("end");
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        m.error(
            "end",
            format!(
                "the lab ends ({e}) before it starts ({s})",
                e = e.format("%H:%M"),
                s = s.format("%H:%M")
            ),
            Some("`end` must be after `start` on the same day".into()),
        );
    }
    let status = match m.opt_text("status").as_deref() {
        None => {
            m.missing("status", "planned, held or cancelled");
            None
        }
        Some("planned") => Some(LabStatus::Planned),
        Some("held") => Some(LabStatus::Held),
        Some("cancelled") => Some(LabStatus::Cancelled),
        Some(other) => {
            let help = match nearest(other, &["planned", "held", "cancelled"]) {
                Some(n) => format!("did you mean `{n}`?"),
                None => "expected `planned`, `held` or `cancelled`".into(),
            };
            m.error("status", format!("unknown status `{other}`"), Some(help));
            None
        }
    };
    let venue = read_venue(&m);
    let summary = m.opt_text("summary").unwrap_or_default();
    let program = read_program_keys(&m);
    let mut participants = m
        .get("participants")
        .map(|v| read_participants(&ctx, v))
        .unwrap_or_default();
    if let Some(spec) = forms::participants_from(&m) {
        let (more, d) = forms::read_participants(file, &spec, &participants);
        d.into_iter().for_each(|d| ctx.push(d));
        participants.extend(more);
        participants.shrink_to_fit();
    }
    // The survey: the `survey` key, or labs/<id>/survey.yaml beside it.
    let survey_yaml = file
        .path
        .parent()
        .map(|d| d.join("survey.yaml"))
        .filter(|p| p.is_file());
    let mut survey_diags = Vec::new();
    let survey = match (m.get("survey"), survey_yaml) {
        (Some(v), None) => read_survey(&ctx, v, "survey", &participants),
        (None, Some(path)) => read_survey_file(file, &path, &participants, &mut survey_diags),
        (Some(v), Some(_)) => {
            m.error(
                "survey",
                "the survey is written both here and in survey.yaml",
                Some("keep one of the two: the `survey` key, or the file survey.yaml beside lab.yaml".into()),
            );
            read_survey(&ctx, v, "survey", &participants)
        }
        (None, None) => None,
    };
    let highlights = m
        .get("highlights")
        .map(|v| read_highlights(&ctx, v, &participants, survey.as_ref()));
    let recruitment = m
        .get("recruitment")
        .and_then(|v| read_recruitment(&ctx, v, date, start, participants.len()));
    // Without either list, unknown-participant errors follow from a
    // misspelt key and are folded into its error.
    let has_participants = m.has("participants") || m.has("participants_from");
    drop(m);
    let mut diags = ctx.into_diags();
    diags.extend(survey_diags);
    if !has_participants {
        fold_unknown_participants(&mut diags);
    }
    let record = match (title, date, start, end, status) {
        (Some(title), Some(date), Some(start), Some(end), Some(status)) => Some(LabRecord {
            id: id.to_string(),
            file: file.clone(),
            title,
            number,
            date,
            start,
            end,
            venue,
            status,
            summary,
            program,
            participants,
            survey,
            highlights,
            recruitment,
        }),
        _ => None,
    };
    (record, diags)
}

fn read_venue(m: &Map) -> Venue {
    let Some(v) = m.get("venue") else {
        return Venue {
            online: true,
            name: "Zoom".into(),
            address: String::new(),
        };
    };
    let Some(vm) = m
        .ctx
        .map(v, "venue", "the venue", &["online", "name", "address"])
    else {
        return Venue::default();
    };
    let venue = Venue {
        online: vm.opt_bool("online").unwrap_or(true),
        name: vm.opt_text("name").unwrap_or_default(),
        address: vm.opt_text("address").unwrap_or_default(),
    };
    if !venue.online && venue.address.is_empty() && venue.name.is_empty() {
        vm.missing("address", "where the lab takes place");
    }
    venue
}

const PARTICIPANT_KEYS: [&str; 10] = [
    "id",
    "name",
    "kana",
    "nicknames",
    "company",
    "aliases",
    "email",
    "industry",
    "role",
    "attended",
];

fn read_participants(ctx: &Ctx, v: &Node) -> Vec<Participant> {
    let mut out: Vec<Participant> = Vec::new();
    let mut seen = HashSet::new();
    for (path, item) in ctx.seq(v, "participants", "participants") {
        let Some(p) = ctx.map(item, &path, "a participant", &PARTICIPANT_KEYS) else {
            continue;
        };
        let Some(id) = p.req_text("id", "a short id unique in this lab, e.g. p1") else {
            continue;
        };
        if !seen.insert(id.clone()) {
            p.error(
                "id",
                format!("duplicate participant id `{id}`"),
                Some("each participant of a lab needs its own id".into()),
            );
            continue;
        }
        let name = p.opt_text("name");
        let kana = p.opt_text("kana");
        if let (Some(name), Some(kana)) = (&name, &kana) {
            let (n, k) = (
                name.split_whitespace().count(),
                kana.split_whitespace().count(),
            );
            if n != k {
                p.error(
                    "kana",
                    format!("`kana` has {k} part(s) but `name` has {n}"),
                    Some(
                        "write the reading of each part of the name, separated as in `name`, \
                         e.g. `name: 山田 太郎` and `kana: やまだ たろう`"
                            .into(),
                    ),
                );
            }
        }
        out.push(Participant {
            id,
            name,
            kana,
            nicknames: p.non_empty_texts("nicknames", "a nickname"),
            attended: p.opt_bool("attended").unwrap_or(true),
            company: p.opt_text("company"),
            aliases: p.text_list("aliases"),
            email: p.opt_text("email"),
            industry: p.opt_text("industry").filter(|s| !s.trim().is_empty()),
            role: p.opt_text("role").filter(|s| !s.trim().is_empty()),
            path,
            origin: None,
        });
    }
    // Kept for the whole build: no room to grow (76,000 participants of
    // 192 bytes at 10,000 labs).
    out.shrink_to_fit();
    out
}

/// An id as written in lab.yaml, for a message: not echoed when it is an
/// e-mail address (an export's participants have those as ids, and
/// messages end up in CI logs).
fn written_id(id: &str) -> String {
    if id.contains('@') {
        "(an e-mail address)".to_string()
    } else {
        format!("`{id}`")
    }
}

/// The ids written in lab.yaml: the only ones a `did you mean` may suggest.
fn inline_ids(participants: &[Participant]) -> Vec<&str> {
    participants
        .iter()
        .filter(|p| p.origin.is_none())
        .map(|p| p.id.as_str())
        .collect()
}

fn id_help(word: &str, ids: &[&str], what: &str) -> String {
    match nearest(word, ids) {
        Some(n) => format!("did you mean `{n}`?"),
        None if ids.is_empty() => format!("this lab has no {what}s"),
        None => format!(
            "expected one of the lab's {what}s: {}",
            super::yaml::list(ids)
        ),
    }
}

/// `labs/<id>/survey.yaml`: the survey of the lab whose lab.yaml is
/// `lab`, in a file of its own (the keys of `survey`, at the top).
fn read_survey_file(
    lab: &SourceFile,
    path: &std::path::Path,
    participants: &[Participant],
    diags: &mut Vec<Diagnostic>,
) -> Option<Survey> {
    let file = match super::read::read_source(&forms::site_root(lab), path) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let value = match parse(&file) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if value.is_null() {
        diags.push(
            Diagnostic::error("survey.yaml is empty", Some(Loc::file(&file)))
                .with_help("write the survey's `questions` and its `responses` or `responses_from`, or delete the file"),
        );
        return None;
    }
    let ctx = Ctx::new(file.clone(), &value);
    let survey = read_survey(&ctx, &value, "", participants);
    diags.extend(ctx.into_diags());
    survey
}

/// The survey at `prefix` (`survey` in lab.yaml, the root of survey.yaml).
fn read_survey(ctx: &Ctx, v: &Node, prefix: &str, participants: &[Participant]) -> Option<Survey> {
    let m = ctx.map(
        v,
        prefix,
        "the survey",
        &["questions", "responses", "responses_from"],
    )?;
    let mut questions: Vec<Question> = Vec::new();
    let mut question_paths: Vec<String> = Vec::new();
    if let Some(list) = m.get("questions") {
        for (path, item) in ctx.seq(list, &child(prefix, "questions"), "questions") {
            let Some(q) = ctx.map(
                item,
                &path,
                "a question",
                &["id", "text", "type", "scale", "multiple", "options"],
            ) else {
                continue;
            };
            let id = q.req_text("id", "a short id, e.g. satisfaction");
            let text = q.req_text("text", "the question as asked");
            let kind = match q.opt_text("type").as_deref() {
                None => {
                    q.missing("type", "rating, choice or text");
                    None
                }
                Some("rating") => {
                    let scale = q.opt_u32("scale").unwrap_or(5);
                    if !(2..=10).contains(&scale) {
                        q.error(
                            "scale",
                            format!("a rating scale of {scale}"),
                            Some("expected a scale from 2 to 10, e.g. 5".into()),
                        );
                    }
                    Some(QuestionKind::Rating { scale })
                }
                Some("choice") => {
                    let options = q.text_list("options");
                    if options.is_empty() {
                        q.missing("options", "[the choices offered]");
                    }
                    let mut seen = HashSet::new();
                    for (i, o) in options.iter().enumerate() {
                        if !seen.insert(o) {
                            ctx.error(
                                &super::yaml::item(&q.path_of("options"), i),
                                false,
                                format!("duplicate option `{o}`"),
                                None,
                            );
                        }
                    }
                    Some(QuestionKind::Choice {
                        multiple: q.opt_bool("multiple").unwrap_or(false),
                        options,
                    })
                }
                Some("text") => Some(QuestionKind::Text),
                Some(other) => {
                    let help = match nearest(other, &["rating", "choice", "text"]) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => "expected `rating`, `choice` or `text`".into(),
                    };
                    q.error(
                        "type",
                        format!("unknown question type `{other}`"),
                        Some(help),
                    );
                    None
                }
            };
            if let (Some(id), Some(text), Some(kind)) = (id, text, kind) {
                if questions.iter().any(|x| x.id == id) {
                    q.error("id", format!("duplicate question id `{id}`"), None);
                    continue;
                }
                questions.push(Question { id, text, kind });
                question_paths.push(path.clone());
            }
        }
    }
    let qids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    let mut responses: Vec<Response> = Vec::new();
    if let Some(spec) = forms::responses_from(&m, &qids) {
        if m.has("responses") {
            m.error(
                "responses",
                "the survey has both `responses` and `responses_from`",
                Some("keep one: the responses written here, or the export they come from".into()),
            );
        }
        let with_paths: Vec<(Question, String)> = questions
            .iter()
            .cloned()
            .zip(question_paths.iter().cloned())
            .collect();
        let (read, d) = forms::read_responses_from(ctx, &spec, &with_paths, participants);
        d.into_iter().for_each(|d| ctx.push(d));
        responses = read;
    } else if let Some(list) = m.get("responses") {
        for (path, item) in ctx.seq(list, &child(prefix, "responses"), "responses") {
            let Some(r) = ctx.map(
                item,
                &path,
                "a response",
                &["participant", "consent", "answers"],
            ) else {
                continue;
            };
            let Some(participant) =
                r.req_text("participant", "the id of a participant of this lab")
            else {
                continue;
            };
            let Some(who) = participants.iter().find(|p| p.id == participant) else {
                r.error(
                    "participant",
                    format!("unknown participant {}", written_id(&participant)),
                    Some(id_help(
                        &participant,
                        &inline_ids(participants),
                        "participant",
                    )),
                );
                continue;
            };
            if responses
                .iter()
                .any(|x| x.participant.as_deref() == Some(participant.as_str()))
            {
                r.error(
                    "participant",
                    format!("a second response from {}", who.named()),
                    Some("each participant answers once; merge the two responses".into()),
                );
                continue;
            }
            let consent = match r.opt_text("consent").as_deref() {
                None | Some("none") => Consent::None,
                Some("aggregate") => Consent::Aggregate,
                Some("quote") => Consent::Quote,
                Some(other) => {
                    let help = match nearest(other, &["none", "aggregate", "quote"]) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => "expected `none`, `aggregate` or `quote`".into(),
                    };
                    r.error("consent", format!("unknown consent `{other}`"), Some(help));
                    Consent::None
                }
            };
            let mut answers = Vec::new();
            if let Some(av) = r.get("answers") {
                let apath = r.path_of("answers");
                if let Some(am) = ctx.map(av, &apath, "the answers", &qids) {
                    for q in &questions {
                        if let Some(v) = am.get(&q.id)
                            && let Some(a) = read_answer(ctx, v, &child(&apath, &q.id), q)
                        {
                            answers.push((q.id.clone(), a));
                        }
                    }
                }
            }
            responses.push(Response {
                participant: Some(participant),
                consent,
                answers: Answers::from_vec(answers),
                origin: None,
            });
        }
    }
    Some(Survey {
        questions,
        responses,
    })
}

fn read_answer(ctx: &Ctx, v: &Node, path: &str, q: &Question) -> Option<Answer> {
    match &q.kind {
        QuestionKind::Rating { scale } => match v.as_u64() {
            Some(n) if n >= 1 && n <= u64::from(*scale) => Some(Answer::Rating(n as u32)),
            _ => {
                ctx.error(
                    path,
                    false,
                    format!("{} is not a rating for `{}`", describe(v), q.id),
                    Some(format!("expected a whole number from 1 to {scale}")),
                );
                None
            }
        },
        QuestionKind::Choice { multiple, options } => {
            let picked: Vec<(String, &Node)> = match &v.value {
                Value::Sequence(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (super::yaml::item(path, i), x))
                    .collect(),
                _ => vec![(path.to_string(), v)],
            };
            if !multiple && picked.len() > 1 {
                ctx.error(
                    path,
                    false,
                    format!("`{}` takes one choice, found {}", q.id, picked.len()),
                    Some("give a single option, or set `multiple: true` on the question".into()),
                );
                return None;
            }
            let opts: Vec<&str> = options.iter().map(String::as_str).collect();
            let mut out = Vec::new();
            for (p, x) in picked {
                let Some(text) = ctx.text(x, &p) else {
                    continue;
                };
                if !opts.contains(&text.as_str()) {
                    let help = match nearest(&text, &opts) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => format!("expected one of {}", super::yaml::list(&opts)),
                    };
                    ctx.error(
                        &p,
                        false,
                        format!("`{text}` is not an option of `{}`", q.id),
                        Some(help),
                    );
                    continue;
                }
                out.push(text);
            }
            Some(Answer::Choices(out))
        }
        QuestionKind::Text => ctx.text(v, path).map(Answer::Text),
    }
}

fn read_highlights(
    ctx: &Ctx,
    v: &Node,
    participants: &[Participant],
    survey: Option<&Survey>,
) -> Vec<QuoteRef> {
    let Some(m) = ctx.map(v, "highlights", "the highlights", &["quotes"]) else {
        return Vec::new();
    };
    let Some(list) = m.get("quotes") else {
        return Vec::new();
    };
    let empty = Survey::default();
    let survey = survey.unwrap_or(&empty);
    let text_qids: Vec<&str> = survey
        .questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Text))
        .map(|q| q.id.as_str())
        .collect();
    let mut out = Vec::new();
    for (path, item) in ctx.seq(list, "highlights.quotes", "quotes") {
        let Some(q) = ctx.map(item, &path, "a quote", &["participant", "question"]) else {
            continue;
        };
        let (Some(participant), Some(question)) = (
            q.req_text("participant", "the id of the participant who wrote it"),
            q.req_text("question", "the id of a text question"),
        ) else {
            continue;
        };
        let mut ok = true;
        let who = participants.iter().find(|p| p.id == participant);
        if who.is_none() {
            q.error(
                "participant",
                format!("unknown participant {}", written_id(&participant)),
                Some(id_help(
                    &participant,
                    &inline_ids(participants),
                    "participant",
                )),
            );
            ok = false;
        }
        if !text_qids.contains(&question.as_str()) {
            let all: Vec<&str> = survey.questions.iter().map(|q| q.id.as_str()).collect();
            let msg = if all.contains(&question.as_str()) {
                format!("`{question}` is not a text question; only text answers can be quoted")
            } else {
                format!("unknown question `{question}`")
            };
            q.error(
                "question",
                msg,
                Some(id_help(&question, &text_qids, "text question")),
            );
            ok = false;
        }
        if let (true, Some(who)) = (ok, who) {
            let name = who.named();
            match survey
                .responses
                .iter()
                .find(|r| r.participant.as_deref() == Some(participant.as_str()))
            {
                None => q.error(
                    "participant",
                    format!("{name} has no survey response to quote"),
                    None,
                ),
                Some(r) if r.consent != Consent::Quote => q.error(
                    "participant",
                    format!("{name} did not consent to being quoted"),
                    Some(
                        "only responses with `consent: quote` can be featured; remove this quote"
                            .into(),
                    ),
                ),
                Some(r) if !r.answers.contains_key(&question) => q.error(
                    "question",
                    format!("{name} did not answer `{question}`"),
                    None,
                ),
                Some(_) => out.push(QuoteRef {
                    participant,
                    question,
                }),
            }
        }
    }
    out
}

const RECRUITMENT_KEYS: [&str; 8] = [
    "capacity",
    "taken",
    "deadline",
    "waitlist",
    "fee",
    "audience",
    "apply_url",
    "faq",
];

/// `participants`: how many the lab lists, the default of `taken`.
fn read_recruitment(
    ctx: &Ctx,
    v: &Node,
    date: Option<NaiveDate>,
    start: Option<NaiveTime>,
    // `taken` when it is not written: the participants recorded so far.
    participant_count: usize,
) -> Option<Recruitment> {
    let m = ctx.map(v, "recruitment", "the recruitment", &RECRUITMENT_KEYS)?;
    let capacity = if m.has("capacity") {
        m.opt_u32("capacity")
    } else {
        m.missing("capacity", "the number of seats, e.g. 8");
        None
    };
    if capacity == Some(0) {
        m.error(
            "capacity",
            "a capacity of 0 seats",
            Some("give the number of seats, e.g. 8".into()),
        );
    }
    let taken = m
        .opt_u32("taken")
        .unwrap_or(u32::try_from(participant_count).unwrap_or(u32::MAX));
    let lab_start = date.zip(start).map(|(d, s)| d.and_time(s));
    let deadline = match m.opt_text("deadline") {
        Some(t) => {
            match parse_local_datetime(&t) {
                Some(d) => Some(d),
                None => {
                    m.error("deadline", format!("`{t}` is not a local date and time"), Some("expected YYYY-MM-DDTHH:MM in the site's time zone, e.g. 2026-01-15T23:59".into()));
                    None
                }
            }
        }
        None => lab_start,
    };
    if let (Some(d), Some(s)) = (deadline, lab_start)
        && d > s
    {
        m.error(
            "deadline",
            "the deadline is after the lab starts",
            Some(format!(
                "set it at or before {}",
                s.format("%Y-%m-%dT%H:%M")
            )),
        );
    }
    let apply_url = m.req_text("apply_url", "the address of the application form");
    if let Some(u) = &apply_url
        && !(super::site::check_web_url(u).is_ok()
            || u.strip_prefix("mailto:").is_some_and(|to| {
                to.contains('@') && !to.contains(|c: char| c.is_whitespace() || c.is_control())
            }))
    {
        m.error(
            "apply_url",
            format!("`{u}` is not a web address"),
            Some("expected an address starting with https://".into()),
        );
    }
    let mut faq = Vec::new();
    if let Some(list) = m.get("faq") {
        for (path, item) in ctx.seq(list, "recruitment.faq", "questions and answers") {
            if let Some(f) = ctx.map(item, &path, "a question and answer", &["q", "a"]) {
                let (q, a) = (
                    f.req_text("q", "the question"),
                    f.req_text("a", "the answer"),
                );
                if let (Some(q), Some(a)) = (q, a) {
                    faq.push(Faq { q, a });
                }
            }
        }
    }
    Some(Recruitment {
        capacity: capacity?,
        taken,
        deadline: deadline?,
        waitlist: m.opt_bool("waitlist").unwrap_or(false),
        fee: m.opt_text("fee").unwrap_or_default(),
        audience: m.opt_text("audience").unwrap_or_default(),
        apply_url: apply_url?,
        faq,
    })
}

/// Without a `participants` list (a misspelt key, most often), every
/// participant id in the lab is unknown: those errors follow from the first
/// and are folded into it, so the one fix is the one error shown.
fn fold_unknown_participants(diags: &mut Vec<Diagnostic>) {
    let is_root = |d: &Diagnostic| d.help.as_deref() == Some("did you mean `participants`?");
    if !diags.iter().any(is_root) {
        return;
    }
    let before = diags.len();
    diags.retain(|d| !d.message.starts_with("unknown participant `"));
    let folded = before - diags.len();
    if let Some(root) = diags.iter_mut().find(|d| is_root(d))
        && folded > 0
    {
        root.notes.push((
            format!("{folded} unknown participant error(s) follow from this one and are not shown"),
            None,
        ));
    }
}

/// The program keys a lab may carry, for callers that list lab keys.
pub fn program_keys() -> &'static [&'static str] {
    &PROGRAM_KEYS
}

#[cfg(test)]
mod tests {
    use super::*;

    // The program's parts, read as part of a lab (program.rs reads them;
    // its tests would otherwise import lab.rs, which imports program.rs).

    fn lab_with_part(part: &str) -> Vec<String> {
        use std::path::Path;
        let text = format!(
            "title: t\ndate: 2025-11-13\nstart: \"18:00\"\nend: \"20:30\"\nstatus: held\nprogram:\n  - title: p\n{part}"
        );
        let f = SourceFile::new(Path::new("/"), Path::new("/lab.yaml"), text);
        read_lab("x", &f).1.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn huge_numbers_are_errors_not_overflows() {
        // `rounds * round_minutes` overflowed u32 (a panic in debug builds).
        let errs =
            lab_with_part("    minutes: 100\n    rounds: 100000\n    round_minutes: 100000\n");
        assert!(errs.iter().any(|e| e.contains("do not fit")), "{errs:?}");
        // Rounds without round_minutes: the timetable would list 4 billion.
        let errs = lab_with_part("    minutes: 100\n    rounds: 4000000000\n");
        assert!(
            errs.iter().any(|e| e.contains("4000000000 rounds")),
            "{errs:?}"
        );
        let errs =
            lab_with_part("    minutes: 4000000000\n  - title: q\n    minutes: 4000000000\n");
        assert!(
            errs.iter().any(|e| e.contains("longer than a day")),
            "{errs:?}"
        );
    }

    fn lab(participants: &str) -> (Option<LabRecord>, Vec<Diagnostic>) {
        let text = format!(
            "title: t\ndate: 2025-11-13\nstart: \"18:00\"\nend: \"20:00\"\nstatus: held\n\
             participants:\n{participants}"
        );
        let file = SourceFile::new(
            std::path::Path::new("/"),
            std::path::Path::new("/lab.yaml"),
            text,
        );
        read_lab("2025-11-13", &file)
    }

    #[test]
    fn participants_carry_reading_nicknames_and_attendance() {
        let (record, diags) = lab(
            "  - id: p1\n    name: 山田 太郎\n    kana: やまだ　たろう\n    \
             nicknames: [タロさん, ヤマ]\n    attended: false\n  - id: p2\n    name: 石田\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let ps = record.unwrap().participants;
        assert_eq!(ps[0].kana.as_deref(), Some("やまだ　たろう"));
        assert_eq!(ps[0].nicknames, ["タロさん", "ヤマ"]);
        assert!(!ps[0].attended);
        assert_eq!((ps[1].kana.as_deref(), ps[1].attended), (None, true));
    }

    #[test]
    fn participant_field_errors_point_at_the_field() {
        let (_, diags) = lab(
            "  - id: p1\n    name: 山田 太郎\n    kana: やまだたろう\n    \
             nicknames: [\"\"]\n    attended: maybe\n    nickname: x\n",
        );
        let found: Vec<_> = diags
            .iter()
            .map(|d| (d.message.as_str(), d.loc.as_ref().and_then(|l| l.resolve())))
            .collect();
        assert!(
            found.contains(&("`kana` has 1 part(s) but `name` has 2", Some((9, 11, 6)))),
            "{found:?}"
        );
        assert!(
            found.contains(&("a nickname in `nicknames` is empty", Some((10, 17, 1)))),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(m, at)| m.contains("`attended`") && at.map(|a| a.0) == Some(11)),
            "{found:?}"
        );
        let unknown = diags
            .iter()
            .find(|d| d.message.contains("`nickname`"))
            .unwrap();
        assert_eq!(unknown.help.as_deref(), Some("did you mean `nicknames`?"));
    }

    #[test]
    fn dates_and_times_are_read_strictly() {
        assert!(parse_date("2025-11-13").is_some());
        for bad in [
            "+99999-1-1",
            "0000-01-01",
            "-001-01-01",
            "2025-1-013",
            "２０２５-11-13",
            "1899-12-31",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert!(parse_time("8:00").is_some() && parse_time("18:00").is_some());
        for bad in ["+8:00", "24:00", "18:0", "１８:００", "18:00:00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert!(parse_local_datetime("2026-01-15T23:59").is_some());
        assert!(parse_local_datetime("2026-01-15 23:59:30").is_some());
        for bad in [
            "+2026-01-15T23:59",
            "2026-01-15",
            "2026-01-15T",
            "2026-01-15T9:00",
            "日本語のテキスト",
        ] {
            assert_eq!(parse_local_datetime(bad), None, "{bad}");
        }
    }
}
