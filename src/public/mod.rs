//! The public view: the only data templates ever see.
//!
//! Built from the checked records. It has no field that can hold a
//! participant's name, company, alias or e-mail: the survey passes through
//! [`survey::public_survey`] (consent, redaction, attribution,
//! k-suppression), and everything else here is organizer-written text meant
//! for publication. Each page is described by a [`PageSpec`]: its output
//! path, its template and its context.

pub mod status;
pub mod survey;

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::markdown::{self, Trust};
use crate::privacy::redact::Redactor;
use crate::source::lab::LabStatus;
use crate::source::program::ProgramSpec;
use crate::source::site::Language;
use crate::source::{Lab, Site};
use crate::timefmt;
use crate::urls::Urls;
use status::{RecruitmentStatus, StatusInput, local_to_utc, recruitment_status};
use survey::{PrivacyStats, SurveyWords, public_survey};

/// UI strings of the theme, with the program's own fallbacks.
pub struct Words<'a> {
    pub map: &'a HashMap<String, String>,
    pub lang: Language,
}

impl Words<'_> {
    pub fn get(&self, key: &str, ja: &str, en: &str) -> String {
        self.map
            .get(key)
            .cloned()
            .unwrap_or_else(|| match self.lang {
                Language::Ja => ja.to_string(),
                Language::En => en.to_string(),
            })
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PublicVenue {
    pub online: bool,
    pub name: String,
    pub address: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FaqItem {
    pub q: String,
    pub a_html: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublicRecruitment {
    pub status: RecruitmentStatus,
    pub status_label: String,
    pub can_apply: bool,
    pub apply_url: String,
    pub capacity: u32,
    pub taken: u32,
    pub seats_left: u32,
    pub deadline: String,
    pub deadline_display: String,
    pub fee: String,
    pub audience: String,
    pub faq: Vec<FaqItem>,
    pub page_path: String,
    pub ics_path: String,
    #[serde(skip)]
    pub deadline_utc: DateTime<Utc>,
    /// The form address even when the status hides it (for JSON-LD).
    #[serde(skip)]
    pub form_url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublicLab {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub number: Option<u32>,
    pub date: String,
    pub date_display: String,
    pub start: String,
    pub end: String,
    pub time_display: String,
    pub venue: PublicVenue,
    pub status: &'static str,
    pub status_label: String,
    pub participant_count: usize,
    pub cover: String,
    pub report_path: String,
    pub program_path: String,
    pub recruitment_path: String,
    pub ics_path: String,
    /// A Google Calendar link with the lab's times, beside the `.ics`.
    pub calendar_url: String,
    pub recruitment: Option<PublicRecruitment>,
    #[serde(skip)]
    pub start_utc: DateTime<Utc>,
    #[serde(skip)]
    pub end_utc: DateTime<Utc>,
    /// Absolute URL of the cover image, for OpenGraph.
    #[serde(skip)]
    pub cover_url: String,
}

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

#[derive(Clone, Debug, Serialize)]
pub struct ProgramView {
    pub concept: String,
    pub total_minutes: u32,
    pub parts: Vec<PartView>,
    pub framework: Option<FrameworkView>,
}

/// Which source a page comes from, to name it when the gate finds a leak.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Site,
    Lab(String),
    Page(String),
}

/// One page to render with a template.
#[derive(Clone, Debug)]
pub struct PageSpec {
    /// Output path under the site root, e.g. `labs/x/index.html`.
    pub path: String,
    pub template: &'static str,
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub og_type: &'static str,
    /// Absolute URL of an image, or empty.
    pub image: String,
    pub origins: Vec<Origin>,
    /// Template variables beyond the common ones.
    pub context: Value,
}

pub fn program_view(spec: &ProgramSpec, start: Option<NaiveTime>, urls: &Urls) -> ProgramView {
    program_view_with(spec, start, &|d| markdown::render_data(d, urls))
}

/// [`program_view`] with `markdown` rendering the descriptions (a cache of
/// [`markdown::render_data`]).
fn program_view_with(
    spec: &ProgramSpec,
    start: Option<NaiveTime>,
    markdown: &dyn Fn(&str) -> String,
) -> ProgramView {
    let mut t = start;
    let mut parts = Vec::new();
    for p in spec.program.iter().flatten() {
        let part_start = t;
        let part_end = t.map(|s| s + chrono::Duration::minutes(i64::from(p.minutes)));
        let mut round_list = Vec::new();
        if let Some(rounds) = p.rounds {
            // Rounds close the part; the time before them is for
            // introductions and rotation.
            let lead = p
                .round_minutes
                .map(|rm| p.minutes.saturating_sub(rm.saturating_mul(rounds)));
            for n in 1..=rounds {
                let (rs, re) = match (part_start, p.round_minutes, lead) {
                    (Some(s), Some(rm), Some(lead)) => {
                        let rs = s + chrono::Duration::minutes(i64::from(
                            lead.saturating_add((n - 1).saturating_mul(rm)),
                        ));
                        (
                            timefmt::time(rs),
                            timefmt::time(rs + chrono::Duration::minutes(i64::from(rm))),
                        )
                    }
                    _ => (String::new(), String::new()),
                };
                round_list.push(RoundView {
                    number: n,
                    start: rs,
                    end: re,
                });
            }
        }
        parts.push(PartView {
            title: p.title.clone(),
            minutes: p.minutes,
            start: part_start.map(timefmt::time).unwrap_or_default(),
            end: part_end.map(timefmt::time).unwrap_or_default(),
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

fn lab_status_label(s: LabStatus, w: &Words) -> String {
    match s {
        LabStatus::Planned => w.get("lab_status_planned", "開催予定", "Upcoming"),
        LabStatus::Held => w.get("lab_status_held", "開催済み", "Held"),
        LabStatus::Cancelled => w.get("lab_status_cancelled", "中止", "Cancelled"),
    }
}

pub fn lab_paths(id: &str) -> (String, String, String, String) {
    (
        format!("labs/{id}/index.html"),
        format!("labs/{id}/program/index.html"),
        format!("labs/{id}/recruit/index.html"),
        format!("labs/{id}/lab.ics"),
    )
}

/// Build the lab's public card; errors are time-zone problems (a local time
/// that does not exist), reported by the caller.
fn public_lab(
    lab: &Lab,
    site: &Site,
    urls: &Urls,
    now: DateTime<Utc>,
    w: &Words,
) -> Result<PublicLab, String> {
    let r = &lab.record;
    let cfg = &site.config;
    let tz = cfg.timezone;
    let start_utc = local_to_utc(r.date.and_time(r.start), tz)?;
    let end_utc = local_to_utc(r.date.and_time(r.end), tz)?;
    let (report_p, program_p, recruit_p, ics_p) = lab_paths(&r.id);
    let has_report = lab.report.is_some() && r.status == LabStatus::Held;
    let has_recruitment = r.recruitment.is_some() && r.status != LabStatus::Held;
    let recruitment = match (&r.recruitment, has_recruitment) {
        (Some(rec), true) => {
            let deadline_utc = local_to_utc(rec.deadline, tz)?;
            let status = recruitment_status(
                &StatusInput {
                    cancelled: r.status == LabStatus::Cancelled,
                    start: start_utc,
                    deadline: deadline_utc,
                    capacity: rec.capacity,
                    taken: rec.taken,
                    waitlist: rec.waitlist,
                },
                now,
            );
            let label_key = format!("recruit_status_{}", status.key());
            Some(PublicRecruitment {
                status,
                status_label: w.get(&label_key, status.label_ja(), status.label_en()),
                can_apply: status.can_apply(),
                apply_url: if status.can_apply() {
                    rec.apply_url.clone()
                } else {
                    String::new()
                },
                capacity: rec.capacity,
                taken: rec.taken,
                seats_left: rec.capacity.saturating_sub(rec.taken),
                deadline: rec.deadline.format("%Y-%m-%dT%H:%M").to_string(),
                deadline_display: timefmt::date_time(rec.deadline, cfg.language),
                fee: rec.fee.clone(),
                audience: rec.audience.clone(),
                faq: rec
                    .faq
                    .iter()
                    .map(|f| FaqItem {
                        q: f.q.clone(),
                        a_html: markdown::render_data(&f.a, urls),
                    })
                    .collect(),
                page_path: urls.path(&recruit_p),
                ics_path: urls.path(&ics_p),
                deadline_utc,
                form_url: rec.apply_url.clone(),
            })
        }
        _ => None,
    };
    let cover_rel = lab.report.as_ref().and_then(|d| d.front.cover.clone());
    Ok(PublicLab {
        id: r.id.clone(),
        title: r.title.clone(),
        summary: r.summary.clone(),
        number: r.number,
        date: r.date.format("%Y-%m-%d").to_string(),
        date_display: timefmt::date(r.date, cfg.language),
        start: timefmt::time(r.start),
        end: timefmt::time(r.end),
        time_display: timefmt::time_range(r.start, r.end, cfg.language),
        venue: PublicVenue {
            online: r.venue.online,
            name: r.venue.name.clone(),
            address: r.venue.address.clone(),
        },
        status: r.status.key(),
        status_label: lab_status_label(r.status, w),
        participant_count: r.participants.len(),
        cover: cover_rel
            .as_ref()
            .map(|c| urls.path(&format!("labs/{}/{}", r.id, crate::urls::encode_path(c))))
            .unwrap_or_default(),
        cover_url: cover_rel
            .as_ref()
            .map(|c| urls.absolute(&format!("labs/{}/{}", r.id, crate::urls::encode_path(c))))
            .unwrap_or_default(),
        report_path: if has_report {
            urls.path(&report_p)
        } else {
            String::new()
        },
        program_path: if lab.program.program.is_some() {
            urls.path(&program_p)
        } else {
            String::new()
        },
        recruitment_path: if recruitment.is_some() {
            urls.path(&recruit_p)
        } else {
            String::new()
        },
        ics_path: if recruitment.is_some() {
            urls.path(&ics_p)
        } else {
            String::new()
        },
        calendar_url: if recruitment.is_some() {
            calendar_link(r, start_utc, end_utc, &urls.absolute(&recruit_p))
        } else {
            String::new()
        },
        recruitment,
        start_utc,
        end_utc,
    })
}

/// The lab as a Google Calendar event: its title, times (UTC), summary,
/// page and venue, as the `.ics` has them.
fn calendar_link(
    r: &crate::source::lab::LabRecord,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    page_url: &str,
) -> String {
    let details = format!("{}\n{page_url}", r.summary).trim().to_string();
    let location = if r.venue.online {
        r.venue.name.clone()
    } else {
        format!("{} {}", r.venue.name, r.venue.address)
            .trim()
            .to_string()
    };
    crate::urls::google_calendar(&r.title, start, end, &details, &location)
}

/// Problems found while building the view (a local time that falls in a
/// daylight-saving gap): reported like load errors.
pub struct ViewError {
    pub lab: String,
    pub message: String,
}

/// How many reports the feed carries, how many the home page lists, and
/// how many labs the site-wide highlights page shows (newest first).
pub const FEED_LIMIT: usize = 20;
pub const HOME_REPORTS: usize = 12;
pub const HIGHLIGHT_LABS: usize = 12;

/// What one lab contributes to the site.
#[derive(Default)]
pub struct LabOutput {
    pub pages: Vec<PageSpec>,
    pub stats: PrivacyStats,
}

/// The public view of a site. Site-wide facts are computed once; each lab's
/// pages are built on demand ([`PublicSite::lab_output`]), so a build can
/// render, gate and write them one lab at a time, in parallel.
pub struct PublicSite<'a> {
    site: &'a Site,
    urls: &'a Urls,
    words: Words<'a>,
    joiner: String,
    other: String,
    /// Newest first, as `site.labs`.
    pub labs: Vec<PublicLab>,
    next_json: Value,
    upcoming: Vec<Value>,
    /// Indices of the labs with a published report, newest first.
    reports: Vec<usize>,
    changed_cards: bool,
    /// The series program's Markdown descriptions, rendered once: most labs
    /// inherit them, and rendering depends on nothing but the text.
    program_markdown: HashMap<&'a str, String>,
}

impl<'a> PublicSite<'a> {
    pub fn new(
        site: &'a Site,
        urls: &'a Urls,
        now: DateTime<Utc>,
        words: &'a HashMap<String, String>,
    ) -> Result<PublicSite<'a>, Vec<ViewError>> {
        PublicSite::with_cards(site, urls, now, words, None, &[])
    }

    /// The public view reusing `cards` (the labs' public records from an
    /// earlier build of the same site), recomputing only those of the labs
    /// in `fresh`. Returns the view; `changed_cards` tells whether a
    /// recomputed card differs from the cached one.
    pub fn with_cards(
        site: &'a Site,
        urls: &'a Urls,
        now: DateTime<Utc>,
        words: &'a HashMap<String, String>,
        cards: Option<Vec<PublicLab>>,
        fresh: &[usize],
    ) -> Result<PublicSite<'a>, Vec<ViewError>> {
        let w = Words {
            map: words,
            lang: site.config.language,
        };
        let mut errors = Vec::new();
        let mut changed = false;
        let labs = match cards.filter(|c| c.len() == site.labs.len()) {
            Some(mut labs) => {
                for &i in fresh {
                    match public_lab(&site.labs[i], site, urls, now, &w) {
                        Ok(l) => {
                            changed |= lab_json(&l) != lab_json(&labs[i]);
                            labs[i] = l;
                        }
                        Err(message) => errors.push(ViewError {
                            lab: site.labs[i].record.id.clone(),
                            message,
                        }),
                    }
                }
                labs
            }
            None => {
                changed = true;
                let mut labs = Vec::new();
                for lab in &site.labs {
                    match public_lab(lab, site, urls, now, &w) {
                        Ok(l) => labs.push(l),
                        Err(message) => errors.push(ViewError {
                            lab: lab.record.id.clone(),
                            message,
                        }),
                    }
                }
                labs
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        // The next lab: the earliest planned lab that has not started.
        let mut upcoming: Vec<&PublicLab> = labs
            .iter()
            .filter(|l| l.status == "planned" && l.start_utc > now)
            .collect();
        upcoming.sort_by_key(|l| (l.start_utc, l.id.clone()));
        let next_json = upcoming.first().map(|l| lab_json(l)).unwrap_or(Value::Null);
        let upcoming = upcoming.into_iter().map(lab_json).collect();
        let reports = labs
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.report_path.is_empty())
            .map(|(i, _)| i)
            .collect();
        Ok(PublicSite {
            site,
            urls,
            joiner: w.get("attribution_joiner", "・", ", "),
            other: w.get("other", "その他", "Other"),
            words: w,
            labs,
            next_json,
            upcoming,
            reports,
            changed_cards: changed,
            program_markdown: series_markdown(site, urls),
        })
    }

    /// Whether the labs' public records differ from the cached ones given
    /// to [`PublicSite::with_cards`] (always true for a fresh view).
    pub fn changed_cards(&self) -> bool {
        self.changed_cards
    }

    /// Whether lab `i` is among the feed's entries.
    pub fn in_feed(&self, i: usize) -> bool {
        self.reports.iter().take(FEED_LIMIT).any(|&r| r == i)
    }

    pub fn into_cards(self) -> Vec<PublicLab> {
        self.labs
    }

    pub fn has_series_program(&self) -> bool {
        self.site
            .series
            .as_ref()
            .is_some_and(|s| s.program.is_some() || s.framework.is_some())
    }

    /// `{lab, survey}` of the newest labs whose survey has results to
    /// show, for the site-wide highlights page.
    pub fn highlights(&self, redactor: &Redactor) -> Vec<Value> {
        let k = self.site.config.privacy.min_group_size;
        let words = SurveyWords { other: &self.other };
        self.reports
            .iter()
            .filter_map(|&i| {
                let (survey, _) =
                    public_survey(&self.site.labs[i].record, k, redactor, &words, &self.joiner);
                survey
                    .filter(|s| !s.withheld)
                    .map(|s| object([("lab", lab_json(&self.labs[i])), ("survey", s.into_value())]))
            })
            .take(HIGHLIGHT_LABS)
            .collect()
    }

    /// The newest reports with their rendered write-ups, for the feed.
    pub fn feed_entries(&self) -> Vec<(PublicLab, String)> {
        self.reports
            .iter()
            .take(FEED_LIMIT)
            .filter_map(|&i| {
                let doc = self.site.labs[i].report.as_ref()?;
                Some((
                    self.labs[i].clone(),
                    markdown::render(&doc.body, Trust::Author, self.urls).html,
                ))
            })
            .collect()
    }

    /// The pages of lab `i` (report, program, recruitment), with what the
    /// privacy rules did.
    pub fn lab_output(&self, i: usize, redactor: &Redactor) -> LabOutput {
        let (site, urls, w) = (self.site, self.urls, &self.words);
        let lab = &site.labs[i];
        let pl = &self.labs[i];
        let k = site.config.privacy.min_group_size;
        let mut out = LabOutput::default();
        let origin = vec![Origin::Lab(pl.id.clone())];
        let (report_p, program_p, recruit_p, _) = lab_paths(&pl.id);
        let markdown = |d: &str| match self.program_markdown.get(d) {
            Some(html) => html.clone(),
            None => markdown::render_data(d, urls),
        };
        let program = program_view_with(&lab.program, Some(lab.record.start), &markdown);
        let report = lab.report.as_ref().filter(|_| !pl.report_path.is_empty());
        let has_program_page = !pl.program_path.is_empty();
        // Every page of the lab shows its card and its program: each is
        // converted once, copied for all pages but the last.
        let uses = usize::from(report.is_some())
            + usize::from(has_program_page)
            + usize::from(pl.recruitment.is_some());
        let mut lab_value = Shared::new(uses, || lab_json(pl));
        let mut program_value = Shared::new(uses, || {
            serde_json::to_value(&program).unwrap_or(Value::Null)
        });
        if let Some(doc) = report {
            let survey_words = SurveyWords { other: &self.other };
            let (survey, stats) =
                public_survey(&lab.record, k, redactor, &survey_words, &self.joiner);
            out.stats = stats;
            let rendered = markdown::render(&doc.body, Trust::Author, urls);
            let title = doc.front.title.clone().unwrap_or_else(|| pl.title.clone());
            let description = doc
                .front
                .description
                .clone()
                .unwrap_or_else(|| pl.summary.clone());
            let survey_json = survey
                .map(survey::PublicSurvey::into_value)
                .unwrap_or(Value::Null);
            out.pages.push(PageSpec {
                path: report_p,
                template: "report.html",
                kind: "report",
                title,
                description,
                og_type: "article",
                image: pl.cover_url.clone(),
                origins: origin.clone(),
                context: object([
                    ("lab", lab_value.take()),
                    ("report_html", Value::String(rendered.html)),
                    (
                        "toc",
                        serde_json::to_value(&rendered.toc).unwrap_or(Value::Null),
                    ),
                    ("program", program_value.take()),
                    ("survey", survey_json),
                    ("next_lab", self.next_json.clone()),
                ]),
            });
        }
        if has_program_page {
            out.pages.push(PageSpec {
                path: program_p,
                template: "program.html",
                kind: "program",
                title: format!("{} {}", pl.title, w.get("program", "プログラム", "Program")),
                description: program.concept.clone(),
                og_type: "website",
                image: pl.cover_url.clone(),
                origins: origin.clone(),
                context: object([("lab", lab_value.take()), ("program", program_value.take())]),
            });
        }
        if let Some(rec) = &pl.recruitment {
            let jsonld = crate::render::jsonld::event_jsonld(&crate::render::jsonld::EventData {
                name: &pl.title,
                description: if pl.summary.is_empty() {
                    &program.concept
                } else {
                    &pl.summary
                },
                start: pl.start_utc,
                end: pl.end_utc,
                tz: site.config.timezone,
                cancelled: pl.status == "cancelled",
                online: pl.venue.online,
                venue_name: &pl.venue.name,
                venue_address: &pl.venue.address,
                page_url: &urls.absolute(&recruit_p),
                image: if pl.cover_url.is_empty() {
                    None
                } else {
                    Some(&pl.cover_url)
                },
                organizer_name: &site.config.organizer.name,
                organizer_url: if site.config.organizer.url.is_empty() {
                    urls.base_url()
                } else {
                    &site.config.organizer.url
                },
                price: &rec.fee,
                currency: "JPY",
                availability: rec.status.schema_availability(),
                valid_through: rec.deadline_utc,
                apply_url: &rec.form_url,
                capacity: rec.capacity,
                remaining: rec.seats_left,
                language: site.config.language.code(),
            });
            out.pages.push(PageSpec {
                path: recruit_p,
                template: "recruitment.html",
                kind: "recruitment",
                title: format!(
                    "{} {}",
                    pl.title,
                    w.get("recruitment", "参加者募集", "Call for participants")
                ),
                description: if pl.summary.is_empty() {
                    program.concept.clone()
                } else {
                    pl.summary.clone()
                },
                og_type: "website",
                image: pl.cover_url.clone(),
                origins: origin,
                context: object([
                    ("lab", lab_value.take()),
                    (
                        "recruitment",
                        serde_json::to_value(rec).unwrap_or(Value::Null),
                    ),
                    ("program", program_value.take()),
                    ("jsonld", Value::String(jsonld)),
                ]),
            });
        }
        out
    }

    /// The site-wide pages: home, labs index, series program, highlights,
    /// free pages, 404. `highlights` are the labs' highlight entries, newest
    /// first.
    pub fn site_pages(&self, highlights: Vec<Value>) -> Vec<PageSpec> {
        let (site, urls, w) = (self.site, self.urls, &self.words);
        let mut pages = Vec::new();
        let reports_json: Vec<Value> = self
            .reports
            .iter()
            .take(HOME_REPORTS)
            .map(|&i| lab_json(&self.labs[i]))
            .collect();
        // Every lab's card (10,000 at 10,000 labs): converted side by side.
        let all_labs: Vec<Value> = {
            use rayon::prelude::*;
            self.labs.par_iter().map(lab_json).collect()
        };
        // Planned labs, oldest first: what `labs | reverse` filtered to
        // planned gives, without Tera copying every lab's card to reverse
        // the list (67 MB and a third of a second at 10,000 labs).
        let planned: Vec<Value> = self
            .labs
            .iter()
            .zip(&all_labs)
            .rev()
            .filter(|(l, _)| l.status == "planned")
            .map(|(_, v)| v.clone())
            .collect();
        let concept = site
            .series
            .as_ref()
            .and_then(|s| s.concept.clone())
            .unwrap_or_default();
        pages.push(PageSpec {
            path: "index.html".into(),
            template: "home.html",
            kind: "home",
            title: String::new(),
            description: site.config.description.clone(),
            og_type: "website",
            image: String::new(),
            origins: vec![Origin::Site],
            context: object([
                ("concept", Value::String(concept)),
                ("next_lab", self.next_json.clone()),
                ("reports", Value::Array(reports_json)),
                ("upcoming", Value::Array(self.upcoming.clone())),
            ]),
        });
        pages.push(PageSpec {
            path: "labs/index.html".into(),
            template: "labs.html",
            kind: "labs",
            title: w.get("labs", "ラボ一覧", "All labs"),
            description: site.config.description.clone(),
            og_type: "website",
            image: String::new(),
            origins: vec![Origin::Site],
            context: object([
                ("labs", Value::Array(all_labs)),
                ("planned", Value::Array(planned)),
            ]),
        });
        if let Some(series) = site.series.as_ref().filter(|_| self.has_series_program()) {
            let program = program_view(series, None, urls);
            pages.push(PageSpec {
                path: "program/index.html".into(),
                template: "series_program.html",
                kind: "series_program",
                title: w.get("series_program", "プログラム", "Program"),
                description: program.concept.clone(),
                og_type: "website",
                image: String::new(),
                origins: vec![Origin::Site],
                context: json!({"program": program}),
            });
        }
        if !highlights.is_empty() {
            pages.push(PageSpec {
                path: "highlights/index.html".into(),
                template: "highlights.html",
                kind: "highlights",
                title: w.get("highlights", "アンケートから", "Survey highlights"),
                description: site.config.description.clone(),
                og_type: "website",
                image: String::new(),
                origins: site
                    .labs
                    .iter()
                    .map(|l| Origin::Lab(l.record.id.clone()))
                    .collect(),
                context: object([("labs", Value::Array(highlights))]),
            });
        }
        for p in &site.pages {
            let rendered = markdown::render(&p.doc.body, Trust::Author, urls);
            pages.push(PageSpec {
                path: format!("{}/index.html", p.slug),
                template: "page.html",
                kind: "page",
                title: p.doc.front.title.clone().unwrap_or_else(|| p.slug.clone()),
                description: p.doc.front.description.clone().unwrap_or_default(),
                og_type: "article",
                image: String::new(),
                origins: vec![Origin::Page(p.slug.clone())],
                context: object([
                    ("content_html", Value::String(rendered.html)),
                    (
                        "toc",
                        serde_json::to_value(&rendered.toc).unwrap_or(Value::Null),
                    ),
                ]),
            });
        }
        pages.push(PageSpec {
            path: "404.html".into(),
            template: "404.html",
            kind: "404",
            title: w.get("not_found", "ページが見つかりません", "Page not found"),
            description: String::new(),
            og_type: "website",
            image: String::new(),
            origins: vec![Origin::Site],
            context: json!({}),
        });
        pages
    }
}

fn lab_json(l: &PublicLab) -> Value {
    serde_json::to_value(l).unwrap_or(Value::Null)
}

/// A JSON object of the given entries.
pub(crate) fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// A value several pages of a lab show: made once, copied for every page
/// but the last, which takes it.
struct Shared {
    value: Value,
    uses: usize,
}

impl Shared {
    /// `make` runs only when some page uses the value.
    fn new(uses: usize, make: impl FnOnce() -> Value) -> Shared {
        Shared {
            value: if uses > 0 { make() } else { Value::Null },
            uses,
        }
    }

    fn take(&mut self) -> Value {
        self.uses = self.uses.saturating_sub(1);
        if self.uses == 0 {
            std::mem::take(&mut self.value)
        } else {
            self.value.clone()
        }
    }
}

/// The Markdown descriptions of the series program (parts and framework
/// axes), rendered.
fn series_markdown<'a>(site: &'a Site, urls: &Urls) -> HashMap<&'a str, String> {
    let Some(series) = &site.series else {
        return HashMap::new();
    };
    let parts = series.program.iter().flatten().map(|p| &p.description);
    let axes = series
        .framework
        .iter()
        .flat_map(|f| &f.axes)
        .map(|a| &a.description);
    parts
        .chain(axes)
        .flatten()
        .map(|d| (d.as_str(), markdown::render_data(d, urls)))
        .collect()
}
