//! The public view of a whole site: every lab's card, the pages of each
//! lab (made on demand, so a build can render them one lab at a time, in
//! parallel) and the site-wide pages.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::event::EventView;
use super::lab::{PublicLab, public_lab};
use super::pages::{
    FreePage, Highlight, HighlightsPage, HomePage, LabPage, LabsPage, NotFoundPage, OgType, Origin,
    Page, PageContent, ProgramPage, RecruitmentPage, ReportPage, SeriesProgramPage,
};
use super::paths::{self, LabPaths};
use super::program::{ProgramView, program_view, program_view_with};
use super::survey::{PrivacyStats, PublicSurvey, SurveyWords, public_survey};
use super::words::Words;
use crate::markdown::{self, TocEntry, Trust};
use crate::privacy::redact::Redactor;
use crate::source::Site;
use crate::source::lab::LabStatus;
use crate::urls::Urls;

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
    /// Indices of the planned labs that have not started, soonest first.
    upcoming: Vec<usize>,
    /// Indices of the labs with a published report, newest first.
    reports: Vec<usize>,
    changed_cards: bool,
    /// The series program's Markdown descriptions, rendered once: most labs
    /// inherit them, and rendering depends on nothing but the text.
    program_markdown: HashMap<&'a str, String>,
}

/// A lab's write-up, rendered.
struct Report {
    title: String,
    description: String,
    html: String,
    toc: Vec<TocEntry>,
    survey: Option<PublicSurvey>,
}

/// A planned lab's call for participants.
struct Recruitment {
    title: String,
    description: String,
    event: EventView,
}

/// What one lab contributes to the site: the data of its pages (made
/// once, shared by them) and what the privacy rules did.
pub struct LabOutput<'a> {
    lab: &'a PublicLab,
    next_lab: Option<&'a PublicLab>,
    paths: LabPaths,
    program: ProgramView,
    report: Option<Report>,
    /// The title of the program page, when there is one.
    program_title: Option<String>,
    recruitment: Option<Recruitment>,
    pub stats: PrivacyStats,
}

