//! Where each page of the site goes in the output, relative to the site
//! root. Every output path of a page is made here, so the pages, the
//! navigation and the links between them cannot disagree.

/// The home page.
pub const HOME: &str = "index.html";
/// The index of all labs.
pub const LABS: &str = "labs/index.html";
/// The series program (from `program.yaml`).
pub const SERIES_PROGRAM: &str = "program/index.html";
/// The site-wide survey highlights.
pub const HIGHLIGHTS: &str = "highlights/index.html";
pub const NOT_FOUND: &str = "404.html";
pub const FEED: &str = "feed.xml";
/// The theme's stylesheet (from its `static/`).
pub const CSS: &str = "style.css";

/// A free page, from `content/pages/<slug>.md`.
pub fn free_page(slug: &str) -> String {
    format!("{slug}/index.html")
}

/// The output paths of one lab's pages and files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabPaths {
    /// The lab's page: its report, or its overview.
    pub report: String,
    pub program: String,
    pub recruitment: String,
    /// The calendar file of a lab that recruits.
    pub ics: String,
}

impl LabPaths {
    pub fn new(id: &str) -> LabPaths {
        LabPaths {
            report: format!("labs/{id}/index.html"),
            program: format!("labs/{id}/program/index.html"),
            recruitment: format!("labs/{id}/recruit/index.html"),
            ics: format!("labs/{id}/lab.ics"),
        }
    }

    /// A file published beside the lab's pages (`rel` as written in the
    /// source, already URL-encoded where it is used in a link).
    pub fn asset(id: &str, rel: &str) -> String {
        format!("labs/{id}/{rel}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urls::Urls;

    #[test]
    fn lab_pages_are_pretty_urls_under_the_lab_folder() {
        let p = LabPaths::new("2025-11-13");
        assert_eq!(p.report, "labs/2025-11-13/index.html");
        assert_eq!(p.program, "labs/2025-11-13/program/index.html");
        assert_eq!(p.recruitment, "labs/2025-11-13/recruit/index.html");
        assert_eq!(p.ics, "labs/2025-11-13/lab.ics");
        assert_eq!(
            LabPaths::asset("2025-11-13", "cover.jpg"),
            "labs/2025-11-13/cover.jpg"
        );
    }

    /// Every page path ends in `index.html` (or is the 404 page), so its
    /// link is the folder, under the base path.
    #[test]
    fn page_paths_link_as_folders_under_the_base_path() {
        let urls = Urls::new("https://example.org/lab/");
        let p = LabPaths::new("x");
        assert_eq!(urls.path(HOME), "/lab/");
        assert_eq!(urls.path(LABS), "/lab/labs/");
        assert_eq!(urls.path(SERIES_PROGRAM), "/lab/program/");
        assert_eq!(urls.path(HIGHLIGHTS), "/lab/highlights/");
        assert_eq!(urls.path(&free_page("about")), "/lab/about/");
        assert_eq!(urls.path(&p.report), "/lab/labs/x/");
        assert_eq!(urls.path(&p.program), "/lab/labs/x/program/");
        assert_eq!(urls.path(&p.recruitment), "/lab/labs/x/recruit/");
        assert_eq!(urls.path(&p.ics), "/lab/labs/x/lab.ics");
        assert_eq!(urls.path(FEED), "/lab/feed.xml");
        assert_eq!(urls.path(CSS), "/lab/style.css");
    }
}
