//! The parser of the distribution language: numbers with suffixes (`1.5k`, `35%`), families
//! with positional and named arguments, and the `a to b` form, with an error and a fix for
//! every malformed text.

use super::*;
use crate::error::quote;

/// A recursive-descent parser for one distribution.
pub(super) struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Parser<'a> {
        Parser { text, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn skip_space(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn error_here(&self, what: &str, fix: &str) -> DistError {
        let at = if self.pos >= self.text.len() {
            "at the end".to_string()
        } else {
            format!("at character {}", self.text[..self.pos].chars().count() + 1)
        };
        dist_error(
            format!("cannot read `{}`: {what} {at}", quote(self.text)),
            fix,
        )
    }

    pub(super) fn parse(mut self) -> Result<Dist, DistError> {
        self.skip_space();
        if self.rest().is_empty() {
            return Err(dist_error(
                "the distribution is empty",
                "write a number such as 42, or a distribution such as pert(10, 20, 45)",
            ));
        }
        let starts_with_letter = self.rest().starts_with(|c: char| c.is_ascii_alphabetic());
        let dist = if starts_with_letter {
            self.parse_call()?
        } else {
            let first = self.parse_number()?;
            self.skip_space();
            if self.rest().starts_with("to") {
                self.pos += 2;
                let second = self.parse_number()?;
                Dist {
                    family: Family::Range90 {
                        p5: first,
                        p95: second,
                    },
                    min: None,
                    max: None,
                }
            } else {
                Dist::fixed(first)
            }
        };
        self.skip_space();
        if !self.rest().is_empty() {
            return Err(self.error_here(
                "unexpected text",
                "a distribution is one number, `a to b`, or one family call such as pert(10, 20, 45)",
            ));
        }
        Ok(dist)
    }

    fn parse_identifier(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn parse_call(&mut self) -> Result<Dist, DistError> {
        let name = self.parse_identifier().to_ascii_lowercase();
        const FAMILIES: &str = "uniform, triangular, pert, normal, lognormal, beta";
        if !matches!(
            name.as_str(),
            "uniform" | "triangular" | "pert" | "normal" | "lognormal" | "beta" | "fixed"
        ) {
            let fix = if matches!(name.as_str(), "nan" | "inf" | "infinity") {
                "write an ordinary finite number".to_string()
            } else {
                format!("the families are {FAMILIES}; a fixed value is a plain number")
            };
            return Err(dist_error(
                format!(
                    "cannot read `{}`: `{}` is not a distribution",
                    quote(self.text),
                    quote(&name)
                ),
                fix,
            ));
        }
        self.skip_space();
        if !self.rest().starts_with('(') {
            return Err(self.error_here(
                "expected `(`",
                &format!("write {name}(…) with its arguments in brackets"),
            ));
        }
        self.pos += 1;
        let (positional, named) = self.parse_arguments(&name)?;
        build_family(&name, &positional, &named).map_err(|e| DistError {
            problem: format!("cannot read `{}`: {}", quote(self.text), e.problem),
            fix: e.fix,
        })
    }

    #[allow(clippy::type_complexity)]
    fn parse_arguments(&mut self, name: &str) -> Result<(Vec<f64>, Vec<(String, f64)>), DistError> {
        let mut positional = Vec::new();
        let mut named: Vec<(String, f64)> = Vec::new();
        loop {
            self.skip_space();
            if self.rest().starts_with(')') && positional.is_empty() && named.is_empty() {
                self.pos += 1;
                break;
            }
            if self.rest().starts_with(|c: char| c.is_ascii_alphabetic()) {
                let key = self.parse_identifier().to_ascii_lowercase();
                self.skip_space();
                if !self.rest().starts_with('=') {
                    return Err(self.error_here(
                        &format!("expected `=` after `{key}`"),
                        "named arguments are written like sd=5",
                    ));
                }
                self.pos += 1;
                let value = self.parse_number()?;
                if named.iter().any(|(k, _)| *k == key) {
                    return Err(self.error_here(
                        &format!("`{key}=` is given twice"),
                        "give each named argument once",
                    ));
                }
                named.push((key, value));
            } else {
                if !named.is_empty() {
                    return Err(self.error_here(
                        "a plain argument follows a named one",
                        "put plain arguments first, then named ones such as min=0",
                    ));
                }
                positional.push(self.parse_number()?);
            }
            self.skip_space();
            match self.rest().chars().next() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return Err(self.error_here(
                        "expected `,` or `)`",
                        &format!("close the brackets, e.g. {name}(…)"),
                    ))
                }
            }
        }
        Ok((positional, named))
    }

    /// A number with optional `£`, `_` separators, exponent and suffix (k, m, bn, %).
    fn parse_number(&mut self) -> Result<f64, DistError> {
        self.skip_space();
        let rest = self.rest();
        let mut chars = rest.char_indices().peekable();
        let mut digits = String::new();
        let mut end = 0;
        if let Some(&(_, c)) = chars.peek() {
            if c == '-' || c == '+' || c == '−' {
                digits.push(if c == '+' { '+' } else { '-' });
                chars.next();
                end = c.len_utf8();
            }
        }
        if let Some(&(i, '£')) = chars.peek() {
            chars.next();
            end = i + '£'.len_utf8();
        }
        let mut seen_digit = false;
        let mut prev_e = false;
        while let Some(&(i, c)) = chars.peek() {
            let accept = c.is_ascii_digit()
                || c == '.'
                || (c == '_' && seen_digit)
                || ((c == 'e' || c == 'E') && seen_digit && !prev_e && is_exponent(&rest[i..]))
                || ((c == '-' || c == '+') && prev_e);
            if !accept {
                break;
            }
            seen_digit |= c.is_ascii_digit();
            prev_e = c == 'e' || c == 'E';
            if c != '_' {
                digits.push(c);
            }
            chars.next();
            end = i + c.len_utf8();
        }
        if !seen_digit {
            return Err(self.error_here(
                "expected a number",
                "numbers look like 42, 1.5, 35%, 1.5k, 2m or 3bn",
            ));
        }
        let value: f64 = digits.parse().map_err(|_| {
            self.error_here(
                &format!("`{}` is not a number", &rest[..end]),
                "numbers look like 42, 1.5, 35%, 1.5k, 2m or 3bn",
            )
        })?;
        self.pos += end;
        let (scale, suffix_len) = suffix(self.rest());
        self.pos += suffix_len;
        let x = scale.apply(value);
        if !x.is_finite() {
            return Err(self.error_here("the number is too large", "write a finite number"));
        }
        Ok(x)
    }
}

