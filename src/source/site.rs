//! `site.yaml`: the site's settings.

use std::sync::Arc;

use chrono_tz::Tz;

use super::yaml::{Ctx, child, parse};
use crate::diagnostics::{Diagnostic, SourceFile};

/// The site's language is a leaf type (dates are formatted by it below
/// the stages); `site.yaml` is where it is chosen.
pub use crate::lang::Language;

#[derive(Clone, Debug, Default)]
pub struct Organizer {
    pub name: String,
    pub url: String,
    pub email: String,
}

#[derive(Clone, Debug)]
pub struct AllowedTerm {
    pub term: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct PrivacySettings {
    /// k: the smallest group the site may describe.
    pub min_group_size: usize,
    pub deny: Vec<String>,
    pub allow: Vec<AllowedTerm>,
    /// More words that mark a name written before them (SPEC §7.1); at
    /// the YAML path `privacy.honorifics[i]`.
    pub honorifics: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub file: Arc<SourceFile>,
    pub title: String,
    pub description: String,
    /// Absolute, ends with `/`.
    pub base_url: String,
    pub language: Language,
    pub timezone: Tz,
    pub theme: String,
    pub organizer: Organizer,
    pub privacy: PrivacySettings,
}

const SITE_KEYS: [&str; 8] = [
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "theme",
    "organizer",
    "privacy",
];

/// Check a base URL: a scheme and host; returns it ending with `/`.
pub fn check_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("`{url}` has no scheme: a base URL starts with https:// or http://")
        })?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("`{url}` has no host name"));
    }
    if url.contains(|c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
    }) {
        return Err(format!(
            "`{url}` holds a character that cannot stand in an address (a space, a quote, `<`, `>` or `\\`)"
        ));
    }
    if url.contains(['?', '#']) {
        return Err(format!("`{url}` has a query or fragment"));
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

/// A web address for a link: `https://` or `http://` and a host, no white
/// space. (`javascript:` and the like would run in the reader's browser.)
/// Empty is allowed: the field is optional.
pub fn check_web_url(url: &str) -> Result<(), String> {
    if url.is_empty() {
        return Ok(());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("`{url}` is not a web address: it must start with https:// or http://")
        })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || url.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{url}` is not a web address"));
    }
    Ok(())
}

/// One e-mail address, as it goes into a `mailto:` link. Empty is allowed.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Ok(());
    }
    let ok = email.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    }) && !email.contains(|c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '"' | '?' | '&' | ',' | ';' | ':' | '/' | '\\'
            )
    }) && email.matches('@').count() == 1;
    if ok {
        Ok(())
    } else {
        Err(format!("`{email}` is not an e-mail address"))
    }
}

pub fn read_site(
    file: &Arc<SourceFile>,
    base_url_override: Option<&str>,
) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    let value = match parse(file) {
        Ok(v) => v,
        Err(d) => return (None, vec![d]),
    };
    let ctx = Ctx::new(file.clone(), &value);
    let Some(m) = ctx.map(&value, "", "site.yaml", &SITE_KEYS) else {
        return (None, ctx.into_diags());
    };
    let title = m.req_text("title", "the site's name");
    let description = m.opt_text("description").unwrap_or_default();
    let base_url = match base_url_override {
        Some(u) => match check_base_url(u) {
            Ok(u) => Some(u),
            Err(e) => {
                ctx.push(Diagnostic::error(format!("--base-url: {e}"), None));
                None
            }
        },
        None => m
            .req_text("base_url", "https://example.org/")
            .and_then(|u| match check_base_url(&u) {
                Ok(u) => Some(u),
                Err(e) => {
                    m.error(
                        "base_url",
                        e,
                        Some("write the full address, e.g. `https://example.org/lab/`".into()),
                    );
                    None
                }
            }),
    };
    let language = match m.opt_text("language").as_deref() {
        None | Some("ja") => Language::Ja,
        Some("en") => Language::En,
        Some(other) => {
            m.error(
                "language",
                format!("unknown language `{other}`"),
                Some("expected `ja` or `en`".into()),
            );
            Language::Ja
        }
    };
    let timezone = match m.opt_text("timezone") {
        None => chrono_tz::Asia::Tokyo,
        Some(name) => match name.parse::<Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                m.error(
                    "timezone",
                    format!("unknown time zone `{name}`"),
                    Some("expected an IANA name such as `Asia/Tokyo` or `America/New_York`".into()),
                );
                chrono_tz::Asia::Tokyo
            }
        },
    };
    let theme = m.opt_text("theme").unwrap_or_else(|| "default".into());
    let organizer = match m.get("organizer") {
        None => Organizer::default(),
        Some(v) => match ctx.map(v, "organizer", "the organizer", &["name", "url", "email"]) {
            Some(o) => {
                // Both end up in links (`href`, `mailto:`) on every page.
                let url = o.opt_text("url").unwrap_or_default();
                let url = match check_web_url(&url) {
                    Ok(()) => url,
                    Err(e) => {
                        o.error(
                            "url",
                            e,
                            Some("write the full address, e.g. `https://example.org/`".into()),
                        );
                        String::new()
                    }
                };
                let email = o.opt_text("email").unwrap_or_default();
                let email = match check_email(&email) {
                    Ok(()) => email,
                    Err(e) => {
                        o.error(
                            "email",
                            e,
                            Some("write one address, e.g. `lab@example.org`".into()),
                        );
                        String::new()
                    }
                };
                Organizer {
                    name: o.opt_text("name").unwrap_or_default(),
                    url,
                    email,
                }
            }
            None => Organizer::default(),
        },
    };
    let mut privacy = PrivacySettings {
        min_group_size: 3,
        deny: Vec::new(),
        allow: Vec::new(),
        honorifics: Vec::new(),
    };
    if let Some(v) = m.get("privacy")
        && let Some(p) = ctx.map(
            v,
            "privacy",
            "the privacy settings",
            &["min_group_size", "deny", "allow", "honorifics"],
        )
    {
        if let Some(k) = p.opt_u32("min_group_size") {
            if k < 2 {
                p.error(
                    "min_group_size",
                    format!("`min_group_size` is {k}: a group of one is a person"),
                    Some("use 2 or more; 3 is the default".into()),
                );
            } else {
                privacy.min_group_size = k as usize;
            }
        }
        privacy.deny = p.text_list("deny");
        privacy.honorifics = p.non_empty_texts("honorifics", "an honorific");
        if let Some(list) = p.get("allow") {
            for (path, item) in ctx.seq(list, &child("privacy", "allow"), "allowed terms") {
                if let Some(a) = ctx.map(item, &path, "an allowed term", &["term", "reason"]) {
                    let term = a.req_text("term", "the word to exempt from the leak gate");
                    let reason = a.req_text("reason", "why this term is safe to publish");
                    if let (Some(term), Some(reason)) = (term, reason) {
                        privacy.allow.push(AllowedTerm { term, reason });
                    }
                }
            }
        }
    }
    let diags = ctx.into_diags();
    // With errors, the settings still carry stand-ins so the rest of the
    // site can be checked in the same run.
    let config = SiteConfig {
        file: file.clone(),
        title: title.unwrap_or_default(),
        description,
        base_url: base_url.unwrap_or_else(|| "https://example.invalid/".into()),
        language,
        timezone,
        theme,
        organizer,
        privacy,
    };
    (Some(config), diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honorifics_are_read_and_empty_ones_refused() {
        let read = |privacy: &str| {
            let file = SourceFile::new(
                std::path::Path::new("/"),
                std::path::Path::new("/site.yaml"),
                format!("title: t\nbase_url: https://example.org/\nprivacy:\n{privacy}"),
            );
            read_site(&file, None)
        };
        let (site, diags) = read("  honorifics: [マネジャー, 部長]\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(site.unwrap().privacy.honorifics, ["マネジャー", "部長"]);
        let (_, diags) = read("  honorifics: [\" \"]\n  honorific: [x]\n");
        assert_eq!(diags.len(), 2, "{diags:?}");
        let empty = diags
            .iter()
            .find(|d| d.message.contains("is empty"))
            .unwrap();
        assert_eq!(
            empty.loc.as_ref().and_then(|l| l.resolve()),
            Some((4, 16, 1))
        );
        let unknown = diags
            .iter()
            .find(|d| d.message.contains("unknown key"))
            .unwrap();
        assert_eq!(unknown.help.as_deref(), Some("did you mean `honorifics`?"));
    }

    #[test]
    fn base_url_needs_scheme_and_gets_slash() {
        assert_eq!(
            check_base_url("https://example.org/lab").unwrap(),
            "https://example.org/lab/"
        );
        assert!(check_base_url("example.org/lab/").is_err());
        assert!(check_base_url("https:///x").is_err());
        assert!(check_base_url("https://example.org/a\" onload=\"x").is_err());
        assert!(check_base_url("https://example.org/<script>/").is_err());
    }

    #[test]
    fn organizer_links_must_be_web_and_mail_addresses() {
        assert!(check_web_url("https://example.org/").is_ok());
        assert!(check_web_url("").is_ok());
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "//example.org/",
            "https://",
            "https://exa mple.org/",
        ] {
            assert!(check_web_url(bad).is_err(), "{bad}");
        }
        assert!(check_email("lab@example.org").is_ok());
        for bad in [
            "lab@example.org?cc=x@evil.example",
            "a@b",
            "\"x\"@example.org",
            "lab@example.org\r\nBcc: x",
            "a@@example.org",
            "javascript:alert(1)//@example.org",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
