//! `seams new`: a commented starter scenario an analyst can fill in, which passes `seams check`
//! as it stands (every figure in it is marked as an illustration to replace).

/// The starter scenario; `{name}` is replaced by the journey's name.
const TEMPLATE: &str = r#"# {name}
#
# A starter scenario written by `seams new`. Every figure below is an ILLUSTRATION: replace each
# one with your own evidence, and say where it comes from in `source`. Run `seams check` on this
# file after every edit; docs/scenario-format.md explains every key.

[scenario]
name = "{name}"
description = "One sentence on the journey: who the user is and what outcome they want."
price_base_year = 2024      # all money is in this year's prices
first_year = 2025           # appraisal year 0
years = 10                  # appraisal period
iterations = 20000
seed = 1

[journeys]
# How many times a year users make this journey, as a 90% range.
per_year = { value = "80k to 120k", source = "illustration" }
growth = { value = "uniform(0%, 2%)", source = "illustration" }

[users]
# £ per hour of a user's time (ONS ASHE 2024 median full-time hourly pay was £18.64).
value_of_time = { value = "pert(15, 18.64, 25)", source = "illustration, around ONS ASHE 2024" }

# One table per organisation the journey crosses. A value contact is one the journey needs
# anyway (value demand). A contact that exists only because of the seam — the user chasing
# progress, or correcting what one organisation did not pass to another — is failure demand.
[departments.first]
name = "First organisation"
contacts_per_journey = 1
user_minutes = { value = "pert(10, 20, 40)", source = "illustration" }
staff_minutes = { value = "pert(5, 10, 20)", source = "illustration" }
staff_cost_per_hour = { value = "pert(24, 28, 34)", source = "illustration: fully loaded staff cost" }
channel_cost_per_contact = { value = "pert(1, 2.83, 4.11)", price_year = 2011, source = "illustration, around Socitm 2011 phone contact (data/cost_per_transaction.csv)" }
repetition_rate = { value = "pert(10%, 25%, 40%)", source = "illustration", note = "share of contacts where the user repeats what government already holds" }
repeat_user_minutes = { value = "pert(3, 5, 10)", source = "illustration" }
repeat_staff_minutes = { value = "pert(1, 2, 4)", source = "illustration" }
failure_demand = { value = "pert(10%, 20%, 35%)", source = "illustration", note = "share of all contacts that are chasing or correcting" }

[departments.second]
name = "Second organisation"
user_minutes = { value = "pert(10, 15, 30)", source = "illustration" }
staff_minutes = { value = "pert(5, 8, 15)", source = "illustration" }
staff_cost_per_hour = { value = "pert(24, 28, 34)", source = "illustration" }
stuck_rate = { value = "2% to 8%", source = "illustration", note = "share of journeys that stall here and start again" }
stuck_user_minutes = { value = "pert(20, 45, 120)", source = "illustration" }
stuck_staff_minutes = { value = "pert(5, 10, 30)", source = "illustration" }

# An option: what it costs, when it starts, whom it reaches, and what it changes.
[options.join-up]
name = "Share the user's details between the two organisations"
funded_by = "first"
live = 1
capital = [{ value = "pert(200k, 350k, 700k)", source = "illustration" }]
running = { value = "pert(40k, 60k, 100k)", source = "illustration" }
adoption = [0.5, 0.8, 0.9]
optimism_bias = "equipment-development"
non_monetised = ["users trust that they need tell government only once"]

[[options.join-up.effect]]
departments = ["first"]
parameter = "repetition_rate"
reduce = { value = "pert(50%, 75%, 90%)", source = "illustration" }

[[options.join-up.effect]]
departments = ["first"]
parameter = "failure_demand"
reduce = { value = "pert(10%, 25%, 40%)", source = "illustration", note = "share of failure contacts removed" }
"#;

/// The starter scenario for a journey called `name`.
pub fn starter_scenario(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    TEMPLATE.replace("{name}", clean.trim())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_starter_scenario_is_valid() {
        let text = super::starter_scenario("Applying for a \"licence\"");
        let model = crate::scenario::Source::from_text(&text, "new.toml")
            .model(&[])
            .unwrap();
        assert_eq!(model.settings().name, "Applying for a  licence");
        assert_eq!(model.options().len(), 1);
        assert!(model.inputs().iter().any(|i| i.price_year == Some(2011)));
    }
}
