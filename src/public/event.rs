//! A planned lab as an event: the facts its recruitment page states in
//! schema.org `Event` JSON-LD, taken from the lab's card and the site's
//! public settings. Render turns it into the `jsonld` element.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::lab::{PublicLab, PublicRecruitment};
use super::paths::LabPaths;
use crate::source::lab::LabStatus;
use crate::source::site::SiteConfig;
use crate::urls::Urls;

#[derive(Clone, Debug)]
pub struct EventView {
    pub name: String,
    pub description: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The site's time zone: the JSON-LD gives local times with offsets.
    pub tz: Tz,
    pub cancelled: bool,
    pub online: bool,
    pub venue_name: String,
    pub venue_address: String,
    /// Absolute URL of the recruitment page.
    pub page_url: String,
    /// Absolute URL of the cover image, if any.
    pub image: Option<String>,
    pub organizer_name: String,
    /// The organizer's site, else the site itself.
    pub organizer_url: String,
    /// The fee as written.
    pub price: String,
    pub currency: &'static str,
    /// A schema.org availability URL.
    pub availability: &'static str,
    /// The application deadline.
    pub valid_through: DateTime<Utc>,
    /// The application form, even when the status hides it on the page.
    pub apply_url: String,
    pub capacity: u32,
    pub remaining: u32,
    pub language: &'static str,
}

impl EventView {
    /// The event of `lab`, which recruits with `rec`; `description` is the
    /// page's (the summary, else the program's concept).
    pub fn new(
        lab: &PublicLab,
        rec: &PublicRecruitment,
        description: &str,
        cfg: &SiteConfig,
        urls: &Urls,
    ) -> EventView {
        EventView {
            name: lab.title.clone(),
            description: description.to_string(),
            start: lab.start_utc,
            end: lab.end_utc,
            tz: cfg.timezone,
            cancelled: lab.status == LabStatus::Cancelled,
            online: lab.venue.online,
            venue_name: lab.venue.name.clone(),
            venue_address: lab.venue.address.clone(),
            page_url: urls.absolute(&LabPaths::new(&lab.id).recruitment),
            image: (!lab.cover_url.is_empty()).then(|| lab.cover_url.clone()),
            organizer_name: cfg.organizer.name.clone(),
            organizer_url: if cfg.organizer.url.is_empty() {
                urls.base_url().to_string()
            } else {
                cfg.organizer.url.clone()
            },
            price: rec.fee.clone(),
            currency: "JPY",
            availability: rec.status.schema_availability(),
            valid_through: rec.deadline_utc,
            apply_url: rec.form_url.clone(),
            capacity: rec.capacity,
            remaining: rec.seats_left,
            language: cfg.language.code(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diagnostics::SourceFile;
    use crate::public::lab::tests::card;
    use crate::public::status::RecruitmentStatus;
    use crate::source::site::{Language, Organizer, PrivacySettings};

    fn config(organizer_url: &str) -> SiteConfig {
        SiteConfig {
            file: SourceFile::new(Path::new(""), Path::new("site.yaml"), ""),
            title: "対話1on1ラボ".into(),
            description: String::new(),
            base_url: "https://example.org/lab/".into(),
            language: Language::Ja,
            timezone: chrono_tz::Asia::Tokyo,
            theme: "default".into(),
            organizer: Organizer {
                name: "事務局".into(),
                url: organizer_url.into(),
                email: String::new(),
            },
            privacy: PrivacySettings {
                min_group_size: 3,
                deny: Vec::new(),
                allow: Vec::new(),
                honorifics: Vec::new(),
            },
        }
    }

    fn recruitment(status: RecruitmentStatus, lab: &PublicLab) -> PublicRecruitment {
        PublicRecruitment {
            status,
            status_label: String::new(),
            can_apply: status.can_apply(),
            apply_url: String::new(),
            capacity: 8,
            taken: 3,
            seats_left: 5,
            deadline: String::new(),
            deadline_display: String::new(),
            fee: "無料".into(),
            audience: String::new(),
            faq: Vec::new(),
            page_path: String::new(),
            ics_path: String::new(),
            deadline_utc: lab.start_utc,
            form_url: "https://forms.example.org/lab2".into(),
        }
    }

    /// A cancelled lab without a cover, on a site whose organizer has no
    /// site of its own: the event says so, the organizer links to the site,
    /// and the form is kept (for the offer) though the page hides it.
    #[test]
    fn event_of_a_cancelled_lab() {
        let urls = Urls::new("https://example.org/lab/");
        let lab = card("2027-01-21", "第2回", LabStatus::Cancelled);
        let rec = recruitment(RecruitmentStatus::Cancelled, &lab);
        let e = EventView::new(&lab, &rec, "越境対話", &config(""), &urls);
        assert!(e.cancelled);
        assert_eq!(e.image, None);
        assert_eq!(e.organizer_url, "https://example.org/lab/");
        assert_eq!(
            e.page_url,
            "https://example.org/lab/labs/2027-01-21/recruit/"
        );
        assert_eq!(e.apply_url, "https://forms.example.org/lab2");
        assert_eq!(e.availability, "https://schema.org/SoldOut");
        assert_eq!((e.capacity, e.remaining), (8, 5));
        assert_eq!((e.description.as_str(), e.language), ("越境対話", "ja"));
    }

    #[test]
    fn event_of_an_open_lab_with_a_cover() {
        let urls = Urls::new("https://example.org/lab/");
        let mut lab = card("2027-01-21", "第2回", LabStatus::Planned);
        lab.cover_url = "https://example.org/lab/labs/2027-01-21/cover.jpg".into();
        let rec = recruitment(RecruitmentStatus::Open, &lab);
        let e = EventView::new(&lab, &rec, "", &config("https://example.org/"), &urls);
        assert!(!e.cancelled);
        assert_eq!(e.image.as_deref(), Some(lab.cover_url.as_str()));
        assert_eq!(e.organizer_url, "https://example.org/");
        assert_eq!(e.availability, "https://schema.org/InStock");
        assert_eq!((e.start, e.end), (lab.start_utc, lab.end_utc));
    }
}
