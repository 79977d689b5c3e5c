//! The pages of the site and what each one's template receives.
//!
//! A page's own variables are one struct per kind of page, made of the
//! public view's types and serialized for Tera as they are: a template sees
//! exactly these fields, under the names docs/theme.md lists, and nothing
//! else. None of them can hold a participant's name, company, alias or
//! e-mail, because no type of the view has such a field.

use serde::Serialize;

use super::event::EventView;
use super::lab::{PublicLab, PublicRecruitment};
use super::program::ProgramView;
use super::survey::PublicSurvey;
use crate::markdown::TocEntry;

/// Which source a page comes from, to name it when the gate finds a leak.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Site,
    Lab(String),
    Page(String),
    /// A file copied as it is from a lab's folder (an image, an SVG, a
    /// PDF): the lab's id and the file's path relative to the lab folder.
    Asset {
        lab: String,
        rel: String,
    },
}

/// OpenGraph `og:type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OgType {
    Website,
    Article,
}

impl OgType {
    pub fn key(self) -> &'static str {
        match self {
            OgType::Website => "website",
            OgType::Article => "article",
        }
    }
}

/// One page to render with a template.
#[derive(Debug)]
pub struct Page<'a> {
    /// Output path under the site root, e.g. `labs/x/index.html`.
    pub path: String,
    pub title: String,
    pub description: String,
    pub og_type: OgType,
    /// Absolute URL of an image, or empty.
    pub image: String,
    pub origins: Vec<Origin>,
    /// The template variables beyond the common ones.
    pub content: PageContent<'a>,
}

impl Page<'_> {
    /// `page.kind`.
    pub fn kind(&self) -> &'static str {
        self.content.kind()
    }

    /// The template that renders the page.
    pub fn template(&self) -> &'static str {
        self.content.template()
    }
}

/// A page's own variables, by kind of page. Serialized, each is a map of
/// variable name to value (the variant's name is not part of it).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PageContent<'a> {
    Home(HomePage<'a>),
    Labs(LabsPage<'a>),
    Report(ReportPage<'a>),
    Lab(LabPage<'a>),
    Program(ProgramPage<'a>),
    SeriesProgram(SeriesProgramPage),
    Recruitment(RecruitmentPage<'a>),
    Free(FreePage),
    Highlights(HighlightsPage<'a>),
    NotFound(NotFoundPage),
}

impl PageContent<'_> {
    pub fn kind(&self) -> &'static str {
        match self {
            PageContent::Home(_) => "home",
            PageContent::Labs(_) => "labs",
            PageContent::Report(_) => "report",
            PageContent::Lab(_) => "lab",
            PageContent::Program(_) => "program",
            PageContent::SeriesProgram(_) => "series_program",
            PageContent::Recruitment(_) => "recruitment",
            PageContent::Free(_) => "page",
            PageContent::Highlights(_) => "highlights",
            PageContent::NotFound(_) => "404",
        }
    }

    pub fn template(&self) -> &'static str {
        match self {
            PageContent::Home(_) => "home.html",
            PageContent::Labs(_) => "labs.html",
            PageContent::Report(_) => "report.html",
            PageContent::Lab(_) => "lab.html",
            PageContent::Program(_) => "program.html",
            PageContent::SeriesProgram(_) => "series_program.html",
            PageContent::Recruitment(_) => "recruitment.html",
            PageContent::Free(_) => "page.html",
            PageContent::Highlights(_) => "highlights.html",
            PageContent::NotFound(_) => "404.html",
        }
    }
}

/// `home.html`.
#[derive(Debug, Serialize)]
pub struct HomePage<'a> {
    pub concept: &'a str,
    pub next_lab: Option<&'a PublicLab>,
    /// Held labs with a report, newest first.
    pub reports: Vec<&'a PublicLab>,
    /// Planned labs not yet started, soonest first.
    pub upcoming: Vec<&'a PublicLab>,
}

/// `labs.html`.
#[derive(Debug, Serialize)]
pub struct LabsPage<'a> {
    /// Newest first.
    pub labs: &'a [PublicLab],
    /// The planned labs, oldest first.
    pub planned: Vec<&'a PublicLab>,
}

/// `report.html`: a held lab's write-up.
#[derive(Debug, Serialize)]
pub struct ReportPage<'a> {
    pub lab: &'a PublicLab,
    pub report_html: &'a str,
    pub toc: &'a [TocEntry],
    pub program: &'a ProgramView,
    /// None when the lab has no survey to show.
    pub survey: Option<&'a PublicSurvey>,
    pub next_lab: Option<&'a PublicLab>,
}

/// `lab.html`: the overview of a lab without a published report (planned,
/// cancelled, or held without `report.md`), at the lab's own address so
/// that a link to any lab works. The recruitment call and the calendar
/// link are in `lab.recruitment` and `lab.ics_path`, where there is one.
#[derive(Debug, Serialize)]
pub struct LabPage<'a> {
    pub lab: &'a PublicLab,
    pub program: &'a ProgramView,
}

