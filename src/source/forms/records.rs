//! The exports a lab names, read into its records.
//!
//! `lab.yaml`'s `participants_from` and `survey.responses_from` (or the
//! same keys in `survey.yaml`) are read here into [`ParticipantsFrom`] and
//! [`ResponsesFrom`], and the files they name into participants and
//! responses. Only the YAML reading's own helpers ([`Map`], [`Ctx`]) are
//! used, so this stays apart from how `lab.yaml` itself is read.

use std::path::{Component, Path, PathBuf};

use super::applicants::{PARTICIPANT_FIELDS, ParticipantsFrom, read_applicants};
use super::cells::ConsentWords;
use super::responses::{Person, QuestionAt, ResponsesFrom, read_responses};
use super::table::{TableRequest, read_table};
use crate::diagnostics::{Diagnostic, Loc, SourceFile, printable};
use crate::source::record::{Answers, Participant, Question, Response};
use crate::source::yaml::{Ctx, Map};

/// `participants_from` in a lab's mapping `m`, when present and well formed.
pub fn participants_from(m: &Map) -> Option<ParticipantsFrom> {
    let v = m.get("participants_from")?;
    let path = m.path_of("participants_from");
    let ctx = m.ctx;
    let pm = ctx.map(
        v,
        &path,
        "participants_from",
        &["file", "sheet", "columns", "ignore"],
    )?;
    let file = pm.req_text(
        "file",
        "the export's path in the lab's folder, e.g. private/applications.csv",
    )?;
    let mut columns = Vec::new();
    if let Some(cv) = pm.get("columns") {
        let cpath = pm.path_of("columns");
        if let Some(cm) = ctx.map(cv, &cpath, "the columns", &PARTICIPANT_FIELDS) {
            for f in PARTICIPANT_FIELDS {
                if let Some(h) = cm.opt_text(f) {
                    columns.push((f.to_string(), h, ctx.loc(&cm.path_of(f), false)));
                }
            }
        }
    }
    Some(ParticipantsFrom {
        file,
        file_at: ctx.loc(&pm.path_of("file"), false),
        sheet: pm
            .opt_text("sheet")
            .map(|s| (s, ctx.loc(&pm.path_of("sheet"), false))),
        columns,
        ignore: pm.text_list("ignore"),
    })
}

/// `responses_from` in a survey's mapping `m`; `qids` are the survey's
/// question ids (the keys `answers` may use).
pub fn responses_from(m: &Map, qids: &[&str]) -> Option<ResponsesFrom> {
    let v = m.get("responses_from")?;
    let ctx = m.ctx;
    let path = m.path_of("responses_from");
    let rm = ctx.map(
        v,
        &path,
        "responses_from",
        &[
            "file",
            "sheet",
            "respondent",
            "consent",
            "answers",
            "ignore",
        ],
    )?;
    let file = rm.req_text(
        "file",
        "the export's path in the lab's folder, e.g. private/survey.csv",
    );
    let consent = match rm.get("consent") {
        None => {
            rm.missing(
                "consent",
                "{ column: <the consent question's header>, quote: [...], aggregate: [...] }",
            );
            None
        }
        Some(cv) => {
            let cpath = rm.path_of("consent");
            ctx.map(
                cv,
                &cpath,
                "the consent",
                &["column", "quote", "aggregate", "none"],
            )
            .and_then(|cm| {
                let column = cm.req_text("column", "the header of the consent question")?;
                Some((
                    (column, ctx.loc(&cm.path_of("column"), false)),
                    ConsentWords {
                        quote: cm.text_list("quote"),
                        aggregate: cm.text_list("aggregate"),
                        none: cm.text_list("none"),
                    },
                ))
            })
        }
    };
    let mut answers = Vec::new();
    if let Some(av) = rm.get("answers") {
        let apath = rm.path_of("answers");
        if let Some(am) = ctx.map(av, &apath, "the answers' columns", qids) {
            for q in qids {
                if let Some(h) = am.opt_text(q) {
                    answers.push((q.to_string(), h, ctx.loc(&am.path_of(q), false)));
                }
            }
        }
    }
    let (consent_column, consent) = consent?;
    Some(ResponsesFrom {
        file: file?,
        file_at: ctx.loc(&rm.path_of("file"), false),
        sheet: rm
            .opt_text("sheet")
            .map(|s| (s, ctx.loc(&rm.path_of("sheet"), false))),
        respondent: rm
            .opt_text("respondent")
            .map(|s| (s, ctx.loc(&rm.path_of("respondent"), false))),
        consent_column,
        consent,
        answers,
        ignore: rm.text_list("ignore"),
    })
}

/// The site's root, from a file whose display path is relative to it.
pub fn site_root(file: &SourceFile) -> PathBuf {
    let depth = file.display.split('/').count();
    file.path
        .ancestors()
        .nth(depth)
        .or_else(|| file.path.parent())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// The export `rel` names, from the lab whose `lab.yaml` (or `survey.yaml`)
/// is `yaml`, and the site's root; or why it cannot be read. An export is
/// inside the lab's folder, and no link leads out of it.
fn export_path(yaml: &SourceFile, rel: &str) -> Result<(PathBuf, PathBuf), String> {
    let dir = yaml.path.parent().unwrap_or(Path::new("."));
    let root = site_root(yaml);
    let p = Path::new(rel);
    if rel.trim().is_empty()
        || rel.contains('\\')
        || !p.components().all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(format!(
            "`{}` is not a path inside the lab's folder",
            printable(rel)
        ));
    }
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if crate::ignore::is_ignored_name(&name) {
        return Err(format!(
            "`{}` is a lock, temporary or hidden file, not the export",
            printable(rel)
        ));
    }
    let path = dir.join(p);
    if let (Ok(c), Ok(d)) = (path.canonicalize(), dir.canonicalize())
        && !c.starts_with(&d)
    {
        return Err(format!(
            "`{}` is a link to a place outside the lab's folder",
            printable(rel)
        ));
    }
    Ok((path, root))
}

