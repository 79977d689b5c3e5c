//! A lab's public card: what every page that shows a lab receives. Only
//! organizer-written text, dates, counts and paths: the participants
//! appear as a count and nothing else.

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use super::paths::LabPaths;
use super::status::{RecruitmentStatus, StatusInput, local_to_utc, recruitment_status};
use super::words::Words;
use crate::markdown;
use crate::source::lab::LabStatus;
use crate::source::{Lab, Site};
use crate::timefmt;
use crate::urls::{Urls, encode_path};

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
    /// `planned`, `held` or `cancelled` to templates.
    #[serde(serialize_with = "status_key")]
    pub status: LabStatus,
    pub status_label: String,
    pub participant_count: usize,
    pub cover: String,
    /// The lab's own page: its report, or its overview. Every lab has one.
    pub page_path: String,
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

fn status_key<S: Serializer>(status: &LabStatus, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(status.key())
}

impl PublicLab {
    /// Whether the card shows the same to templates as `other` (the fields
    /// templates do not see may differ).
    pub fn same_card(&self, other: &PublicLab) -> bool {
        serde_json::to_value(self).ok() == serde_json::to_value(other).ok()
    }

    /// Planned and not yet started at `now`: a lab one can still look
    /// forward to.
    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        self.status == LabStatus::Planned && self.start_utc > now
    }
}

fn lab_status_label(s: LabStatus, w: &Words) -> String {
    match s {
        LabStatus::Planned => w.get("lab_status_planned", "開催予定", "Upcoming"),
        LabStatus::Held => w.get("lab_status_held", "開催済み", "Held"),
        LabStatus::Cancelled => w.get("lab_status_cancelled", "中止", "Cancelled"),
    }
}

/// Build the lab's public card; errors are time-zone problems (a local time
/// that does not exist), reported by the caller.
pub(super) fn public_lab(
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
    let paths = LabPaths::new(&r.id);
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
                page_path: urls.path(&paths.recruitment),
                ics_path: urls.path(&paths.ics),
                deadline_utc,
                form_url: rec.apply_url.clone(),
            })
        }
        _ => None,
    };
    let cover = lab
        .report
        .as_ref()
        .and_then(|d| d.front.cover.as_deref())
        .map(|c| LabPaths::asset(&r.id, &encode_path(c)));
    let path_if = |exists: bool, path: &str| {
        if exists {
            urls.path(path)
        } else {
            String::new()
        }
    };
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
        status: r.status,
        status_label: lab_status_label(r.status, w),
        participant_count: r.participants.len(),
        cover: cover.as_deref().map(|c| urls.path(c)).unwrap_or_default(),
        cover_url: cover
            .as_deref()
            .map(|c| urls.absolute(c))
            .unwrap_or_default(),
        page_path: urls.path(&paths.report),
        report_path: path_if(has_report, &paths.report),
        program_path: path_if(lab.program.program.is_some(), &paths.program),
        recruitment_path: path_if(recruitment.is_some(), &paths.recruitment),
        ics_path: path_if(recruitment.is_some(), &paths.ics),
        calendar_url: if recruitment.is_some() {
            calendar_link(r, start_utc, end_utc, &urls.absolute(&paths.recruitment))
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A held lab's card, as tests elsewhere need one.
    pub(crate) fn card(id: &str, title: &str, status: LabStatus) -> PublicLab {
        let start_utc = DateTime::parse_from_rfc3339("2025-11-13T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        PublicLab {
            id: id.into(),
            title: title.into(),
            summary: String::new(),
            number: Some(1),
            date: "2025-11-13".into(),
            date_display: "2025年11月13日(木)".into(),
            start: "18:00".into(),
            end: "20:30".into(),
            time_display: "18:00〜20:30".into(),
            venue: PublicVenue {
                online: true,
                name: "Zoom".into(),
                address: String::new(),
            },
            status,
            status_label: String::new(),
            participant_count: 4,
            cover: String::new(),
            page_path: format!("/labs/{id}/"),
            report_path: String::new(),
            program_path: String::new(),
            recruitment_path: String::new(),
            ics_path: String::new(),
            calendar_url: String::new(),
            recruitment: None,
            start_utc,
            end_utc: start_utc + chrono::Duration::minutes(150),
            cover_url: String::new(),
        }
    }

    /// Templates see the status as the words of lab.yaml.
    #[test]
    fn status_serializes_as_its_key() {
        for (status, key) in [
            (LabStatus::Planned, "planned"),
            (LabStatus::Held, "held"),
            (LabStatus::Cancelled, "cancelled"),
        ] {
            let v = serde_json::to_value(card("a", "A", status)).unwrap();
            assert_eq!(v["status"], key);
        }
    }

    /// The times kept for feeds, calendars and JSON-LD are not template
    /// variables, and nothing but a count stands for the participants.
    #[test]
    fn card_shows_templates_only_its_public_fields() {
        let v = serde_json::to_value(card("a", "A", LabStatus::Held)).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        for hidden in ["start_utc", "end_utc", "cover_url", "participants"] {
            assert!(!keys.contains(&hidden), "{hidden} in {keys:?}");
        }
        assert_eq!(v["participant_count"], 4);
    }

    #[test]
    fn upcoming_means_planned_and_not_started() {
        let lab = card("a", "A", LabStatus::Planned);
        let before = lab.start_utc - chrono::Duration::seconds(1);
        assert!(lab.is_upcoming(before));
        assert!(!lab.is_upcoming(lab.start_utc));
        assert!(!card("a", "A", LabStatus::Held).is_upcoming(before));
        assert!(!card("a", "A", LabStatus::Cancelled).is_upcoming(before));
    }

    #[test]
    fn same_card_ignores_what_templates_do_not_see() {
        let a = card("a", "A", LabStatus::Held);
        let mut b = a.clone();
        b.cover_url = "https://example.org/x.jpg".into();
        assert!(a.same_card(&b));
        b.title = "B".into();
        assert!(!a.same_card(&b));
    }
}
