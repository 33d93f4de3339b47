//! Inputs named as a reader would name them — "APHA: failure demand", "Share data: capital,
//! year 0" — for charts and Markdown. Key paths stay in the CSV files and beside the labels in
//! the assumptions table, where an analyst looks them up.

use super::Model;

impl Model {
    /// A readable name for the input with this key path; the key itself where it is not one
    /// of the model's.
    pub fn label(&self, key: &str) -> String {
        // A portfolio's scenario input: its label in that journey, with the journey named.
        if let Some((stem, rest)) = key.split_once('/') {
            if let Some(j) = self.journeys.iter().position(|j| j.id == stem) {
                return format!("{} ({stem})", self.label_in(rest, Some(j)));
            }
        }
        self.label_in(key, None)
    }

    /// A department as a reader knows it: its name, and in a portfolio its journey's id
    /// ("HM Revenue & Customs (border-exports)"), since one id may serve several journeys.
    pub fn department_label(&self, d: usize) -> String {
        let dept = &self.departments[d];
        if self.portfolio {
            format!("{} ({})", dept.name, self.journeys[dept.journey].id)
        } else {
            dept.name.clone()
        }
    }

    /// The label of a key as written in a scenario, its departments looked up in journey `j`
    /// (or among all departments).
    fn label_in(&self, key: &str, j: Option<usize>) -> String {
        let parts: Vec<&str> = key.splitn(3, '.').collect();
        match parts.as_slice() {
            ["journeys", "per_year"] => "Journeys a year".into(),
            ["journeys", "growth"] => "Growth in journeys".into(),
            ["users", "value_of_time"] => "Value of users' time".into(),
            ["users", "value_of_time_growth"] => "Growth in the value of users' time".into(),
            ["discounting", "rate"] => "Discount rate".into(),
            ["departments", id, param] if self.department_in(id, j).is_some() => {
                let param = match param.strip_prefix("channels.") {
                    Some(rest) => words(&rest.replacen('.', " ", 1)),
                    None => words(param),
                };
                format!("{}: {}", self.department_short_name(id, j), param)
            }
            ["options", id, rest] => match self.options.iter().find(|o| o.id == *id) {
                Some(o) => format!("{}: {}", o.name, self.option_part(o, rest)),
                None => key.into(),
            },
            _ => key.into(),
        }
    }

    /// The label of `key` where it stands under a heading that already names `option_name`
    /// (an option's own chart or table): "Share data: capital, year 0" reads "Capital, year
    /// 0" under "What drives the NPSV of Share data".
    pub fn label_within(&self, key: &str, option_name: &str) -> String {
        let label = self.label(key);
        match label
            .strip_prefix(option_name)
            .and_then(|l| l.strip_prefix(": "))
        {
            Some(rest) => {
                let mut chars = rest.chars();
                chars.next().map_or_else(String::new, |c| {
                    c.to_uppercase().chain(chars).collect::<String>()
                })
            }
            None => label,
        }
    }

    /// A department as charts name it: its short name (its name where it has none); looked up
    /// in journey `j` where given.
    fn department_short_name(&self, id: &str, j: Option<usize>) -> String {
        self.department_in(id, j)
            .map_or(id, |d| d.short_name.as_str())
            .to_string()
    }

    /// The department with this id in journey `j` (looked up among that journey's departments
    /// alone, so labelling every input of a large portfolio stays linear), or among all.
    fn department_in(&self, id: &str, j: Option<usize>) -> Option<&super::Department> {
        let range = match j {
            Some(j) => self.journeys[j].departments.clone(),
            None => 0..self.departments.len(),
        };
        self.departments[range].iter().find(|d| d.id == id)
    }

    /// The part of an option an input is: `capital[0]` → "capital, year 0".
    fn option_part(&self, option: &super::OptionSpec, part: &str) -> String {
        if let Some(year) = part.strip_prefix("capital").and_then(|_| index(part)) {
            return format!("capital, year {year}");
        }
        if let Some(k) = part.strip_prefix("adoption").and_then(|_| index(part)) {
            return format!("adoption, year {}", option.live + k);
        }
        if let Some(effect) = part
            .strip_prefix("effect")
            .and_then(|_| index(part))
            .and_then(|i| option.effects.get(i))
        {
            let departments: Vec<usize> = effect.departments.clone();
            let verb = match effect.kind {
                super::EffectKind::Reduce => "cut in",
                super::EffectKind::Set => "new",
            };
            let at = if departments.len() == self.departments.len() && departments.len() > 1 {
                String::new()
            } else {
                format!(" at {}", self.department_list(&departments))
            };
            let what = match (effect.kind, &effect.target) {
                // Reducing failure demand cuts failure contacts by that share.
                (
                    super::EffectKind::Reduce,
                    super::Target::Department(crate::params::DeptParam::FailureDemand),
                ) => "failure contacts".to_string(),
                (_, super::Target::Department(param)) => words(param.spec().key),
                (_, super::Target::Channel { id, param, .. }) => {
                    format!("{} {}", words(id), words(param.spec().key))
                }
            };
            return format!("{verb} {what}{at}");
        }
        match part {
            "running" => "running cost a year".into(),
            other => words(other),
        }
    }
}

impl Model {
    /// Departments named briefly: in a portfolio, each journey's departments after its id
    /// ("HMRC, Defra in border-exports; DWP in tell-us-once").
    fn department_list(&self, departments: &[usize]) -> String {
        let short = |d: usize| self.departments[d].short_name.clone();
        if !self.portfolio {
            return departments
                .iter()
                .map(|&d| short(d))
                .collect::<Vec<_>>()
                .join(", ");
        }
        let mut groups: Vec<(usize, Vec<String>)> = Vec::new();
        for &d in departments {
            let j = self.departments[d].journey;
            match groups.iter_mut().find(|(g, _)| *g == j) {
                Some((_, names)) => names.push(short(d)),
                None => groups.push((j, vec![short(d)])),
            }
        }
        groups
            .iter()
            .map(|(j, names)| format!("{} in {}", names.join(", "), self.journeys[*j].id))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The number in brackets of a key part: `capital[2]` → 2.
fn index(part: &str) -> Option<usize> {
    let (_, rest) = part.split_once('[')?;
    rest.split(']').next()?.parse().ok()
}

/// `failure_demand` → "failure demand".
fn words(key: &str) -> String {
    key.replace('_', " ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn inputs_read_as_a_person_would_name_them() {
        let model = crate::scenario::Source::from_text(
            include_str!("../../tests/fixtures/small.toml"),
            "small.toml",
        )
        .model(&[])
        .unwrap();
        assert_eq!(model.label("journeys.per_year"), "Journeys a year");
        assert_eq!(
            model.label("departments.one.failure_demand"),
            "Office One: failure demand"
        );
        assert_eq!(
            model.label("options.share.capital[0]"),
            "Share data: capital, year 0"
        );
        assert_eq!(
            model.label("options.share.adoption[1]"),
            "Share data: adoption, year 2"
        );
        assert_eq!(
            model.label("options.share.effect[0].reduce"),
            "Share data: cut in repetition rate at Office One"
        );
        assert_eq!(
            model.label("options.share.optimism_bias"),
            "Share data: optimism bias"
        );
        assert_eq!(model.label("nothing.like.this"), "nothing.like.this");
    }
}
