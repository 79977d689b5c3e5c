//! `labsite new survey LAB-ID --from FILE`: the `survey.yaml` that reads a
//! form export (SPEC §10).
//!
//! The organizer has an export and a lab; the file written lists one
//! question per column, the respondent and consent columns, and comments
//! wherever a person has to decide (chiefly: which consent answers allow
//! quoting). The export is copied into the lab's `private/` folder when it
//! is elsewhere, so the lab reads it from there. Nothing is overwritten,
//! and a lab that already has a survey is left alone.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Loc, SourceFile};
use crate::source::forms::infer::{InferOptions, infer_survey};
use crate::source::forms::table::{TableRequest, read_table};

/// Why `new survey` did nothing: the exit code (SPEC §9) and the message.
#[derive(Debug)]
pub struct Refused {
    pub code: i32,
    pub message: String,
}

fn refused(code: i32, message: impl Into<String>) -> Refused {
    Refused {
        code,
        message: message.into(),
    }
}

/// What was done, for the organizer.
#[derive(Debug)]
pub struct Written {
    pub survey: PathBuf,
    /// Where the export was copied to, when it was elsewhere.
    pub copied: Option<PathBuf>,
}

pub fn new_survey(
    root: &Path,
    lab_id: &str,
    from: &Path,
    sheet: Option<&str>,
) -> Result<Written, Refused> {
    use super::{EXIT_CONTENT, EXIT_USAGE};
    let content = root.join("content");
    if !content.join("site.yaml").is_file() {
        return Err(refused(
            EXIT_USAGE,
            format!(
                "{} is not a labsite site (no content/site.yaml; `labsite init DIR` makes one)",
                root.display()
            ),
        ));
    }
    let lab_dir = content.join("labs").join(lab_id);
    let lab_yaml = lab_dir.join("lab.yaml");
    if !crate::source::is_valid_id(lab_id) || !lab_yaml.is_file() {
        return Err(refused(
            EXIT_USAGE,
            format!(
                "there is no lab `{lab_id}` (no {})",
                lab_yaml.strip_prefix(root).unwrap_or(&lab_yaml).display()
            ),
        ));
    }
    let survey_path = lab_dir.join("survey.yaml");
    if survey_path.exists() {
        return Err(refused(
            EXIT_CONTENT,
            format!(
                "{} already exists; labsite new never overwrites a survey",
                survey_path.display()
            ),
        ));
    }
    let lab_file = crate::source::read_source(root, &lab_yaml)
        .map_err(|d| refused(EXIT_CONTENT, d.render()))?;
    let lab =
        crate::source::yaml::parse(&lab_file).map_err(|d| refused(EXIT_CONTENT, d.render()))?;
    if lab.get("survey").is_some() {
        return Err(refused(
            EXIT_CONTENT,
            format!(
                "the lab already has a survey (the `survey` key of {}); labsite new never replaces it",
                lab_yaml.display()
            ),
        ));
    }
    let has_participants =
        lab.get("participants").is_some() || lab.get("participants_from").is_some();

    if !from.is_file() {
        return Err(refused(
            EXIT_USAGE,
            format!("{} is not a file", from.display()),
        ));
    }
    let here = SourceFile::new(Path::new(""), from, "");
    let table = read_table(&TableRequest {
        root: from.parent().unwrap_or(Path::new(".")),
        path: from,
        file_key: Loc::file(&here),
        sheet: sheet.map(|s| (s, Loc::file(&here))),
    })
    .map_err(|d| refused(EXIT_CONTENT, d.render()))?;

    // The export's place relative to the lab: where it is, when inside
    // the lab's folder; else a copy in private/.
    let name = from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export.csv".into());
    let inside = match (from.canonicalize(), lab_dir.canonicalize()) {
        (Ok(f), Ok(d)) => f.strip_prefix(&d).ok().map(Path::to_path_buf),
        _ => None,
    };
    let (rel, copy_to) = match inside {
        Some(rel) => (rel.to_string_lossy().replace('\\', "/"), None),
        None => {
            let dest = lab_dir.join("private").join(&name);
            (format!("private/{name}"), Some(dest))
        }
    };
    let text = infer_survey(
        &table,
        &InferOptions {
            file: &rel,
            sheet,
            has_participants,
        },
    );
    if let Some(dest) = &copy_to {
        if dest.exists() {
            let same = fs::read(dest).ok() == fs::read(from).ok();
            if !same {
                return Err(refused(
                    EXIT_CONTENT,
                    format!(
                        "{} already exists and differs from {}; labsite new never overwrites it (move one aside)",
                        dest.display(),
                        from.display()
                    ),
                ));
            }
        } else {
            let dir = dest.parent().unwrap_or(Path::new("."));
            fs::create_dir_all(dir).map_err(|e| {
                refused(EXIT_USAGE, format!("cannot create {}: {e}", dir.display()))
            })?;
            fs::copy(from, dest).map_err(|e| {
                refused(
                    EXIT_USAGE,
                    format!("cannot copy {} to {}: {e}", from.display(), dest.display()),
                )
            })?;
        }
    }
    write_new(&survey_path, &text)?;
    Ok(Written {
        survey: survey_path,
        copied: copy_to,
    })
}

/// Write `text` to `path` only if nothing is there, never half a file: a
/// temporary file, then a hard link to the name (which fails if the name
/// was taken meanwhile).
fn write_new(path: &Path, text: &str) -> Result<(), Refused> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".survey.yaml.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create_new(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::hard_link(&tmp, path)
    })();
    let _ = fs::remove_file(&tmp);
    result.map_err(|e| {
        refused(
            super::EXIT_CONTENT,
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let lab = dir.path().join("content/labs/2025-11-13");
        fs::create_dir_all(&lab).unwrap();
        fs::write(
            dir.path().join("content/site.yaml"),
            "title: t\nbase_url: https://e.example/\n",
        )
        .unwrap();
        fs::write(lab.join("lab.yaml"), "title: t\nparticipants: []\n").unwrap();
        dir
    }

    #[test]
    fn writes_once_and_copies_the_export_into_private() {
        let site = site();
        let export = site.path().join("answers.csv");
        fs::write(
            &export,
            "タイムスタンプ,満足度,公開してよいか\n2025/11/13 20:00:00,5,はい\n",
        )
        .unwrap();
        let w = new_survey(site.path(), "2025-11-13", &export, None).unwrap();
        let lab = site.path().join("content/labs/2025-11-13");
        assert_eq!(
            w.copied.as_deref(),
            Some(lab.join("private/answers.csv").as_path())
        );
        assert!(lab.join("private/answers.csv").is_file());
        let text = fs::read_to_string(&w.survey).unwrap();
        assert!(text.contains("  file: \"private/answers.csv\"\n"), "{text}");
        assert!(text.contains("    column: \"公開してよいか\"\n"), "{text}");
        // Never again over it.
        let again = new_survey(site.path(), "2025-11-13", &export, None).unwrap_err();
        assert_eq!(again.code, super::super::EXIT_CONTENT);
        assert_eq!(fs::read_to_string(&w.survey).unwrap(), text);
        // Nor for a lab with a `survey` key, nor an unknown lab.
        fs::remove_file(&w.survey).unwrap();
        fs::write(lab.join("lab.yaml"), "title: t\nsurvey:\n  questions: []\n").unwrap();
        assert_eq!(
            new_survey(site.path(), "2025-11-13", &export, None)
                .unwrap_err()
                .code,
            1
        );
        assert!(!w.survey.exists());
        assert_eq!(
            new_survey(site.path(), "2025-11-14", &export, None)
                .unwrap_err()
                .code,
            2
        );
    }
}
