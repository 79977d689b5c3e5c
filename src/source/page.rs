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
    /// Where a free page is linked from: the header (the default) or the
    /// footer. Reports are reached through the labs, so they have none.
    pub menu: Menu,
}

/// The menu that links to a free page (`menu:` in its front matter).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Menu {
    /// The site's main navigation, in the header.
    #[default]
    Main,
    /// The footer's links (an accessibility statement, terms).
    Footer,
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
                let page = what == "the page";
                let keys: &[&str] = if page {
                    &["title", "description", "cover", "draft", "menu"]
                } else {
                    &["title", "description", "cover", "draft"]
                };
                if let Some(m) = ctx.map(&v, "", "the front matter", keys) {
                    front.title = m.opt_text("title");
                    front.description = m.opt_text("description");
                    front.cover = m.opt_text("cover");
                    front.draft = m.opt_bool("draft").unwrap_or(false);
                    front.menu = match m.opt_text("menu").as_deref() {
                        None | Some("main") => Menu::Main,
                        Some("footer") => Menu::Footer,
                        Some(other) => {
                            m.error(
                                "menu",
                                format!("unknown menu `{other}`"),
                                Some(
                                    "write `main` (the header's navigation, the default) or `footer`"
                                        .into(),
                                ),
                            );
                            Menu::Main
                        }
                    };
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

    /// A free page says which menu links to it; a misspelt menu is an
    /// error at its value, and a report has no menu.
    #[test]
    fn menu_of_a_free_page() {
        use std::path::Path;
        let read = |text: &str, what: &str| {
            let file = SourceFile::new(Path::new(""), Path::new("pages/a.md"), text.to_string());
            read_markdown(&file, what)
        };
        let (doc, diags) = read("---\ntitle: A\nmenu: footer\n---\nx\n", "the page");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(doc.unwrap().front.menu, Menu::Footer);
        let (doc, _) = read("---\ntitle: A\n---\nx\n", "the page");
        assert_eq!(doc.unwrap().front.menu, Menu::Main);

        let (_, diags) = read("---\ntitle: A\nmenu: side\n---\nx\n", "the page");
        assert_eq!(diags.len(), 1);
        let text = diags[0].render();
        assert!(text.contains("unknown menu `side`"), "{text}");
        assert!(text.contains("pages/a.md:3:7"), "{text}");
        let (_, diags) = read("---\ntitle: A\nmenu: footer\n---\nx\n", "the report");
        assert_eq!(diags.len(), 1, "{diags:?}");
    }
}
