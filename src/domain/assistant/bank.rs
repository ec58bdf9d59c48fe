//! The question bank (`bank.txt`): interview questions, what to listen for and job-description
//! duties, grouped in skill areas that the matching vocabulary's families point to. Read once;
//! picks are deterministic (a hash of the role), so the same job always gets the same answer.

use std::sync::OnceLock;

use crate::domain::jobs::Level;
use crate::domain::matching::vocabulary::vocabulary;

const BANK: &str = include_str!("bank.txt");

named_enum! {
    /// What a line of the bank is.
    pub enum LineKind {
        Technical = "technical",
        Scenario = "scenario",
        Behavioral = "behavioral",
        RedFlag = "red_flag",
        Duty = "duty",
    }
}

/// Which levels a line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Band {
    All,
    Junior,
    Senior,
}

impl Band {
    fn fits(self, level: Option<Level>) -> bool {
        match (self, level) {
            (Band::All, _) => true,
            // Without a level, the lines for every level and the senior ones are asked.
            (Band::Junior, None) => false,
            (Band::Senior, None) => true,
            (Band::Junior, Some(l)) => !is_senior(l),
            (Band::Senior, Some(l)) => is_senior(l),
        }
    }
}

pub fn is_senior(level: Level) -> bool {
    level >= Level::Senior
}

#[derive(Debug)]
struct Line {
    kind: LineKind,
    band: Band,
    text: &'static str,
}

#[derive(Debug)]
struct Area {
    name: &'static str,
    families: Vec<&'static str>,
    lines: Vec<Line>,
}

pub struct Bank {
    areas: Vec<Area>,
}

/// The bank, parsed on first use. A malformed bank is a build mistake: the tests read it.
pub fn bank() -> &'static Bank {
    static BANK_ONCE: OnceLock<Bank> = OnceLock::new();
    BANK_ONCE.get_or_init(|| parse(BANK).expect("the question bank parses"))
}

fn parse(text: &'static str) -> Result<Bank, String> {
    let mut areas: Vec<Area> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let (name, families) = rest
                .split_once(']')
                .ok_or_else(|| format!("line {}: `[area] families` expected", n + 1))?;
            areas.push(Area {
                name: name.trim(),
                families: families
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .collect(),
                lines: Vec::new(),
            });
            continue;
        }
        let (head, body) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: `kind: text` expected", n + 1))?;
        let mut words = head.split_whitespace();
        let kind = words.next().unwrap_or_default();
        let kind = *LineKind::ALL
            .iter()
            .find(|k| k.as_str() == kind)
            .ok_or_else(|| format!("line {}: unknown kind {kind:?}", n + 1))?;
        let band = match words.next() {
            None => Band::All,
            Some("junior") => Band::Junior,
            Some("senior") => Band::Senior,
            Some(other) => return Err(format!("line {}: unknown level band {other:?}", n + 1)),
        };
        let area = areas
            .last_mut()
            .ok_or_else(|| format!("line {}: a line before any [area]", n + 1))?;
        area.lines.push(Line {
            kind,
            band,
            text: body.trim(),
        });
    }
    for needed in ["general", "any"] {
        if !areas.iter().any(|a| a.name == needed) {
            return Err(format!("the bank has no [{needed}] area"));
        }
    }
    Ok(Bank { areas })
}

/// A stable 64-bit hash (FNV-1a): the same text picks the same lines on every build.
pub fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What a pick is for: the role's title and level and its skills, most important first.
pub struct Brief<'a> {
    pub role: &'a str,
    pub level: Option<Level>,
    pub skills: &'a [String],
}

impl Bank {
    fn area(&self, name: &str) -> &Area {
        self.areas
            .iter()
            .find(|a| a.name == name)
            .expect("checked when parsed")
    }

    /// The area a skill belongs to: the first area covering one of its families (closest
    /// family first), else `[any]`.
    fn area_of(&self, skill: &str) -> &Area {
        let v = vocabulary();
        let name = v.canonical(skill).unwrap_or(skill);
        for family in v.families(name) {
            if let Some(area) = self.areas.iter().find(|a| a.families.contains(family)) {
                return area;
            }
        }
        self.area("any")
    }

