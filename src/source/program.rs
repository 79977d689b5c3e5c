//! The program of an evening: its parts, and the framework of talk axes.
//! Read from `program.yaml` (the series defaults) and from `lab.yaml`.

use super::yaml::{Node, Value};

use super::yaml::{Ctx, Map, child};

#[derive(Clone, Debug)]
pub struct Part {
    pub title: String,
    pub minutes: u32,
    /// Markdown.
    pub description: Option<String>,
    pub rounds: Option<u32>,
    pub round_minutes: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Axis {
    pub name: String,
    /// Markdown.
    pub description: Option<String>,
    pub prompts: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Framework {
    pub title: String,
    pub axes: Vec<Axis>,
}

/// The three program keys, each optional: a lab inherits what it lacks.
#[derive(Clone, Debug, Default)]
pub struct ProgramSpec {
    pub concept: Option<String>,
    pub program: Option<Vec<Part>>,
    /// Path of the `program` key, for errors about its minutes.
    pub program_path: Option<String>,
    pub framework: Option<Framework>,
}

impl ProgramSpec {
    /// What `self` lacks, taken from `defaults`.
    pub fn inherit(&self, defaults: &ProgramSpec) -> ProgramSpec {
        ProgramSpec {
            concept: self.concept.clone().or_else(|| defaults.concept.clone()),
            program: self.program.clone().or_else(|| defaults.program.clone()),
            program_path: self.program_path.clone(),
            framework: self
                .framework
                .clone()
                .or_else(|| defaults.framework.clone()),
        }
    }

    pub fn total_minutes(&self) -> u32 {
        self.program
            .as_ref()
            .map(|parts| parts.iter().fold(0u32, |t, p| t.saturating_add(p.minutes)))
            .unwrap_or(0)
    }
}

/// The blocks of SPEC §4 that a lab may carry or inherit from program.yaml.
pub const PROGRAM_KEYS: [&str; 3] = ["concept", "program", "framework"];

/// No part of an evening lasts longer than this.
const MINUTES_PER_DAY: u32 = 24 * 60;

/// Read the program keys of a mapping (`program.yaml` or `lab.yaml`).
pub fn read_program_keys(map: &Map) -> ProgramSpec {
    let ctx = map.ctx;
    let concept = map.opt_text("concept");
    let program = map
        .get("program")
        .map(|v| read_parts(ctx, v, &map.path_of("program")));
    let framework = map
        .get("framework")
        .and_then(|v| read_framework(ctx, v, &map.path_of("framework")));
    ProgramSpec {
        concept,
        program_path: program.as_ref().map(|_| map.path_of("program")),
        program,
        framework,
    }
}

fn read_parts(ctx: &Ctx, v: &Node, path: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    for (p, item) in ctx.seq(v, path, "parts") {
        let Some(m) = ctx.map(
            item,
            &p,
            "a program part",
            &["title", "minutes", "description", "rounds", "round_minutes"],
        ) else {
            continue;
        };
        let title = m.req_text("title", "the part's name, e.g. オープニング");
        let minutes = if m.has("minutes") {
            m.opt_u32("minutes")
        } else {
            m.missing("minutes", "its length in minutes, e.g. 20");
            None
        };
        if minutes == Some(0) {
            m.error("minutes", "a part must last at least one minute", None);
        }
        if let Some(n) = minutes.filter(|n| *n > MINUTES_PER_DAY) {
            m.error(
                "minutes",
                format!("a part of {n} minutes is longer than a day"),
                Some("give the part's length in minutes, e.g. 20".into()),
            );
        }
        let rounds = m.opt_u32("rounds");
        let round_minutes = m.opt_u32("round_minutes");
        if rounds == Some(0) {
            m.error("rounds", "`rounds` must be at least 1", None);
        }
        // Each round takes a minute at least (the timetable lists them).
        if let (Some(r), Some(total)) = (rounds, minutes)
            && r > total
        {
            m.error(
                "rounds",
                format!("{r} rounds do not fit in the part's {total} minutes"),
                Some("`rounds` counts the partner rotations, e.g. 2".into()),
            );
        }
        if let (Some(r), Some(rm), Some(total)) = (rounds, round_minutes, minutes)
            && u64::from(r) * u64::from(rm) > u64::from(total)
        {
            m.error(
                "round_minutes",
                format!("{r} rounds of {rm} minutes do not fit in the part's {total} minutes"),
                Some(format!(
                    "make `minutes` at least {} or shorten the rounds",
                    u64::from(r) * u64::from(rm)
                )),
            );
        }
        if round_minutes.is_some() && rounds.is_none() {
            m.error(
                "round_minutes",
                "`round_minutes` is given without `rounds`",
                Some("add `rounds: <number of partner rotations>`".into()),
            );
        }
        let description = m.opt_text("description");
        if let (Some(title), Some(minutes)) = (title, minutes) {
            parts.push(Part {
                title,
                minutes,
                description,
                rounds,
                round_minutes,
            });
        }
    }
    if parts.is_empty() && !ctx.has_errors() {
        ctx.error(
            path,
            false,
            "the program has no parts",
            Some("list the parts of the evening, each with `title` and `minutes`".into()),
        );
    }
    parts
}

fn read_framework(ctx: &Ctx, v: &Node, path: &str) -> Option<Framework> {
    let m = ctx.map(v, path, "the framework", &["title", "axes"])?;
    let title = m.req_text("title", "the framework's name, e.g. マネジメントの4つの軸");
    let mut axes = Vec::new();
    match m.get("axes") {
        None => m.missing("axes", "a list of axes, each with `name`"),
        Some(list) => {
            for (p, item) in ctx.seq(list, &child(path, "axes"), "axes") {
                // An axis may be written as just its name.
                if let Value::String(name) = &item.value {
                    axes.push(Axis {
                        name: name.clone(),
                        description: None,
                        prompts: Vec::new(),
                    });
                    continue;
                }
                let Some(a) = ctx.map(item, &p, "an axis", &["name", "description", "prompts"])
                else {
                    continue;
                };
                if let Some(name) = a.req_text("name", "the axis, e.g. 成果") {
                    axes.push(Axis {
                        name,
                        description: a.opt_text("description"),
                        prompts: a.text_list("prompts"),
                    });
                }
            }
        }
    }
    Some(Framework {
        title: title.unwrap_or_default(),
        axes,
    })
}