fn path_error(msg: String, at: &Loc) -> Diagnostic {
    Diagnostic::error(msg, Some(at.clone())).with_help(
        "put the export in the lab's folder, e.g. private/survey.csv (the private/ folder is never published)",
    )
}

/// The participants of a lab's applications export, after those written
/// inline (`inline`): a row with the id or e-mail of one of them is an
/// error at its cell.
pub fn read_participants(
    yaml: &SourceFile,
    spec: &ParticipantsFrom,
    inline: &[Participant],
) -> (Vec<Participant>, Vec<Diagnostic>) {
    let (path, root) = match export_path(yaml, &spec.file) {
        Ok(p) => p,
        Err(e) => return (Vec::new(), vec![path_error(e, &spec.file_at)]),
    };
    let table = match read_table(&TableRequest {
        root: &root,
        path: &path,
        file_key: spec.file_at.clone(),
        sheet: spec.sheet.as_ref().map(|(s, at)| (s.as_str(), at.clone())),
    }) {
        Ok(t) => t,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let (applicants, mut diags) = read_applicants(&table, spec);
    let file = printable(table.file_name()).into_owned();
    let mut out = Vec::with_capacity(applicants.len());
    for a in applicants {
        let at = table.loc(a.row, 0);
        let same_email = a.email.as_ref().is_some_and(|e| {
            inline.iter().any(|p| {
                p.email
                    .as_ref()
                    .is_some_and(|x| x.trim().eq_ignore_ascii_case(e.trim()))
            })
        });
        if same_email || inline.iter().any(|p| p.id == a.id) {
            let what = if same_email { "e-mail" } else { "id" };
            diags.push(
                Diagnostic::error(
                    format!(
                        "row {} of {file} has the {what} of a participant written in lab.yaml",
                        a.row
                    ),
                    Some(at),
                )
                .with_help(
                    "list each participant once: in the export or in `participants`, not both",
                ),
            );
            continue;
        }
        out.push(Participant {
            id: a.id,
            name: Some(a.name),
            company: a.company,
            aliases: a.aliases,
            email: a.email,
            industry: a.industry,
            role: a.role,
            kana: a.kana,
            nicknames: a.nicknames,
            attended: a.attended,
            path: String::new(),
            origin: Some(at),
        });
    }
    (out, diags)
}

/// The responses of a survey export. `questions` are the survey's, each
/// with the YAML path of its entry (for a missing column); `ctx` is the
/// file they are written in.
pub fn read_responses_from(
    ctx: &Ctx,
    spec: &ResponsesFrom,
    questions: &[(Question, String)],
    participants: &[Participant],
) -> (Vec<Response>, Vec<Diagnostic>) {
    let (path, root) = match export_path(&ctx.file, &spec.file) {
        Ok(p) => p,
        Err(e) => return (Vec::new(), vec![path_error(e, &spec.file_at)]),
    };
    let table = match read_table(&TableRequest {
        root: &root,
        path: &path,
        file_key: spec.file_at.clone(),
        sheet: spec.sheet.as_ref().map(|(s, at)| (s.as_str(), at.clone())),
    }) {
        Ok(t) => t,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let qa: Vec<QuestionAt> = questions
        .iter()
        .map(|(q, p)| QuestionAt {
            question: q,
            text_at: ctx.loc(&crate::source::yaml::child(p, "text"), false),
        })
        .collect();
    let people: Vec<Person> = participants
        .iter()
        .map(|p| Person {
            id: &p.id,
            name: p.name.as_deref(),
            email: p.email.as_deref(),
        })
        .collect();
    let (read, diags) = read_responses(&table, spec, &qa, &people);
    let out = read
        .into_iter()
        .map(|r| Response {
            participant: r.participant,
            consent: r.consent,
            answers: Answers::from_vec(r.answers),
            origin: Some(table.loc(r.row, 0)),
        })
        .collect();
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_files_and_paths_out_of_the_lab_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lab = dir.path().join("content/labs/x");
        std::fs::create_dir_all(lab.join("private")).unwrap();
        let yaml = SourceFile::new(dir.path(), &lab.join("lab.yaml"), "");
        let (p, root) = export_path(&yaml, "private/s.csv").unwrap();
        assert_eq!(p, lab.join("private/s.csv"));
        assert_eq!(root, dir.path());
        for bad in [
            "../y/s.csv",
            "/etc/passwd",
            "private\\s.csv",
            "private/~$s.xlsx",
            "",
        ] {
            assert!(export_path(&yaml, bad).is_err(), "{bad}");
        }
        // A link out of the lab's folder.
        std::fs::write(dir.path().join("s.csv"), "a\n").unwrap();
        std::os::unix::fs::symlink(dir.path(), lab.join("private/out")).unwrap();
        assert!(export_path(&yaml, "private/out/s.csv").is_err());
    }
}