/// `program.html`: a lab's timetable.
#[derive(Debug, Serialize)]
pub struct ProgramPage<'a> {
    pub lab: &'a PublicLab,
    pub program: &'a ProgramView,
}

/// `series_program.html`: the program of `program.yaml`.
#[derive(Debug, Serialize)]
pub struct SeriesProgramPage {
    pub program: ProgramView,
}

/// `recruitment.html`: a planned lab's call for participants. Its
/// template also receives `jsonld`, the `<script type="application/ld+json">`
/// element that render makes from `event`.
#[derive(Debug, Serialize)]
pub struct RecruitmentPage<'a> {
    pub lab: &'a PublicLab,
    pub recruitment: &'a PublicRecruitment,
    pub program: &'a ProgramView,
    #[serde(skip)]
    pub event: &'a EventView,
}

/// `page.html`: a free page.
#[derive(Debug, Serialize)]
pub struct FreePage {
    pub content_html: String,
    pub toc: Vec<TocEntry>,
}

/// `highlights.html`.
#[derive(Debug, Serialize)]
pub struct HighlightsPage<'a> {
    pub labs: &'a [Highlight<'a>],
}

/// A held lab's survey results on the site-wide highlights page.
#[derive(Debug, Serialize)]
pub struct Highlight<'a> {
    pub lab: &'a PublicLab,
    pub survey: PublicSurvey,
}

/// `404.html`: no variables of its own.
#[derive(Debug, Serialize)]
pub struct NotFoundPage {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::lab::tests::card;
    use crate::source::lab::LabStatus;

    fn keys(content: &PageContent) -> Vec<String> {
        match serde_json::to_value(content).unwrap() {
            serde_json::Value::Object(map) => map.keys().cloned().collect(),
            other => panic!("not a map: {other}"),
        }
    }

    /// Each page kind gives its template the variables docs/theme.md lists
    /// for it, as a map of its own (the 404 page an empty one).
    #[test]
    fn each_page_gives_its_documented_variables() {
        let lab = card("a", "A", LabStatus::Held);
        let program = ProgramView::default();
        let labs = [lab.clone()];
        let sorted = |mut v: Vec<&str>| {
            v.sort_unstable();
            v.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let home = PageContent::Home(HomePage {
            concept: "",
            next_lab: None,
            reports: vec![&lab],
            upcoming: Vec::new(),
        });
        assert_eq!(
            keys(&home),
            sorted(vec!["concept", "next_lab", "reports", "upcoming"])
        );
        let index = PageContent::Labs(LabsPage {
            labs: &labs,
            planned: Vec::new(),
        });
        assert_eq!(keys(&index), sorted(vec!["labs", "planned"]));
        let report = PageContent::Report(ReportPage {
            lab: &lab,
            report_html: "<p>x</p>",
            toc: &[],
            program: &program,
            survey: None,
            next_lab: None,
        });
        assert_eq!(
            keys(&report),
            sorted(vec![
                "lab",
                "next_lab",
                "program",
                "report_html",
                "survey",
                "toc"
            ])
        );
        let v = serde_json::to_value(&report).unwrap();
        assert!(v["survey"].is_null() && v["next_lab"].is_null());
        assert_eq!(v["lab"]["status"], "held");
        let overview = PageContent::Lab(LabPage {
            lab: &lab,
            program: &program,
        });
        assert_eq!(keys(&overview), sorted(vec!["lab", "program"]));
        let lab_program = PageContent::Program(ProgramPage {
            lab: &lab,
            program: &program,
        });
        assert_eq!(keys(&lab_program), sorted(vec!["lab", "program"]));
        let series = PageContent::SeriesProgram(SeriesProgramPage {
            program: program.clone(),
        });
        assert_eq!(keys(&series), sorted(vec!["program"]));
        let free = PageContent::Free(FreePage {
            content_html: String::new(),
            toc: Vec::new(),
        });
        assert_eq!(keys(&free), sorted(vec!["content_html", "toc"]));
        let highlights = PageContent::Highlights(HighlightsPage { labs: &[] });
        assert_eq!(keys(&highlights), sorted(vec!["labs"]));
        assert!(keys(&PageContent::NotFound(NotFoundPage {})).is_empty());
    }

    /// A page's variables never hide a common one.
    #[test]
    fn no_page_variable_is_a_common_one() {
        let lab = card("a", "A", LabStatus::Held);
        let program = ProgramView::default();
        let contents = [
            PageContent::Report(ReportPage {
                lab: &lab,
                report_html: "",
                toc: &[],
                program: &program,
                survey: None,
                next_lab: None,
            }),
            PageContent::Home(HomePage {
                concept: "",
                next_lab: None,
                reports: Vec::new(),
                upcoming: Vec::new(),
            }),
        ];
        for c in &contents {
            for k in keys(c) {
                assert!(
                    ![
                        "site",
                        "t",
                        "lang",
                        "links",
                        "nav",
                        "footer_nav",
                        "generator",
                        "live_reload_html",
                        "page"
                    ]
                    .contains(&k.as_str()),
                    "{k}"
                );
            }
        }
    }
}