fn is_exponent(s: &str) -> bool {
    let after = &s[1..];
    let after = after.strip_prefix(['-', '+']).unwrap_or(after);
    after.starts_with(|c: char| c.is_ascii_digit())
}

/// How a number suffix scales the number.
#[derive(Clone, Copy)]
enum Scale {
    Times(f64),
    /// `%`: divided by 100, which is exact where multiplying by 0.01 is not.
    Percent,
}

impl Scale {
    fn apply(self, x: f64) -> f64 {
        match self {
            Scale::Times(m) => x * m,
            Scale::Percent => x / 100.0,
        }
    }
}

/// The scale of a number suffix and its length; a suffix must not run into more letters.
fn suffix(s: &str) -> (Scale, usize) {
    let lower = s.to_ascii_lowercase();
    let word_ends = |n: usize| !lower[n..].starts_with(|c: char| c.is_ascii_alphanumeric());
    if lower.starts_with('%') {
        (Scale::Percent, 1)
    } else if lower.starts_with("bn") && word_ends(2) {
        (Scale::Times(1e9), 2)
    } else if lower.starts_with('k') && word_ends(1) {
        (Scale::Times(1e3), 1)
    } else if lower.starts_with('m') && word_ends(1) {
        (Scale::Times(1e6), 1)
    } else {
        (Scale::Times(1.0), 0)
    }
}

/// Builds a family from its call arguments.
fn build_family(
    name: &str,
    positional: &[f64],
    named: &[(String, f64)],
) -> Result<Dist, DistError> {
    let mut min = None;
    let mut max = None;
    let mut shape_named: Vec<(&str, f64)> = Vec::new();
    for (key, value) in named {
        match key.as_str() {
            "min" => min = Some(*value),
            "max" => max = Some(*value),
            other => shape_named.push((other, *value)),
        }
    }
    if let Some((key, _)) = shape_named
        .iter()
        .find(|(k, _)| !matches!(*k, "mean" | "sd"))
    {
        return Err(dist_error(
            format!("`{key}=` is not an argument of {name}"),
            "the named arguments are min= and max= (every family), and mean=, sd= for lognormal, beta and normal",
        ));
    }
    let get = |key: &str| shape_named.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let expect = |n: usize, usage: &str| -> Result<(), DistError> {
        if positional.len() != n || !shape_named.is_empty() {
            let got = positional.len() + shape_named.len();
            return Err(dist_error(
                format!("{name} takes {n} arguments, got {got}"),
                format!("write {usage}"),
            ));
        }
        Ok(())
    };
    let family = match name {
        "fixed" => {
            expect(1, "fixed(value), or simply the number")?;
            Family::Fixed(positional[0])
        }
        "uniform" => {
            expect(2, "uniform(low, high)")?;
            Family::Uniform {
                low: positional[0],
                high: positional[1],
            }
        }
        "triangular" | "pert" => {
            expect(3, &format!("{name}(min, mode, max)"))?;
            let (min, mode, max) = (positional[0], positional[1], positional[2]);
            if name == "pert" {
                Family::Pert { min, mode, max }
            } else {
                Family::Triangular { min, mode, max }
            }
        }
        "normal" => match (positional.len(), get("mean"), get("sd")) {
            (2, None, None) if shape_named.is_empty() => Family::Normal {
                mean: positional[0],
                sd: positional[1],
            },
            (0, Some(mean), Some(sd)) if shape_named.len() == 2 => Family::Normal { mean, sd },
            _ => {
                return Err(dist_error(
                    "normal takes a mean and an sd",
                    "write normal(mean, sd), e.g. normal(20, 5), optionally with min=/max=",
                ))
            }
        },
        "lognormal" => match (positional.len(), get("mean"), get("sd")) {
            (0, Some(mean), Some(sd)) if shape_named.len() == 2 => Family::LogNormal { mean, sd },
            _ => {
                return Err(dist_error(
                    "lognormal takes mean= and sd= (of the quantity itself)",
                    "write lognormal(mean=8, sd=3), or `a to b` for a 90% range",
                ))
            }
        },
        "beta" => match (positional.len(), get("mean"), get("sd")) {
            (2, None, None) if shape_named.is_empty() => Family::Beta {
                a: positional[0],
                b: positional[1],
            },
            (0, Some(mean), Some(sd)) if shape_named.len() == 2 => Family::BetaMeanSd { mean, sd },
            _ => {
                return Err(dist_error(
                    "beta takes two shapes or mean= and sd=",
                    "write beta(6, 10) or beta(mean=35%, sd=5%)",
                ))
            }
        },
        _ => unreachable!("family names are checked before building"),
    };
    Ok(Dist { family, min, max })
}
