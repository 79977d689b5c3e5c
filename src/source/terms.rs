//! The identity terms of the loaded records: every participant's name,
//! company, aliases and e-mail, and `privacy.deny`, as `privacy` makes them.
//! A term the leak gate could not check (a single character, say) is an
//! error in the record that holds it, so this is part of checking.

use rayon::prelude::*;

use super::Site;
use crate::diagnostics::{Diagnostic, Loc};
use crate::privacy::terms::{
    IdentityTerm, ParticipantIdentity, TermTable, deny_terms, participant_terms,
};

/// Every identity term of every lab, plus `privacy.deny`. Terms that would
/// make the gate useless are errors in the records.
pub fn collect_terms(site: &Site) -> (Vec<IdentityTerm>, Vec<Diagnostic>) {
    let mut terms = Vec::new();
    let diags = visit_terms(site, |t| t, |t| terms.push(t));
    (terms, diags)
}

/// The terms of `privacy.allow`, which the leak gate does not report.
pub fn allowed_terms(site: &Site) -> Vec<String> {
    let allow = &site.config.privacy.allow;
    allow.iter().map(|a| a.term.clone()).collect()
}

/// The table of [`collect_terms`]'s terms (same indices), made without
/// holding every term at once.
pub fn collect_term_table(site: &Site) -> (TermTable, Vec<Diagnostic>) {
    let mut table = TermTable::with_honorifics(&site.config.privacy.honorifics);
    // The owner and the term as written are dropped on the worker threads;
    // only the normalized form comes to the (one-thread) table.
    let diags = visit_terms(
        site,
        |t| (t.normalized, t.kind, t.context),
        |(normalized, kind, context)| table.push(normalized, kind, context),
    );
    (table.finish(), diags)
}

/// Hand every usable identity term, as `map` makes it, to `visit`, in
/// order: the labs' (made and mapped in parallel, a batch of labs at a
/// time), then `privacy.deny`. Returns the errors for unusable ones.
fn visit_terms<T: Send>(
    site: &Site,
    map: impl Fn(IdentityTerm) -> T + Sync,
    mut visit: impl FnMut(T),
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for batch in site.labs.chunks(256) {
        let per_lab: Vec<(Vec<T>, Vec<Diagnostic>)> = batch
            .par_iter()
            .map(|lab| {
                let mut terms = Vec::new();
                let mut diags = Vec::new();
                for p in &lab.record.participants {
                    // A participant from an export is named by file and
                    // row: its id may be an e-mail, and this reaches CI logs.
                    let owner = match &p.origin {
                        Some(loc) => super::record::export_row(loc),
                        None => p.id.clone(),
                    };
                    let identity = ParticipantIdentity {
                        lab: &lab.record.id,
                        id: &owner,
                        name: p.name.as_deref(),
                        kana: p.kana.as_deref(),
                        nicknames: &p.nicknames,
                        company: p.company.as_deref(),
                        aliases: &p.aliases,
                        email: p.email.as_deref(),
                    };
                    for t in participant_terms(&identity) {
                        if let Some(problem) = t.problem() {
                            diags.push(
                                Diagnostic::error(
                                    format!("an identity term of participant {} is {problem}", p.named()),
                                    Some(p.origin.clone().unwrap_or_else(|| Loc::yaml(&lab.record.file, &p.path, false))),
                                )
                                .with_help("write the full company name and aliases; a term the leak gate cannot check is not allowed (a one-character name part already counts before an honorific: 林さん)"),
                            );
                        } else {
                            terms.push(map(t));
                        }
                    }
                }
                (terms, diags)
            })
            .collect();
        for (t, d) in per_lab {
            t.into_iter().for_each(&mut visit);
            diags.extend(d);
        }
    }
    for t in deny_terms(&site.config.privacy.deny) {
        if let Some(problem) = t.problem() {
            diags.push(
                Diagnostic::error(
                    format!("a `privacy.deny` term is {problem}"),
                    Some(Loc::yaml(&site.config.file, "privacy.deny", false)),
                )
                .with_help("list whole names, not single characters"),
            );
        } else {
            visit(map(t));
        }
    }
    diags
}

/// One warning per lab whose named participants lack `kana` (SPEC §7.1):
/// without it, a name said aloud (サエキさん, Saeki-san) is not a term.
pub fn missing_kana(site: &Site) -> Vec<Diagnostic> {
    site.labs
        .iter()
        .filter_map(|lab| {
            let participants = &lab.record.participants;
            let named = participants.iter().filter(|p| p.name.is_some());
            let missing = named.filter(|p| p.kana.is_none()).count();
            (missing > 0).then(|| {
                Diagnostic::warning(
                    format!(
                        "{missing} of {} participant(s) of lab `{}` have no `kana`: their names as read aloud (サエキさん, Saeki-san) are not checked",
                        participants.len(),
                        lab.record.id
                    ),
                    Some(participants_line(&lab.record.file)),
                )
                .with_help("give each participant the reading of the name, e.g. `kana: さえき なおき`")
            })
        })
        .collect()
}

/// Where `participants:` starts in a lab.yaml: found by its line, since
/// a YAML index of every lab of a large site for a warning costs more than
/// the warning is worth.
fn participants_line(file: &std::sync::Arc<crate::diagnostics::SourceFile>) -> Loc {
    match file
        .text
        .lines()
        .position(|l| l.starts_with("participants:"))
    {
        Some(i) => Loc::at(file, i + 1, 1, "participants".len()),
        None => Loc::yaml(file, "participants", false),
    }
}
