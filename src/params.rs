//! The parameter catalogue (docs/method.md §2): every input's key, unit, domain and default.
//!
//! One table drives loading, validation, `--set`, the assumptions register and option
//! effects, so a parameter cannot be known to one of them and unknown to another.

use crate::dist::Domain;

/// What a parameter measures; decides how it is described in words and formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Journeys per year.
    Journeys,
    /// A share or rate, shown as a percentage.
    Share,
    /// Minutes.
    Minutes,
    /// Pounds (money per contact, per hour or per year).
    Pounds,
    /// A count of contacts.
    Count,
}

/// How a department parameter behaves when the scenario leaves it out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Default {
    Required,
    Value(f64),
    /// The same draw as another parameter (failure minutes default to value-contact minutes).
    SameAs(DeptParam),
    /// Required when the named rate is not fixed at 0; otherwise 0.
    RequiredIfNonZero(DeptParam),
}

/// A department parameter, usable as an index into a per-department value array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeptParam {
    ContactsPerJourney,
    UserMinutes,
    StaffMinutes,
    StaffCostPerHour,
    ChannelCostPerContact,
    UserCostPerContact,
    RepetitionRate,
    RepeatUserMinutes,
    RepeatStaffMinutes,
    FailureDemand,
    FailureUserMinutes,
    FailureStaffMinutes,
    StuckRate,
    StuckUserMinutes,
    StuckStaffMinutes,
    CashReleasingShare,
    ChannelCostCashReleasing,
}

/// Number of department parameters.
pub const DEPT_PARAM_COUNT: usize = 17;

/// The static description of a parameter.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub key: &'static str,
    pub unit: Unit,
    pub domain: Domain,
    pub default: Default,
    pub describes: &'static str,
}

impl DeptParam {
    /// Every department parameter, in the order of docs/method.md §2.
    pub const ALL: [DeptParam; DEPT_PARAM_COUNT] = [
        DeptParam::ContactsPerJourney,
        DeptParam::UserMinutes,
        DeptParam::StaffMinutes,
        DeptParam::StaffCostPerHour,
        DeptParam::ChannelCostPerContact,
        DeptParam::UserCostPerContact,
        DeptParam::RepetitionRate,
        DeptParam::RepeatUserMinutes,
        DeptParam::RepeatStaffMinutes,
        DeptParam::FailureDemand,
        DeptParam::FailureUserMinutes,
        DeptParam::FailureStaffMinutes,
        DeptParam::StuckRate,
        DeptParam::StuckUserMinutes,
        DeptParam::StuckStaffMinutes,
        DeptParam::CashReleasingShare,
        DeptParam::ChannelCostCashReleasing,
    ];

    /// Position in a per-department value array.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The parameter with this TOML key.
    pub fn from_key(key: &str) -> Option<DeptParam> {
        DeptParam::ALL.into_iter().find(|p| p.spec().key == key)
    }

    /// The channel parameter a department with channels gives this one by (docs/method.md §2a).
    pub fn channel_param(self) -> Option<ChannelParam> {
        ChannelParam::MIXED
            .into_iter()
            .find(|c| c.department_param() == Some(self))
    }

