//! Recruitment status by the clock (SPEC §8).
//!
//! A recruitment page says whether one can still apply. That depends on
//! "now", so "now" is an explicit input (`--now`, `SOURCE_DATE_EPOCH`, the
//! clock) and everything here is a pure function of it: identical input and
//! identical "now" give identical output.
//!
//! Boundaries, decided once here and nowhere else:
//!
//! - The deadline and the lab's start are *inclusive*: the deadline is the
//!   last instant at which an application is accepted. At exactly the
//!   deadline the status is still open; one second later it is closed. The
//!   same holds for the start (a deadline after the start is capped at the
//!   start).
//! - "Deadline within 7 days" means `effective deadline - now <= 7 days`.
//! - Times are compared to the second: [`resolve_now`] drops sub-seconds.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::{GapInfo, Tz};

/// How long before the deadline the page says "closing soon".
const CLOSING_WINDOW: TimeDelta = TimeDelta::days(7);

/// Where a lab's recruitment stands at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecruitmentStatus {
    /// Seats left, deadline more than 7 days away.
    Open,
    /// Seats left, deadline within 7 days.
    Closing,
    /// No seats left and no waitlist.
    Full,
    /// No seats left, but one can join the waitlist.
    Waitlist,
    /// Past the deadline or the lab's start.
    Closed,
    /// The lab is cancelled.
    Cancelled,
}

impl RecruitmentStatus {
    /// Whether the apply link is shown (SPEC §8: while open or on waitlist).
    pub fn can_apply(self) -> bool {
        matches!(self, Self::Open | Self::Closing | Self::Waitlist)
    }

    /// Stable machine key; also the suffix of the i18n key (`status_open`…).
    pub fn key(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closing => "closing",
            Self::Full => "full",
            Self::Waitlist => "waitlist",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Open => "受付中",
            Self::Closing => "締切間近",
            Self::Full => "満席",
            Self::Waitlist => "キャンセル待ち受付中",
            Self::Closed => "受付終了",
            Self::Cancelled => "中止",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Closing => "Closing soon",
            Self::Full => "Full",
            Self::Waitlist => "Waitlist open",
            Self::Closed => "Closed",
            Self::Cancelled => "Cancelled",
        }
    }

    /// The schema.org `Offer.availability` URL for JSON-LD.
    ///
    /// Google's Event documentation lists `InStock`, `SoldOut` and
    /// `PreOrder` for events. A seat can be had only while open or closing
    /// (`InStock`). On a waitlist no seat is available now, only a chance of
    /// one, so it is `SoldOut` like full; closed and cancelled are `SoldOut`
    /// too (no seat can be had; the cancellation itself is stated by
    /// `eventStatus`).
    pub fn schema_availability(self) -> &'static str {
        match self {
            Self::Open | Self::Closing => "https://schema.org/InStock",
            Self::Full | Self::Waitlist | Self::Closed | Self::Cancelled => {
                "https://schema.org/SoldOut"
            }
        }
    }
}

/// The facts that decide a lab's recruitment status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusInput {
    pub cancelled: bool,
    /// The lab's start.
    pub start: DateTime<Utc>,
    /// The last instant at which an application is accepted.
    pub deadline: DateTime<Utc>,
    pub capacity: u32,
    pub taken: u32,
    pub waitlist: bool,
}

/// The status at `now`, by the order of SPEC §8: cancelled, then closed
/// (now after the deadline or after the start), then full or waitlist, then
/// closing (deadline within 7 days), else open.
pub fn recruitment_status(input: &StatusInput, now: DateTime<Utc>) -> RecruitmentStatus {
    // A deadline after the start cannot extend applications into the lab.
    let last_moment = input.deadline.min(input.start);
    if input.cancelled {
        RecruitmentStatus::Cancelled
    } else if now > last_moment {
        RecruitmentStatus::Closed
    } else if input.taken >= input.capacity {
        if input.waitlist {
            RecruitmentStatus::Waitlist
        } else {
            RecruitmentStatus::Full
        }
    } else if last_moment - now <= CLOSING_WINDOW {
        RecruitmentStatus::Closing
    } else {
        RecruitmentStatus::Open
    }
}

/// A wall-clock time in the site's zone, as an instant.
///
/// A time the clocks skip (spring forward) is an error that says so; a time
/// that occurs twice (fall back) is its first occurrence, the earlier
/// instant (as RFC 5545 reads such times too).
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> Result<DateTime<Utc>, String> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Ok(a.min(b).with_timezone(&Utc)),
        LocalResult::None => {
            let shown = local.format("%Y-%m-%d %H:%M");
            let jump = GapInfo::new(&local, &tz)
                .and_then(|gap| Some((gap.begin?.0, gap.end?)))
                .map(|(begin, end)| {
                    format!(
                        " (the clocks jump from {} to {})",
                        begin.format("%H:%M"),
                        end.format("%H:%M")
                    )
                })
                .unwrap_or_default();
            Err(format!(
                "{shown} does not exist in {tz}: the clocks skip it for daylight saving time{jump}; \
                 choose a time outside the gap"
            ))
        }
    }
}

