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
