//! The records a lab's people and answers are read into: its participants
//! and its survey's questions, answers and responses, whether written in
//! `lab.yaml` or read from a form export. `lab` (the YAML) and `forms`
//! (the exports) both fill them, so they live below both: the imports run
//! `lab → forms → record`, never back.

use crate::diagnostics::Loc;

/// A participant as recorded: private. Only `industry` and `role` ever
/// reach the public view, and only through group-size rules.
#[derive(Clone, Debug)]
pub struct Participant {
    pub id: String,
    pub name: Option<String>,
    pub company: Option<String>,
    pub aliases: Vec<String>,
    pub email: Option<String>,
    pub industry: Option<String>,
    pub role: Option<String>,
    /// The reading of `name` (SPEC §5), in as many space-separated parts.
    pub kana: Option<String>,
    /// Other names the person goes by.
    pub nicknames: Vec<String>,
    /// False for a no-show; true unless the file says otherwise.
    pub attended: bool,
    /// YAML path of this participant, for errors about its terms; a field
    /// is at `{path}.kana`, a nickname at `{path}.nicknames[i]`.
    pub path: String,
    /// For a participant read from an export, its row there.
    pub origin: Option<Loc>,
}

impl Participant {
    /// How messages name the participant: by id when written in lab.yaml,
    /// by file and row when read from an export (whose id may be an
    /// e-mail, and messages end up in CI logs).
    pub fn named(&self) -> String {
        match &self.origin {
            Some(loc) => export_row(loc),
            None => format!("`{}`", self.id),
        }
    }
}

/// `row 7 of content/labs/x/private/applications.csv`.
pub fn export_row(loc: &Loc) -> String {
    let row = loc.resolve().map_or(0, |(r, _, _)| r);
    format!(
        "row {row} of {}",
        crate::diagnostics::printable(&loc.file.display)
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Consent {
    /// Left out of everything, counts included.
    None,
    /// Counted, never quoted.
    Aggregate,
    /// Text answers may be quoted (after redaction).
    Quote,
}

#[derive(Clone, Debug, PartialEq)]
pub enum QuestionKind {
    Rating {
        scale: u32,
    },
    Choice {
        multiple: bool,
        options: Vec<String>,
    },
    Text,
}

#[derive(Clone, Debug)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
}

#[derive(Clone, Debug)]
pub enum Answer {
    Rating(u32),
    Choices(Vec<String>),
    Text(String),
}

#[derive(Clone, Debug)]
pub struct Response {
    /// The participant's id; `None` for an anonymous response from an
    /// export (counted and quotable by its consent, attributed to nobody).
    pub participant: Option<String>,
    pub consent: Consent,
    pub answers: Answers,
    /// For a response read from an export, its row there.
    pub origin: Option<Loc>,
}

/// A response's answers by question id, in the order of the questions: a
/// handful per response, so a vector (a map's nodes cost about 25 MB more
/// at 10,000 labs).
#[derive(Clone, Debug, Default)]
pub struct Answers(Vec<(String, Answer)>);

impl Answers {
    /// Answers by question id, in the order of the questions.
    pub fn from_vec(mut answers: Vec<(String, Answer)>) -> Answers {
        answers.shrink_to_fit();
        Answers(answers)
    }

    pub fn get(&self, question: &str) -> Option<&Answer> {
        self.0.iter().find(|(q, _)| q == question).map(|(_, a)| a)
    }

    pub fn contains_key(&self, question: &str) -> bool {
        self.get(question).is_some()
    }
}