impl LabOutput<'_> {
    /// The report's survey, for render to draw its charts into.
    pub fn survey_mut(&mut self) -> Option<&mut PublicSurvey> {
        self.report.as_mut().and_then(|r| r.survey.as_mut())
    }

    /// The lab's pages: report (or overview), program, recruitment, where
    /// they exist.
    pub fn pages(&self) -> Vec<Page<'_>> {
        let lab = self.lab;
        let origins = || vec![Origin::Lab(lab.id.clone())];
        let mut pages = Vec::new();
        if let Some(report) = &self.report {
            pages.push(Page {
                path: self.paths.report.clone(),
                title: report.title.clone(),
                description: report.description.clone(),
                og_type: OgType::Article,
                image: lab.cover_url.clone(),
                origins: origins(),
                content: PageContent::Report(ReportPage {
                    lab,
                    report_html: &report.html,
                    toc: &report.toc,
                    program: &self.program,
                    survey: report.survey.as_ref(),
                    next_lab: self.next_lab,
                }),
            });
        } else {
            // No report: the lab's address shows its overview.
            pages.push(Page {
                path: self.paths.report.clone(),
                title: lab.title.clone(),
                description: if lab.summary.is_empty() {
                    self.program.concept.clone()
                } else {
                    lab.summary.clone()
                },
                og_type: OgType::Website,
                image: lab.cover_url.clone(),
                origins: origins(),
                content: PageContent::Lab(LabPage {
                    lab,
                    program: &self.program,
                }),
            });
        }
        if let Some(title) = &self.program_title {
            pages.push(Page {
                path: self.paths.program.clone(),
                title: title.clone(),
                description: self.program.concept.clone(),
                og_type: OgType::Website,
                image: lab.cover_url.clone(),
                origins: origins(),
                content: PageContent::Program(ProgramPage {
                    lab,
                    program: &self.program,
                }),
            });
        }
        if let (Some(call), Some(recruitment)) = (&self.recruitment, &lab.recruitment) {
            pages.push(Page {
                path: self.paths.recruitment.clone(),
                title: call.title.clone(),
                description: call.description.clone(),
                og_type: OgType::Website,
                image: lab.cover_url.clone(),
                origins: origins(),
                content: PageContent::Recruitment(RecruitmentPage {
                    lab,
                    recruitment,
                    program: &self.program,
                    event: &call.event,
                }),
            });
        }
        pages
    }
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
                            changed |= !l.same_card(&labs[i]);
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
        let mut upcoming: Vec<usize> = (0..labs.len())
            .filter(|&i| labs[i].is_upcoming(now))
            .collect();
        upcoming.sort_by(|&a, &b| {
            (labs[a].start_utc, &labs[a].id).cmp(&(labs[b].start_utc, &labs[b].id))
        });
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

    /// The next lab: the earliest planned lab that has not started.
    fn next_lab(&self) -> Option<&PublicLab> {
        self.upcoming.first().map(|&i| &self.labs[i])
    }

    /// The newest labs whose survey has results to show, for the site-wide
    /// highlights page.
    pub fn highlights(&self, redactor: &Redactor) -> Vec<Highlight<'_>> {
        let k = self.site.config.privacy.min_group_size;
        let words = SurveyWords { other: &self.other };
        self.reports
            .iter()
            .filter_map(|&i| {
                let (survey, _) =
                    public_survey(&self.site.labs[i].record, k, redactor, &words, &self.joiner);
                survey.filter(|s| !s.is_withheld()).map(|survey| Highlight {
                    lab: &self.labs[i],
                    survey,
                })
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

    /// What lab `i` publishes (report, program, recruitment pages), with
    /// what the privacy rules did.
    pub fn lab_output(&self, i: usize, redactor: &Redactor) -> LabOutput<'_> {
        let (site, urls, w) = (self.site, self.urls, &self.words);
        let lab = &site.labs[i];
        let pl = &self.labs[i];
        let k = site.config.privacy.min_group_size;
        let paths = LabPaths::new(&pl.id);
        let markdown = |d: &str| match self.program_markdown.get(d) {
            Some(html) => html.clone(),
            None => markdown::render_data(d, urls),
        };
        let program = program_view_with(&lab.program, Some(lab.record.start), &markdown);
        let mut stats = PrivacyStats::default();
        let report = lab
            .report
            .as_ref()
            .filter(|_| !pl.report_path.is_empty())
            .map(|doc| {
                let survey_words = SurveyWords { other: &self.other };
                let (survey, s) =
                    public_survey(&lab.record, k, redactor, &survey_words, &self.joiner);
                stats = s;
                let rendered = markdown::render(&doc.body, Trust::Author, urls);
                Report {
                    title: doc.front.title.clone().unwrap_or_else(|| pl.title.clone()),
                    description: doc
                        .front
                        .description
                        .clone()
                        .unwrap_or_else(|| pl.summary.clone()),
                    html: rendered.html,
                    toc: rendered.toc,
                    survey,
                }
            });
        let program_title = (!pl.program_path.is_empty())
            .then(|| format!("{} {}", pl.title, w.get("program", "プログラム", "Program")));
        let description = if pl.summary.is_empty() {
            &program.concept
        } else {
            &pl.summary
        };
        let recruitment = pl.recruitment.as_ref().map(|rec| Recruitment {
            title: format!(
                "{} {}",
                pl.title,
                w.get("recruitment", "参加者募集", "Call for participants")
            ),
            description: description.clone(),
            event: EventView::new(pl, rec, description, &site.config, urls),
        });
        LabOutput {
            lab: pl,
            next_lab: self.next_lab(),
            paths,
            program,
            report,
            program_title,
            recruitment,
            stats,
        }
    }

    /// The site-wide pages: home, labs index, series program, highlights,
    /// free pages, 404. `highlights` are the labs' highlight entries, newest
    /// first.
    pub fn site_pages<'s>(&'s self, highlights: &'s [Highlight<'s>]) -> Vec<Page<'s>> {
        let (site, urls, w) = (self.site, self.urls, &self.words);
        let site_origin = || vec![Origin::Site];
        let mut pages = Vec::new();
        pages.push(Page {
            path: paths::HOME.into(),
            title: String::new(),
            description: site.config.description.clone(),
            og_type: OgType::Website,
            image: String::new(),
            origins: site_origin(),
            content: PageContent::Home(HomePage {
                concept: site
                    .series
                    .as_ref()
                    .and_then(|s| s.concept.as_deref())
                    .unwrap_or_default(),
                next_lab: self.next_lab(),
                reports: self
                    .reports
                    .iter()
                    .take(HOME_REPORTS)
                    .map(|&i| &self.labs[i])
                    .collect(),
                upcoming: self.upcoming.iter().map(|&i| &self.labs[i]).collect(),
            }),
        });
        pages.push(Page {
            path: paths::LABS.into(),
            title: w.get("labs", "ラボ一覧", "All labs"),
            description: site.config.description.clone(),
            og_type: OgType::Website,
            image: String::new(),
            origins: site_origin(),
            content: PageContent::Labs(LabsPage {
                labs: &self.labs,
                // Oldest first: what `labs | reverse` filtered to planned
                // gives, without Tera copying every lab's card to reverse
                // the list (67 MB and a third of a second at 10,000 labs).
                planned: self
                    .labs
                    .iter()
                    .rev()
                    .filter(|l| l.status == LabStatus::Planned)
                    .collect(),
            }),
        });
        if let Some(series) = site.series.as_ref().filter(|_| self.has_series_program()) {
            let program = program_view(series, None, urls);
            pages.push(Page {
                path: paths::SERIES_PROGRAM.into(),
                title: w.get("series_program", "プログラム", "Program"),
                description: program.concept.clone(),
                og_type: OgType::Website,
                image: String::new(),
                origins: site_origin(),
                content: PageContent::SeriesProgram(SeriesProgramPage { program }),
            });
        }
        if !highlights.is_empty() {
            pages.push(Page {
                path: paths::HIGHLIGHTS.into(),
                title: w.get("highlights", "アンケートから", "Survey highlights"),
                description: site.config.description.clone(),
                og_type: OgType::Website,
                image: String::new(),
                origins: site
                    .labs
                    .iter()
                    .map(|l| Origin::Lab(l.record.id.clone()))
                    .collect(),
                content: PageContent::Highlights(HighlightsPage { labs: highlights }),
            });
        }
        for p in &site.pages {
            let rendered = markdown::render(&p.doc.body, Trust::Author, urls);
            pages.push(Page {
                path: paths::free_page(&p.slug),
                title: p.doc.front.title.clone().unwrap_or_else(|| p.slug.clone()),
                description: p.doc.front.description.clone().unwrap_or_default(),
                og_type: OgType::Article,
                image: String::new(),
                origins: vec![Origin::Page(p.slug.clone())],
                content: PageContent::Free(FreePage {
                    content_html: rendered.html,
                    toc: rendered.toc,
                }),
            });
        }
        pages.push(Page {
            path: paths::NOT_FOUND.into(),
            title: w.get("not_found", "ページが見つかりません", "Page not found"),
            description: String::new(),
            og_type: OgType::Website,
            image: String::new(),
            origins: site_origin(),
            content: PageContent::NotFound(NotFoundPage {}),
        });
        pages
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