    /// Up to `count` lines of `kind` for the brief: the skills take turns (the first skill's
    /// area first), each area's lines are walked from a point the role's hash chooses, then
    /// `[general]` fills what is left. `{skill}` and `{role}` are filled in; no line twice.
    pub fn pick(&self, brief: &Brief, kind: LineKind, count: usize) -> Vec<String> {
        let seed = stable_hash(&format!("{}|{:?}", brief.role.to_lowercase(), brief.level));
        let fill = |text: &str, skill: &str| {
            text.replace("{skill}", skill)
                .replace("{role}", brief.role.trim())
        };
        let fitting = |area: &'static Area| -> Vec<&'static Line> {
            area.lines
                .iter()
                .filter(|l| l.kind == kind && l.band.fits(brief.level))
                .collect()
        };
        let mut out: Vec<String> = Vec::new();
        // (skill, its area's fitting lines, next index)
        let mut turns: Vec<(String, Vec<&'static Line>, usize)> = Vec::new();
        let bank: &'static Bank = bank();
        for skill in brief.skills.iter().take(8) {
            let name = vocabulary()
                .canonical(skill)
                .map(str::to_string)
                .unwrap_or_else(|| skill.trim().to_string());
            if name.is_empty() || turns.iter().any(|(s, ..)| *s == name) {
                continue;
            }
            let area = bank.area_of(&name);
            let lines = fitting(area);
            if lines.is_empty() {
                continue;
            }
            let start = (seed ^ stable_hash(&name)) as usize % lines.len();
            turns.push((name, lines, start));
        }
        // Round-robin over the skills, each contributing its next unused line.
        let mut progress = true;
        let mut rounds = 0;
        while out.len() < count && progress && rounds < 16 {
            progress = false;
            rounds += 1;
            for (skill, lines, next) in turns.iter_mut() {
                if out.len() >= count {
                    break;
                }
                // A skill's first line names it, when its area has such lines.
                let naming = rounds == 1 && lines.iter().any(|l| l.text.contains("{skill}"));
                for _ in 0..lines.len() {
                    let line = lines[*next % lines.len()];
                    *next += 1;
                    if naming && !line.text.contains("{skill}") {
                        continue;
                    }
                    let text = fill(line.text, skill);
                    if !out.contains(&text) {
                        out.push(text);
                        progress = true;
                        break;
                    }
                }
            }
        }
        let general = fitting(bank.area("general"));
        if !general.is_empty() {
            let start = seed as usize % general.len();
            for i in 0..general.len() {
                if out.len() >= count {
                    break;
                }
                let text = fill(general[(start + i) % general.len()].text, "");
                if !out.contains(&text) {
                    out.push(text);
                }
            }
        }
        out.truncate(count);
        out
    }

    /// The areas the skills lead to, first skill first, each once (for job descriptions).
    pub fn areas_for(&self, skills: &[String]) -> Vec<&'static str> {
        let bank: &'static Bank = bank();
        let mut names = Vec::new();
        for skill in skills {
            let area = bank.area_of(skill);
            if !names.contains(&area.name) {
                names.push(area.name);
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skills(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_bank_parses_and_each_area_has_questions() {
        let b = bank();
        assert!(b.areas.len() >= 15);
        for area in &b.areas {
            assert!(!area.lines.is_empty(), "[{}] is empty", area.name);
        }
        assert!(parse("technical: before any area").is_err());
        assert!(parse("[general]\nquestion: ?\n[any]\n").is_err());
    }

    #[test]
    fn picks_follow_the_skills_and_are_stable() {
        let s = skills(&["Rust", "PostgreSQL", "Kubernetes"]);
        let brief = Brief {
            role: "Senior Backend Engineer",
            level: Some(Level::Senior),
            skills: &s,
        };
        let a = bank().pick(&brief, LineKind::Technical, 6);
        let b = bank().pick(&brief, LineKind::Technical, 6);
        assert_eq!(a, b, "deterministic");
        assert_eq!(a.len(), 6);
        assert!(a.iter().any(|q| q.contains("Rust")), "{a:#?}");
        assert!(a.iter().any(|q| q.contains("PostgreSQL")), "{a:#?}");
        assert!(a.iter().any(|q| q.contains("Kubernetes")), "{a:#?}");
        let unique: std::collections::HashSet<&String> = a.iter().collect();
        assert_eq!(unique.len(), a.len(), "no question twice");
        assert!(a.iter().all(|q| !q.contains('{')), "{a:#?}");
    }

    #[test]
    fn levels_choose_their_lines() {
        let s = skills(&["React"]);
        let junior = Brief {
            role: "Frontend Developer",
            level: Some(Level::Junior),
            skills: &s,
        };
        let senior = Brief {
            role: "Frontend Developer",
            level: Some(Level::Lead),
            skills: &s,
        };
        let j = bank().pick(&junior, LineKind::Technical, 10);
        let l = bank().pick(&senior, LineKind::Technical, 10);
        assert!(j.iter().any(|q| q.contains("between a click")), "{j:#?}");
        assert!(!l.iter().any(|q| q.contains("between a click")), "{l:#?}");
        assert!(l.iter().any(|q| q.contains("design system")), "{l:#?}");
    }

    #[test]
    fn an_unknown_skill_gets_the_general_templates() {
        let s = skills(&["Basket weaving"]);
        let brief = Brief {
            role: "Weaver",
            level: None,
            skills: &s,
        };
        let q = bank().pick(&brief, LineKind::Technical, 2);
        assert!(q[0].contains("Basket weaving"), "{q:#?}");
    }
}
