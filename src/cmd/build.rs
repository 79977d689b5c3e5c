//! `labsite build`: the site into the output directory, atomically.

use std::path::Path;

use super::{EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::diagnostics::report;
use crate::pipeline::{BuildError, BuildOptions, Built, build_site_into};
use crate::public::survey::{PrivacyStats, Suppressed};

/// The privacy summary printed after `build` and `check`: the site's
/// totals, then one line per lab the rules touched (labs in id order;
/// labs without a survey or quotes are left out). With `explain`, each lab
/// in full, with what every figure means. Every `privacy.allow` term found
/// in the output is listed, so that an allowed word that turns out to be a
/// name does not go unnoticed.
pub fn privacy_summary(b: &Built, explain: bool) -> String {
    let s = &b.stats;
    let mut out = format!(
        "privacy: {} quote(s) published, {} redaction(s), {} group(s) suppressed, {} response(s) left out for lack of consent",
        s.quotes, s.redactions, s.groups_suppressed, s.responses_without_consent
    );
    let mut labs: Vec<&(String, PrivacyStats)> = b
        .lab_stats
        .iter()
        .filter(|(_, s)| {
            s.quotes + s.redactions + s.groups_suppressed + s.responses_without_consent > 0
        })
        .collect();
    labs.sort_by(|a, b| a.0.cmp(&b.0));
    for (id, s) in labs {
        if explain {
            out.push_str(&explain_lab(id, s));
            continue;
        }
        out.push_str(&format!(
            "\n  labs/{id}: {} quote(s), {} redaction(s), {} group(s) suppressed, {} response(s) left out",
            s.quotes, s.redactions, s.groups_suppressed, s.responses_without_consent
        ));
        if !s.suppressed.is_empty() {
            let kinds: Vec<String> = s.suppressed.iter().map(suppressed_line).collect();
            out.push_str(&format!(" ({})", kinds.join("; ")));
        }
    }
    if !explain && b.lab_stats.iter().any(|(_, s)| s.groups_suppressed > 0) {
        out.push_str("\n  (--explain says what each figure means)");
    }
    if !b.allowed_published.is_empty() {
        let listed: Vec<String> = b
            .allowed_published
            .iter()
            .map(|(term, files)| format!("{term} ({})", count_files(files)))
            .collect();
        out.push_str(&format!("\nallowed and published: {}", listed.join(", ")));
    }
    out
}

fn suppressed_line(g: &Suppressed) -> String {
    format!(
        "{}: {} group{} under k {}",
        g.kind,
        g.groups,
        if g.groups == 1 { "" } else { "s" },
        g.fate
    )
}

/// `3 pages`, `1 page, feed.xml`, `2 pages and 3 other files`.
fn count_files(files: &[String]) -> String {
    let pages = files.iter().filter(|f| f.ends_with(".html")).count();
    let others: Vec<&String> = files.iter().filter(|f| !f.ends_with(".html")).collect();
    let mut parts = Vec::new();
    if pages > 0 {
        parts.push(format!("{pages} page{}", if pages == 1 { "" } else { "s" }));
    }
    match others.len() {
        0 => {}
        1 | 2 => parts.extend(others.iter().map(|f| f.to_string())),
        n => parts.push(format!("{n} other files")),
    }
    parts.join(", ")
}

fn explain_lab(id: &str, s: &PrivacyStats) -> String {
    let mut out = format!("\nlabs/{id}:");
    out.push_str(&format!(
        "\n  {} quote(s) published: text answers from respondents who consented to being quoted, as they appear on the report",
        s.quotes
    ));
    out.push_str(&format!(
        "\n  {} redaction(s): names, readings, nicknames, companies, e-mails and `deny` terms replaced in those quotes",
        s.redactions
    ));
    out.push_str(&format!(
        "\n  {} response(s) left out for lack of consent: responses without `consent` are not counted anywhere on the site",
        s.responses_without_consent
    ));
    out.push_str(&format!(
        "\n  {} group(s) suppressed: a group smaller than k (privacy.min_group_size), or one that subtraction would reveal, is not shown",
        s.groups_suppressed
    ));
    for g in &s.suppressed {
        out.push_str(&format!("\n    {}", suppressed_line(g)));
    }
    out
}

/// Under `--deny-warnings`, the warnings as errors (each says why it is
/// one); `None` when there is nothing to deny.
pub fn denied(warnings: &[crate::diagnostics::Diagnostic]) -> Option<String> {
    if warnings.is_empty() {
        return None;
    }
    let mut errors: Vec<_> = warnings
        .iter()
        .cloned()
        .map(|mut d| {
            d.severity = crate::diagnostics::Severity::Error;
            d.notes
                .push(("a warning, made an error by --deny-warnings".into(), None));
            d
        })
        .collect();
    Some(report(&mut errors))
}

/// Print the errors of a failed build; returns the exit code.
pub fn report_failure(e: BuildError) -> i32 {
    match e {
        BuildError::Io(msg) => {
            eprintln!("error: {msg}");
            EXIT_USAGE
        }
        BuildError::Content(mut diags) => {
            eprint!("{}", report(&mut diags));
            EXIT_CONTENT
        }
    }
}

pub fn run(
    root: &Path,
    out: &Path,
    opts: &BuildOptions,
    deny_warnings: bool,
    explain: bool,
) -> i32 {
    // Files are written into a staging directory as they pass the leak
    // gate; only a build without errors moves it into place.
    let staging = match crate::output::Staging::begin(out, root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let built = match build_site_into(root, opts, &staging) {
        Ok(b) => b,
        Err(e) => {
            drop(staging);
            let code = report_failure(e);
            eprintln!("nothing was published; {} is unchanged", out.display());
            return code;
        }
    };
    if deny_warnings && let Some(errors) = denied(&built.warnings) {
        drop(staging);
        eprint!("{errors}");
        eprintln!("nothing was published; {} is unchanged", out.display());
        return EXIT_CONTENT;
    }
    if !built.warnings.is_empty() {
        let mut w = built.warnings.clone();
        eprint!("{}", report(&mut w));
    }
    match staging.finish() {
        Ok(p) => {
            eprintln!("{}", privacy_summary(&built, explain));
            let changes = if p.written == 0 {
                "nothing changed".to_string()
            } else {
                format!("{} written, {} unchanged", p.written, p.unchanged)
            };
            eprintln!(
                "built {} pages ({} files: {changes}) into {} in {} ms",
                built.pages,
                p.written + p.unchanged,
                out.display(),
                built.elapsed_ms
            );
            let cards = built.share_cards;
            if cards.rendered + cards.cached > 0 {
                eprintln!(
                    "share cards: {} drawn, {} from the cache",
                    cards.rendered, cards.cached
                );
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}
