//! Warnings for likely mistakes: the site builds, but something in it is
//! probably not what the organizer meant to publish (docs/content-format.md,
//! "Errors and warnings"). `--deny-warnings` turns them into errors.
//!
//! Only published fields are looked at: a placeholder in a participant's
//! record or a survey response never reaches the site.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use crate::diagnostics::{Diagnostic, Loc, SourceFile};

use super::Site;
use super::lab::LabStatus;

/// Example domains (RFC 2606) that no real link or address uses.
const EXAMPLE_DOMAINS: [&str; 3] = ["example.org", "example.com", "example.net"];

/// The placeholder left in `text`, if any: an example domain as a host
/// (or a subdomain, or an e-mail domain), or the word `TODO`.
pub fn placeholder_in(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    for domain in EXAMPLE_DOMAINS {
        for (i, _) in lower.match_indices(domain) {
            let before = lower[..i].chars().next_back();
            let rest = &lower[i + domain.len()..];
            let host_start = matches!(before, None | Some('.' | '/' | '@' | ' ' | '<' | '('));
            let longer = rest.strip_prefix('.').unwrap_or(rest);
            let host_end = !longer.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-');
            if host_start && host_end {
                return Some(domain);
            }
        }
    }
    text.contains("TODO").then_some("TODO")
}

fn at(file: &Arc<SourceFile>, path: &str) -> Option<Loc> {
    Some(Loc::yaml(file, path, false))
}

fn placeholder(file: &Arc<SourceFile>, path: &str, text: &str, out: &mut Vec<Diagnostic>) {
    let Some(found) = placeholder_in(text) else {
        return;
    };
    let (what, help) = if found == "TODO" {
        (
            "`TODO`".to_string(),
            "finish the text, or remove the field until it is ready".to_string(),
        )
    } else {
        (
            format!("the example address `{found}`"),
            format!("`{found}` is a placeholder that reaches no one; put the real address"),
        )
    };
    out.push(
        Diagnostic::warning(
            format!("{what} left in `{path}`, which is published"),
            at(file, path),
        )
        .with_help(help),
    );
}

/// Every warning the loaded site calls for, given "now".
///
/// `base_url` is not checked: it is where the site is served from, and a
/// preview or the example site is built with a placeholder there on
/// purpose (`--base-url` overrides it).
pub fn likely_mistakes(site: &Site, now: DateTime<Utc>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let cfg = &site.config;
    let file = &cfg.file;
    for (path, text) in [
        ("title", &cfg.title),
        ("description", &cfg.description),
        ("organizer.name", &cfg.organizer.name),
        ("organizer.url", &cfg.organizer.url),
        ("organizer.email", &cfg.organizer.email),
    ] {
        placeholder(file, path, text, &mut out);
    }
    let tz = cfg.timezone;
    for lab in &site.labs {
        let r = &lab.record;
        let file = &r.file;
        placeholder(file, "title", &r.title, &mut out);
        placeholder(file, "summary", &r.summary, &mut out);
        placeholder(file, "venue.name", &r.venue.name, &mut out);
        placeholder(file, "venue.address", &r.venue.address, &mut out);
        if !r.summary.trim().is_empty() && r.summary.trim() == cfg.description.trim() {
            out.push(
                Diagnostic::warning(
                    "the summary is the site's description, word for word",
                    at(file, "summary"),
                )
                .with_help(
                    "write what this lab is about (a `new lab` draft starts with the description)",
                ),
            );
        }
        // A held lab's recruitment is not published: its placeholders are
        // nobody's concern (a lab made by `new lab` keeps the block).
        if let Some(rec) = r
            .recruitment
            .as_ref()
            .filter(|_| r.status != LabStatus::Held)
        {
            for (path, text) in [
                ("recruitment.apply_url", &rec.apply_url),
                ("recruitment.fee", &rec.fee),
                ("recruitment.audience", &rec.audience),
            ] {
                placeholder(file, path, text, &mut out);
            }
            for (i, f) in rec.faq.iter().enumerate() {
                placeholder(file, &format!("recruitment.faq[{i}].q"), &f.q, &mut out);
                placeholder(file, &format!("recruitment.faq[{i}].a"), &f.a, &mut out);
            }
            if rec.taken > rec.capacity {
                out.push(
                    Diagnostic::warning(
                        format!(
                            "`taken` ({}) is more than `capacity` ({})",
                            rec.taken, rec.capacity
                        ),
                        at(file, "recruitment.taken"),
                    )
                    .with_help(
                        "raise `capacity`, or correct `taken`; the page shows the lab as full",
                    ),
                );
            }
        }
        // A time the clocks skip has its own error elsewhere.
        let instant = |t| {
            tz.from_local_datetime(&t)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        };
        let start = instant(r.date.and_time(r.start));
        let end = instant(r.date.and_time(r.end));
        match r.status {
            LabStatus::Held if start.is_some_and(|s| s > now) => out.push(
                Diagnostic::warning(
                    format!("the lab is marked `held` but its date, {}, is still to come", r.date),
                    at(file, "status"),
                )
                .with_help("set `status: planned` until the lab has taken place, or correct `date`"),
            ),
            LabStatus::Planned if end.is_some_and(|e| e < now) => out.push(
                Diagnostic::warning(
                    format!("the lab is `planned` but its date, {}, has passed", r.date),
                    at(file, "status"),
                )
                .with_help(
                    "set `status: held` (and add the report) or `status: cancelled`, or correct `date`",
                ),
            ),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_example_hosts_and_todo() {
        for text in [
            "https://forms.example.org/apply",
            "https://example.com",
            "lab@example.net",
            "https://EXAMPLE.ORG/x",
            "TODO: replace",
            "参加費 TODO",
        ] {
            assert!(placeholder_in(text).is_some(), "{text}");
        }
        for text in [
            "https://forms.gle/abc",
            "https://myexample.org/",
            "https://example.org.jp/",
            "https://example.community/",
            "todo list",
            "",
        ] {
            assert_eq!(placeholder_in(text), None, "{text}");
        }
    }
}