    /// Its key, unit, domain and default.
    pub fn spec(self) -> ParamSpec {
        use DeptParam as P;
        use Unit::*;
        let (key, unit, domain, default, describes) = match self {
            P::ContactsPerJourney => (
                "contacts_per_journey",
                Count,
                Domain::NON_NEGATIVE,
                Default::Value(1.0),
                "value contacts per journey",
            ),
            P::UserMinutes => (
                "user_minutes",
                Minutes,
                Domain::NON_NEGATIVE,
                Default::Required,
                "user minutes per value contact",
            ),
            P::StaffMinutes => (
                "staff_minutes",
                Minutes,
                Domain::NON_NEGATIVE,
                Default::Required,
                "staff minutes per value contact",
            ),
            P::StaffCostPerHour => (
                "staff_cost_per_hour",
                Pounds,
                Domain::NON_NEGATIVE,
                Default::Required,
                "£ per staff hour, fully loaded",
            ),
            P::ChannelCostPerContact => (
                "channel_cost_per_contact",
                Pounds,
                Domain::NON_NEGATIVE,
                Default::Value(0.0),
                "£ non-staff cost to government per contact",
            ),
            P::UserCostPerContact => (
                "user_cost_per_contact",
                Pounds,
                Domain::NON_NEGATIVE,
                Default::Value(0.0),
                "£ the user pays per contact",
            ),
            P::RepetitionRate => (
                "repetition_rate",
                Share,
                Domain::SHARE,
                Default::Value(0.0),
                "share of value contacts with a repetition",
            ),
            P::RepeatUserMinutes => (
                "repeat_user_minutes",
                Minutes,
                Domain::NON_NEGATIVE,
                Default::RequiredIfNonZero(P::RepetitionRate),
                "user minutes per repetition",
            ),
            P::RepeatStaffMinutes => (
                "repeat_staff_minutes",
                Minutes,
                Domain::NON_NEGATIVE,
                Default::RequiredIfNonZero(P::RepetitionRate),
                "staff minutes per repetition",
            ),
            P::FailureDemand => (
                "failure_demand",
                Share,
                Domain::FAILURE_SHARE,
                Default::Value(0.0),
                "failure demand as a share of all contacts",
            ),
            P::FailureUserMinutes => (
                "failure_user_minutes",
                Minutes,
                Domain::NON_NEGATIVE,
                Default::SameAs(P::UserMinutes),
                "user minutes per failure contact",
            ),
            P::FailureStaffMinutes => (
                "failure_staff_minutes",
                Minutes,
                Domain::NON_NEGATIVE,
                Default::SameAs(P::StaffMinutes),
                "staff minutes per failure contact",
            ),
            P::StuckRate => (
                "stuck_rate",
                Share,
                Domain::SHARE,
                Default::Value(0.0),
                "share of journeys that get stuck",
            ),
            P::StuckUserMinutes => (
                "stuck_user_minutes",
                Minutes,
                Domain::NON_NEGATIVE,
                Default::RequiredIfNonZero(P::StuckRate),
                "user minutes lost per stuck journey",
            ),
            P::StuckStaffMinutes => (
                "stuck_staff_minutes",
                Minutes,
                Domain::NON_NEGATIVE,
                Default::RequiredIfNonZero(P::StuckRate),
                "staff minutes lost per stuck journey",
            ),
            P::CashReleasingShare => (
                "cash_releasing_share",
                Share,
                Domain::SHARE,
                Default::Value(0.0),
                "share of the staff-cost saving that releases cash",
            ),
            P::ChannelCostCashReleasing => (
                "channel_cost_cash_releasing",
                Share,
                Domain::SHARE,
                Default::Value(1.0),
                "share of the channel-cost saving that releases cash",
            ),
        };
        ParamSpec {
            key,
            unit,
            domain,
            default,
            describes,
        }
    }
}

/// The scenario-wide inputs: journeys and users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalParam {
    JourneysPerYear,
    JourneyGrowth,
    ValueOfTime,
    ValueOfTimeGrowth,
}

impl GlobalParam {
    pub const ALL: [GlobalParam; 4] = [
        GlobalParam::JourneysPerYear,
        GlobalParam::JourneyGrowth,
        GlobalParam::ValueOfTime,
        GlobalParam::ValueOfTimeGrowth,
    ];

