//! Markdown files with optional YAML front matter: `report.md` and
//! `pages/<slug>.md`.

use std::sync::Arc;

use super::yaml::{Ctx, parse};
use crate::diagnostics::{Diagnostic, Loc, SourceFile};

#[derive(Clone, Debug, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    /// An image beside the Markdown file, for cards and OpenGraph.
    pub cover: Option<String>,
    pub draft: bool,
}

#[derive(Clone, Debug)]
pub struct MarkdownDoc {
    pub file: Arc<SourceFile>,
    pub front: FrontMatter,
    /// The Markdown after the front matter.
    pub body: String,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
    /// The front matter as a YAML file of its own (with the Markdown
    /// file's name and line numbers), for errors about its values.
    pub front_file: Option<Arc<SourceFile>>,
}

/// The front matter opened with `---` is never closed.
#[derive(Debug)]
pub struct Unclosed;

/// Split `---` front matter from the body. Returns (front matter text with
/// its first line blanked, so line numbers match the file; body; body line).
pub fn split_front_matter(text: &str) -> Result<(Option<String>, &str, usize), Unclosed> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Ok((None, text, 1));
    }
    let mut pos = first_end;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            let yaml = format!("\n{}", &text[first_end..pos]);
            return Ok((Some(yaml), &text[end..], line + 1));
        }
        pos = end;
        line += 1;
    }
    Err(Unclosed)
}

pub fn read_markdown(file: &Arc<SourceFile>, what: &str) -> (Option<MarkdownDoc>, Vec<Diagnostic>) {
    let text: &str = &file.text;
    let (yaml, body, body_line) = match split_front_matter(text) {
        Ok(parts) => parts,
        Err(Unclosed) => {
            return (
                None,
                vec![
                    Diagnostic::error(
                        format!("the front matter of {what} is never closed"),
                        Some(Loc::at(file, 1, 1, 3)),
                    )
                    .with_help("end the front matter with a line of `---`"),
                ],
            );
        }
    };
    let mut front = FrontMatter::default();
    let mut diags = Vec::new();
    let mut front_file = None;
    if let Some(yaml) = yaml {
        // A file of its own for the front matter: the same name, and the
        // same line numbers as the Markdown file.
        let fm = Arc::new(SourceFile::front_matter(file, yaml, super::yaml::index));
        front_file = Some(fm.clone());
        match parse(&fm) {
            Err(d) => diags.push(d),
            Ok(v) if v.is_null() => {}
            Ok(v) => {
                let ctx = Ctx::new(fm.clone(), &v);
                if let Some(m) = ctx.map(
                    &v,
                    "",
                    "the front matter",
                    &["title", "description", "cover", "draft"],
                ) {
                    front.title = m.opt_text("title");
                    front.description = m.opt_text("description");
                    front.cover = m.opt_text("cover");
                    front.draft = m.opt_bool("draft").unwrap_or(false);
                }
                diags.extend(ctx.into_diags());
            }
        }
    }
    let doc = MarkdownDoc {
        file: file.clone(),
        front,
        body: body.to_string(),
        body_line,
        front_file,
    };
    (Some(doc), diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_split_keeps_line_numbers() {
        let (fm, body, line) = split_front_matter("---\ntitle: a\n---\n# Hi\n").unwrap();
        assert_eq!(fm.as_deref(), Some("\ntitle: a\n"));
        assert_eq!(body, "# Hi\n");
        assert_eq!(line, 4);
        assert!(split_front_matter("---\ntitle: a\n").is_err());
        let (fm, body, _) = split_front_matter("# No front matter\n").unwrap();
        assert!(fm.is_none());
        assert_eq!(body, "# No front matter\n");
    }
}