/// "Now" as the user gave it: an instant, or a local time that means
/// something only in the site's time zone (known after `site.yaml` loads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Now {
    At(DateTime<Utc>),
    Local(NaiveDateTime),
}

impl Now {
    /// The instant, reading a local time in `tz` (a time the clocks skip is
    /// an error, an ambiguous one is the earlier instant).
    pub fn in_zone(self, tz: Tz) -> Result<DateTime<Utc>, String> {
        match self {
            Now::At(t) => Ok(t),
            Now::Local(local) => local_to_utc(local, tz).map_err(|e| format!("--now: {e}")),
        }
    }
}

/// "Now" per docs/content-format.md: the `--now` value, else
/// `SOURCE_DATE_EPOCH`, else the clock; always whole seconds, so that pages
/// show and compare what the user gave.
///
/// `--now` takes the forms `deadline` takes, read in the site's time zone
/// (a date `2026-12-10`, meaning 00:00; a date-time `2026-12-10T09:00`,
/// seconds allowed), or RFC 3339 with an offset (`2026-01-10T12:00:00+09:00`
/// or `…Z`). `SOURCE_DATE_EPOCH` is whole seconds since 1970-01-01 UTC; an
/// empty value counts as unset, a malformed one is an error (as
/// reproducible-builds.org asks).
pub fn resolve_now(flag: Option<&str>, source_date_epoch: Option<&str>) -> Result<Now, String> {
    if let Some(flag) = flag {
        let t = flag.trim();
        if let Some(local) = crate::source::lab::parse_local_datetime(t) {
            return Ok(Now::Local(local));
        }
        if t.len() == 10
            && let Some(date) = crate::source::lab::parse_date(t)
        {
            return Ok(Now::Local(date.and_time(chrono::NaiveTime::MIN)));
        }
        let parsed = DateTime::parse_from_rfc3339(t).map_err(|_| {
            format!(
                "--now expects a date (2026-12-10), a date and time in the site's time zone \
                 (2026-12-10T09:00) or an RFC 3339 time with an offset \
                 (2026-12-10T09:00:00+09:00); got `{flag}`"
            )
        })?;
        return Ok(Now::At(whole_seconds(parsed.with_timezone(&Utc))));
    }
    if let Some(epoch) = source_date_epoch.map(str::trim).filter(|s| !s.is_empty()) {
        let seconds: i64 = epoch.parse().map_err(|_| {
            format!(
                "SOURCE_DATE_EPOCH must be a whole number of seconds since \
                 1970-01-01T00:00:00Z, e.g. 1768014000; got `{epoch}`"
            )
        })?;
        return DateTime::from_timestamp(seconds, 0)
            .map(Now::At)
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH `{epoch}` is out of range"));
    }
    Ok(Now::At(whole_seconds(Utc::now())))
}

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Asia::Tokyo;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    fn secs(n: i64) -> TimeDelta {
        TimeDelta::seconds(n)
    }

    /// Lab 2026-01-22 19:00 JST, deadline 2026-01-15 23:59 JST, 3 of 8 taken.
    fn input() -> StatusInput {
        StatusInput {
            cancelled: false,
            start: utc("2026-01-22T19:00:00+09:00"),
            deadline: utc("2026-01-15T23:59:00+09:00"),
            capacity: 8,
            taken: 3,
            waitlist: false,
        }
    }

    #[test]
    fn deadline_is_inclusive_to_the_second() {
        let i = input();
        assert_eq!(
            recruitment_status(&i, i.deadline - secs(1)),
            RecruitmentStatus::Closing
        );
        assert_eq!(
            recruitment_status(&i, i.deadline),
            RecruitmentStatus::Closing
        );
        assert_eq!(
            recruitment_status(&i, i.deadline + secs(1)),
            RecruitmentStatus::Closed
        );
    }

    #[test]
    fn closing_window_is_seven_days_inclusive() {
        let i = input();
        let seven = TimeDelta::days(7);
        assert_eq!(
            recruitment_status(&i, i.deadline - seven - secs(1)),
            RecruitmentStatus::Open
        );
        assert_eq!(
            recruitment_status(&i, i.deadline - seven),
            RecruitmentStatus::Closing
        );
        assert_eq!(
            recruitment_status(&i, i.deadline - seven + secs(1)),
            RecruitmentStatus::Closing
        );
    }

    #[test]
    fn at_and_over_capacity() {
        let now = utc("2026-01-01T00:00:00Z");
        let at = StatusInput {
            taken: 8,
            ..input()
        };
        assert_eq!(recruitment_status(&at, now), RecruitmentStatus::Full);
        let over = StatusInput {
            taken: 9,
            ..input()
        };
        assert_eq!(recruitment_status(&over, now), RecruitmentStatus::Full);
        let over_wait = StatusInput {
            taken: 9,
            waitlist: true,
            ..input()
        };
        assert_eq!(
            recruitment_status(&over_wait, now),
            RecruitmentStatus::Waitlist
        );
        let at_wait = StatusInput {
            taken: 8,
            waitlist: true,
            ..input()
        };
        assert_eq!(
            recruitment_status(&at_wait, now),
            RecruitmentStatus::Waitlist
        );
        let one_left = StatusInput {
            taken: 7,
            waitlist: true,
            ..input()
        };
        assert_eq!(recruitment_status(&one_left, now), RecruitmentStatus::Open);
        // Full takes precedence over "closing soon".
        assert_eq!(
            recruitment_status(&at, at.deadline - secs(1)),
            RecruitmentStatus::Full
        );
        // Closed takes precedence over full.
        assert_eq!(
            recruitment_status(&at, at.deadline + secs(1)),
            RecruitmentStatus::Closed
        );
        let zero = StatusInput {
            capacity: 0,
            taken: 0,
            ..input()
        };
        assert_eq!(recruitment_status(&zero, now), RecruitmentStatus::Full);
    }

    #[test]
    fn cancelled_wins_over_everything() {
        let base = StatusInput {
            cancelled: true,
            ..input()
        };
        for now in [
            utc("2025-01-01T00:00:00Z"),
            base.deadline,
            base.deadline + secs(1),
            base.start + TimeDelta::days(30),
        ] {
            for (taken, waitlist) in [(0, false), (8, false), (8, true), (20, true)] {
                let i = StatusInput {
                    taken,
                    waitlist,
                    ..base
                };
                assert_eq!(recruitment_status(&i, now), RecruitmentStatus::Cancelled);
            }
        }
    }

    #[test]
    fn past_start_with_a_later_deadline_is_closed() {
        let i = StatusInput {
            deadline: utc("2026-01-30T23:59:00+09:00"),
            ..input()
        };
        assert_eq!(
            recruitment_status(&i, i.start - secs(1)),
            RecruitmentStatus::Closing
        );
        assert_eq!(recruitment_status(&i, i.start), RecruitmentStatus::Closing);
        assert_eq!(
            recruitment_status(&i, i.start + secs(1)),
            RecruitmentStatus::Closed
        );
        // The closing window counts from the start when it comes first.
        assert_eq!(
            recruitment_status(&i, i.start - TimeDelta::days(7) - secs(1)),
            RecruitmentStatus::Open
        );
    }

    #[test]
    fn status_keys_labels_and_apply() {
        use RecruitmentStatus::*;
        let all = [Open, Closing, Full, Waitlist, Closed, Cancelled];
        let keys: Vec<_> = all.iter().map(|s| s.key()).collect();
        assert_eq!(
            keys,
            ["open", "closing", "full", "waitlist", "closed", "cancelled"]
        );
        for s in all {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.key())
            );
            assert!(!s.label_ja().is_empty() && !s.label_en().is_empty());
        }
        assert_eq!(Waitlist.label_ja(), "キャンセル待ち受付中");
        let can: Vec<_> = all.iter().filter(|s| s.can_apply()).collect();
        assert_eq!(can, [&Open, &Closing, &Waitlist]);
        assert_eq!(Open.schema_availability(), "https://schema.org/InStock");
        assert_eq!(Closing.schema_availability(), "https://schema.org/InStock");
        for s in [Full, Waitlist, Closed, Cancelled] {
            assert_eq!(s.schema_availability(), "https://schema.org/SoldOut");
        }
    }

    #[test]
    fn local_to_utc_in_tokyo() {
        assert_eq!(
            local_to_utc(local("2026-01-15T23:59:00"), Tokyo).unwrap(),
            utc("2026-01-15T14:59:00Z")
        );
    }

    #[test]
    fn deadline_after_spring_forward_in_new_york() {
        // 2026-03-08 02:00 EST → 03:00 EDT; the next day is on EDT (-4).
        let deadline = local_to_utc(local("2026-03-09T23:59:00"), New_York).unwrap();
        assert_eq!(deadline, utc("2026-03-10T03:59:00Z"));
        // And the day before is still on EST (-5).
        let before = local_to_utc(local("2026-03-07T23:59:00"), New_York).unwrap();
        assert_eq!(before, utc("2026-03-08T04:59:00Z"));
        let i = StatusInput {
            deadline,
            start: utc("2026-03-12T23:00:00Z"),
            ..input()
        };
        assert_eq!(
            recruitment_status(&i, utc("2026-03-10T03:59:00Z")),
            RecruitmentStatus::Closing
        );
        assert_eq!(
            recruitment_status(&i, utc("2026-03-10T03:59:01Z")),
            RecruitmentStatus::Closed
        );
    }

    #[test]
    fn deadline_after_fall_back_in_new_york() {
        // 2026-11-01 02:00 EDT → 01:00 EST; the next day is on EST (-5).
        let deadline = local_to_utc(local("2026-11-02T23:59:00"), New_York).unwrap();
        assert_eq!(deadline, utc("2026-11-03T04:59:00Z"));
        let i = StatusInput {
            deadline,
            start: utc("2026-11-05T23:00:00Z"),
            ..input()
        };
        assert_eq!(
            recruitment_status(&i, utc("2026-11-03T04:59:00Z")),
            RecruitmentStatus::Closing
        );
        assert_eq!(
            recruitment_status(&i, utc("2026-11-03T04:59:01Z")),
            RecruitmentStatus::Closed
        );
        // Seven days earlier crosses the fall-back: still exactly 7 × 24 h.
        assert_eq!(
            recruitment_status(&i, utc("2026-10-27T04:59:00Z")),
            RecruitmentStatus::Closing
        );
        assert_eq!(
            recruitment_status(&i, utc("2026-10-27T04:58:59Z")),
            RecruitmentStatus::Open
        );
    }

    #[test]
    fn spring_forward_gap_is_an_error() {
        let err = local_to_utc(local("2026-03-08T02:30:00"), New_York).unwrap_err();
        assert!(err.contains("2026-03-08 02:30"), "{err}");
        assert!(err.contains("America/New_York"), "{err}");
        assert!(err.contains("does not exist"), "{err}");
        assert!(err.contains("02:00 to 03:00"), "{err}");
    }

    #[test]
    fn fall_back_ambiguity_takes_the_earlier_instant() {
        // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
        assert_eq!(
            local_to_utc(local("2026-11-01T01:30:00"), New_York).unwrap(),
            utc("2026-11-01T05:30:00Z")
        );
    }

    #[test]
    fn now_from_flag_epoch_or_clock() {
        let at =
            |f: Option<&str>, e: Option<&str>| resolve_now(f, e).unwrap().in_zone(Tokyo).unwrap();
        assert_eq!(
            at(Some("2026-01-10T12:00:00+09:00"), Some("1")),
            utc("2026-01-10T03:00:00Z")
        );
        assert_eq!(
            at(Some("2026-01-10T03:00:00.75Z"), None),
            utc("2026-01-10T03:00:00Z")
        );
        // The forms `deadline` takes, in the site's time zone.
        assert_eq!(
            at(Some("2026-01-10T12:00"), None),
            utc("2026-01-10T03:00:00Z")
        );
        assert_eq!(
            at(Some("2026-01-10 12:00:30"), None),
            utc("2026-01-10T03:00:30Z")
        );
        assert_eq!(at(Some(" 2026-12-20 "), None), utc("2026-12-19T15:00:00Z"));
        assert_eq!(
            resolve_now(Some("2026-12-20"), None)
                .unwrap()
                .in_zone(New_York)
                .unwrap(),
            utc("2026-12-20T05:00:00Z")
        );
        let gap = resolve_now(Some("2026-03-08T02:30"), None).unwrap();
        let err = gap.in_zone(New_York).unwrap_err();
        assert!(
            err.starts_with("--now:") && err.contains("does not exist"),
            "{err}"
        );
        for bad in [
            "tomorrow",
            "2026-13-01",
            "2026-1-5",
            "2026-01-10T25:00",
            "2026-01-10T12",
        ] {
            let err = resolve_now(Some(bad), None).unwrap_err();
            assert!(
                err.contains("2026-12-10T09:00") && err.contains(bad),
                "{err}"
            );
        }

        assert_eq!(at(None, Some("1768014000")), utc("2026-01-10T03:00:00Z"));
        assert_eq!(at(None, Some(" 0\n")), utc("1970-01-01T00:00:00Z"));
        let err = resolve_now(None, Some("1768014000.5")).unwrap_err();
        assert!(err.contains("SOURCE_DATE_EPOCH"), "{err}");
        assert!(resolve_now(None, Some("i64::MAX")).is_err());
        assert!(resolve_now(None, Some("9223372036854775807")).is_err());

        let before = Utc::now().timestamp();
        let now = at(None, Some(""));
        let after = Utc::now().timestamp();
        assert!(before <= now.timestamp() && now.timestamp() <= after);
        assert_eq!(now.timestamp_subsec_nanos(), 0);
        let now = at(None, None);
        assert!(now.timestamp() >= before);
    }
}
