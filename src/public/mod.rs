//! The public view: the only data templates ever see.
//!
//! Built from the checked records. It has no field that can hold a
//! participant's name, company, alias or e-mail: the survey passes through
//! [`survey::public_survey`] (consent, redaction, attribution,
//! k-suppression), and everything else here is organizer-written text meant
//! for publication. Each page is a [`Page`]: its output path, its metadata
//! and its template variables, a typed [`PageContent`] that Tera receives
//! serialized as it is.
//!
//! - [`lab`]: a lab's card (`lab` in templates) and its recruitment;
//! - [`program`]: the timetable, with the time arithmetic;
//! - [`survey`]: the survey after the privacy rules;
//! - [`status`]: recruitment status by the clock;
//! - [`pages`]: the pages and each one's variables;
//! - [`common`]: the variables every page shares;
//! - [`event`]: a planned lab as an event, for its JSON-LD;
//! - [`site`]: the view of a whole site, which makes the pages;
//! - [`paths`]: where each page goes in the output;
//! - [`words`]: UI strings with their ja/en fallbacks.

pub mod common;
pub mod event;
pub mod lab;
pub mod pages;
pub mod paths;
pub mod program;
pub mod site;
pub mod status;
pub mod survey;
pub mod words;

pub use common::CommonView;
pub use lab::{FaqItem, PublicLab, PublicRecruitment, PublicVenue};
pub use pages::{Origin, Page, PageContent};
pub use paths::LabPaths;
pub use program::{ProgramView, program_view};
pub use site::{FEED_LIMIT, HIGHLIGHT_LABS, HOME_REPORTS, LabOutput, PublicSite, ViewError};
pub use words::Words;