    /// Full key path, e.g. `journeys.per_year`, with its unit, domain and default.
    pub fn spec(self) -> ParamSpec {
        use GlobalParam as G;
        let (key, unit, domain, default, describes) = match self {
            G::JourneysPerYear => (
                "journeys.per_year",
                Unit::Journeys,
                Domain::NON_NEGATIVE,
                Default::Required,
                "journeys in the first year",
            ),
            G::JourneyGrowth => (
                "journeys.growth",
                Unit::Share,
                Domain::GROWTH,
                Default::Value(0.0),
                "annual compound growth in journeys",
            ),
            G::ValueOfTime => (
                "users.value_of_time",
                Unit::Pounds,
                Domain::NON_NEGATIVE,
                Default::Required,
                "£ per user hour",
            ),
            G::ValueOfTimeGrowth => (
                "users.value_of_time_growth",
                Unit::Share,
                Domain::GROWTH,
                Default::Value(0.0),
                "real annual growth in the value of time",
            ),
        };
        ParamSpec {
            key,
            unit,
            domain,
            default,
            describes,
        }
    }
}

/// A channel's parameter (docs/method.md §2a): its weight among the department's contacts, and
/// the four per-contact values that the department's own are share-weighted means of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelParam {
    Share,
    UserMinutes,
    StaffMinutes,
    ChannelCostPerContact,
    UserCostPerContact,
    ChannelCostCashReleasing,
}

/// Number of channel parameters.
pub const CHANNEL_PARAM_COUNT: usize = 6;

impl ChannelParam {
    /// Every channel parameter, share first.
    pub const ALL: [ChannelParam; CHANNEL_PARAM_COUNT] = [
        ChannelParam::Share,
        ChannelParam::UserMinutes,
        ChannelParam::StaffMinutes,
        ChannelParam::ChannelCostPerContact,
        ChannelParam::UserCostPerContact,
        ChannelParam::ChannelCostCashReleasing,
    ];

    /// The parameters a channel gives in place of its department: four per-contact values,
    /// mixed by share, and the share of the channel cost that releases cash, mixed by channel
    /// cost (docs/method.md §2a, §3).
    pub const MIXED: [ChannelParam; 5] = [
        ChannelParam::UserMinutes,
        ChannelParam::StaffMinutes,
        ChannelParam::ChannelCostPerContact,
        ChannelParam::UserCostPerContact,
        ChannelParam::ChannelCostCashReleasing,
    ];

    /// Position in a per-channel value array.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The parameter with this key inside a channel's table.
    pub fn from_key(key: &str) -> Option<ChannelParam> {
        ChannelParam::ALL.into_iter().find(|p| p.spec().key == key)
    }

    /// The department parameter this one is the per-channel form of (none for `share`).
    pub fn department_param(self) -> Option<DeptParam> {
        match self {
            ChannelParam::Share => None,
            ChannelParam::UserMinutes => Some(DeptParam::UserMinutes),
            ChannelParam::StaffMinutes => Some(DeptParam::StaffMinutes),
            ChannelParam::ChannelCostPerContact => Some(DeptParam::ChannelCostPerContact),
            ChannelParam::UserCostPerContact => Some(DeptParam::UserCostPerContact),
            ChannelParam::ChannelCostCashReleasing => Some(DeptParam::ChannelCostCashReleasing),
        }
    }

    /// Its key, unit, domain and default: those of the department parameter it stands for,
    /// with "through this channel" in its words.
    pub fn spec(self) -> ParamSpec {
        let Some(param) = self.department_param() else {
            return ParamSpec {
                key: "share",
                unit: Unit::Share,
                domain: Domain::NON_NEGATIVE,
                default: Default::Required,
                describes: "weight of the channel among the department's contacts",
            };
        };
        let spec = param.spec();
        let describes = match self {
            ChannelParam::UserMinutes => "user minutes per value contact through this channel",
            ChannelParam::StaffMinutes => "staff minutes per value contact through this channel",
            ChannelParam::ChannelCostPerContact => {
                "£ non-staff cost to government per contact through this channel"
            }
            ChannelParam::ChannelCostCashReleasing => {
                "share of this channel's channel-cost saving that releases cash"
            }
            _ => "£ the user pays per contact through this channel",
        };
        ParamSpec { describes, ..spec }
    }
}
