//! The site's machine-read files as [`OutputFile`]s, made from the view: a
//! lab's calendar, the Atom feed, robots.txt and the sitemap. The formats
//! themselves are in `ics` and `feeds`.

use chrono::{DateTime, Utc};

use super::OutputFile;
use super::common::generator;
use super::feeds::{self, FeedInfo};
use super::ics;
use crate::public::{Origin, PublicLab, lab_paths};
use crate::source::site::SiteConfig;
use crate::urls::Urls;

/// The `.ics` of a lab that recruits.
pub fn lab_calendar(
    pl: &PublicLab,
    cfg: &SiteConfig,
    urls: &Urls,
    now: DateTime<Utc>,
) -> Option<OutputFile> {
    pl.recruitment.as_ref()?;
    let (_, _, recruit_p, ics_p) = lab_paths(&pl.id);
    let host = urls
        .base_url()
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("labsite");
    let uid = format!("lab-{}@{}", pl.id, host);
    let page_url = urls.absolute(&recruit_p);
    let location = if pl.venue.online {
        if pl.venue.name.is_empty() {
            "Online".to_string()
        } else {
            format!("{} (online)", pl.venue.name)
        }
    } else if pl.venue.address.is_empty() {
        pl.venue.name.clone()
    } else {
        format!("{} {}", pl.venue.name, pl.venue.address)
            .trim()
            .to_string()
    };
    let description = format!("{}\n{}", pl.summary, page_url).trim().to_string();
    let ics = ics::calendar(&ics::CalendarEvent {
        uid: &uid,
        summary: &pl.title,
        description: &description,
        location: &location,
        url: &page_url,
        start: pl.start_utc,
        end: pl.end_utc,
        tz: cfg.timezone,
        stamp: now,
        cancelled: pl.status == "cancelled",
        organizer_name: &cfg.organizer.name,
        organizer_email: &cfg.organizer.email,
    });
    Some(OutputFile {
        path: ics_p,
        bytes: ics.into_bytes(),
        origins: vec![Origin::Lab(pl.id.clone())],
    })
}

/// The Atom feed of `entries` (each lab with its rendered write-up).
pub fn feed(cfg: &SiteConfig, entries: &[(PublicLab, String)], urls: &Urls) -> OutputFile {
    let generator = generator();
    let author = if cfg.organizer.name.is_empty() {
        &cfg.title
    } else {
        &cfg.organizer.name
    };
    let feed = feeds::atom(
        &FeedInfo {
            title: &cfg.title,
            description: &cfg.description,
            author,
            lang: cfg.language.code(),
            generator: &generator,
        },
        entries,
        urls,
    );
    let mut origins = vec![Origin::Site];
    origins.extend(entries.iter().map(|(l, _)| Origin::Lab(l.id.clone())));
    OutputFile {
        path: "feed.xml".into(),
        bytes: feed.into_bytes(),
        origins,
    }
}

pub fn robots(urls: &Urls) -> OutputFile {
    OutputFile {
        path: "robots.txt".into(),
        bytes: feeds::robots(urls).into_bytes(),
        origins: vec![Origin::Site],
    }
}

/// The sitemap of every HTML page in `paths`.
pub fn sitemap(paths: &[String], urls: &Urls) -> OutputFile {
    let html: Vec<String> = paths
        .iter()
        .filter(|p| p.ends_with(".html"))
        .cloned()
        .collect();
    OutputFile {
        path: "sitemap.xml".into(),
        bytes: feeds::sitemap(&html, urls).into_bytes(),
        origins: vec![Origin::Site],
    }
}
