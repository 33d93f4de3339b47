//! The transaction figures of one iteration (docs/method.md §2a): cost per transaction (the
//! GDS measure: total cost to serve ÷ completed transactions), cost per journey to users,
//! contacts, and by channel contacts, government's cost and digital take-up — for business as
//! usual and each option in full effect, in year-0 volumes and prices.

use super::channels::ChannelValues;
use super::eval::per_journey;
use super::layout::Layout;
use crate::outputs::{Scope, TransactionMetric};
use crate::params::{ChannelParam, DeptParam, DEPT_PARAM_COUNT};
use crate::scenario::{Department, Model};

/// Journeys and the value of a user minute in year 0: the volumes and prices of the
/// transaction figures.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Moment {
    pub(super) journeys: f64,
    pub(super) minute_value: f64,
}

/// Writes the transaction figures (docs/method.md §2a) of one journey's departments and of the
/// journey itself, for business as usual (`option` `None`) or an option in full effect, from
/// every department's values and channels (laid out as in [`Scratch`]) and the journey's
/// year-0 volumes and prices; returns the journey's sums, and leaves its contacts and cost by
/// channel id in `journey_channels`, for the total ([`put_total_transactions`]).
///
/// [`Scratch`]: super::eval::Scratch
pub(super) fn put_journey_transactions(
    model: &Model,
    layout: &Layout,
    option: Option<usize>,
    (departments, all_channels, channel_start): (
        &[[f64; DEPT_PARAM_COUNT]],
        &[ChannelValues],
        &[usize],
    ),
    (j, at): (usize, Moment),
    journey_channels: &mut [[f64; 2]],
    put: &mut impl FnMut(usize, f64),
) -> TransactionFigures {
    let journey = &model.journeys[j];
    // Every department of a journey serves the same journeys: its per-journey figures divide
    // by J.
    let mut sum = TransactionFigures {
        journeys: at.journeys,
        ..TransactionFigures::default()
    };
    journey_channels.fill([0.0; 2]);
    for d in journey.departments.clone() {
        let dept = &model.departments[d];
        let figures = TransactionFigures::of(&departments[d], at);
        sum.add(&figures);
        figures.put_first(layout, option, Scope::Department(d), put);
        if dept.channels.is_empty() {
            continue;
        }
        let channels = &all_channels[channel_start[d]..channel_start[d + 1]];
        let costs = ChannelCosts::of(dept, &departments[d], at.journeys);
        let n = channels.len();
        let mut digital = 0.0;
        for (p, channel) in channels.iter().enumerate() {
            let g = layout.channel_index[d][p];
            let share = channel[ChannelParam::Share.index()];
            let contacts = figures.contacts * share;
            let cost = costs.of_channel(channel);
            debug_assert_eq!(
                layout.transaction_metrics[d][3 + p],
                TransactionMetric::ChannelContacts(g)
            );
            put(
                layout.transaction(option, Scope::Department(d), 3 + p),
                contacts,
            );
            put(
                layout.transaction(option, Scope::Department(d), 3 + n + p),
                cost,
            );
            journey_channels[g][0] += contacts;
            journey_channels[g][1] += cost;
            if model
                .settings
                .digital_channels
                .contains(&dept.channels[p].id)
            {
                digital += share;
            }
        }
        put(
            layout.transaction(option, Scope::Department(d), 3 + 2 * n),
            digital,
        );
        sum.channel_contacts += figures.contacts;
        sum.digital_contacts += figures.contacts * digital;
    }
    if layout.journeys > 0 {
        sum.put_all(layout, option, Scope::Journey(j), journey_channels, put);
    }
    sum
}

/// Writes the total's transaction figures from each journey's sums and its contacts and cost
/// by channel id (`journey_channels`, one block of channel ids per journey), in journey order;
/// `channel_totals` is scratch space, one entry per channel id.
pub(super) fn put_total_transactions(
    layout: &Layout,
    option: Option<usize>,
    sums: &[TransactionFigures],
    journey_channels: &[[f64; 2]],
    channel_totals: &mut [[f64; 2]],
    put: &mut impl FnMut(usize, f64),
) {
    let mut total = TransactionFigures::default();
    channel_totals.fill([0.0; 2]);
    let ids = channel_totals.len();
    for (j, sum) in sums.iter().enumerate() {
        let one = &journey_channels[j * ids..(j + 1) * ids];
        for (all, one) in channel_totals.iter_mut().zip(one) {
            all[0] += one[0];
            all[1] += one[1];
        }
        total.journeys += sum.journeys;
        total.add(sum);
        total.channel_contacts += sum.channel_contacts;
        total.digital_contacts += sum.digital_contacts;
    }
    total.put_all(layout, option, Scope::Total, channel_totals, put);
}

/// What government spends on one channel's contacts: value contacts at the channel's own staff
/// minutes, failure contacts at the department's failure minutes where it gives them (else the
/// channel's), each with the channel's cost per contact. Summed over the channels, this is the
/// department's value and failure cost to government.
struct ChannelCosts {
    /// Value contacts and failure contacts a year, per unit of share.
    value_contacts: f64,
    failure_contacts: f64,
    staff_rate: f64,
    failure_staff_minutes: Option<f64>,
}

impl ChannelCosts {
    fn of(dept: &Department, values: &[f64; DEPT_PARAM_COUNT], journeys: f64) -> ChannelCosts {
        let c = values[DeptParam::ContactsPerJourney.index()];
        let phi = values[DeptParam::FailureDemand.index()];
        ChannelCosts {
            value_contacts: journeys * c,
            failure_contacts: journeys * c * phi / (1.0 - phi),
            staff_rate: values[DeptParam::StaffCostPerHour.index()] / 60.0,
            failure_staff_minutes: dept
                .input(DeptParam::FailureStaffMinutes)
                .map(|_| values[DeptParam::FailureStaffMinutes.index()]),
        }
    }

    fn of_channel(&self, channel: &ChannelValues) -> f64 {
        let share = channel[ChannelParam::Share.index()];
        let each = channel[ChannelParam::ChannelCostPerContact.index()];
        let minutes = channel[ChannelParam::StaffMinutes.index()];
        let failure_minutes = self.failure_staff_minutes.unwrap_or(minutes);
        share
            * (self.value_contacts * (minutes * self.staff_rate + each)
                + self.failure_contacts * (failure_minutes * self.staff_rate + each))
    }
}

/// The first three transaction figures of a department or the total, kept as sums (cost a year,
/// not per journey) so that the total adds up.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct TransactionFigures {
    journeys: f64,
    government: f64,
    users: f64,
    contacts: f64,
    /// Contacts of departments with channels, and of those through digital channels.
    channel_contacts: f64,
    digital_contacts: f64,
}

impl TransactionFigures {
    /// Its fields in order, for a journey's state kept between runs.
    pub(super) const LEN: usize = 6;

    pub(super) fn to_array(self) -> [f64; Self::LEN] {
        [
            self.journeys,
            self.government,
            self.users,
            self.contacts,
            self.channel_contacts,
            self.digital_contacts,
        ]
    }

    pub(super) fn from_slice(v: &[f64]) -> TransactionFigures {
        TransactionFigures {
            journeys: v[0],
            government: v[1],
            users: v[2],
            contacts: v[3],
            channel_contacts: v[4],
            digital_contacts: v[5],
        }
    }

    fn of(values: &[f64; DEPT_PARAM_COUNT], at: Moment) -> TransactionFigures {
        let Moment {
            journeys,
            minute_value,
        } = at;
        let j = per_journey(values);
        let c = values[DeptParam::ContactsPerJourney.index()];
        let phi = values[DeptParam::FailureDemand.index()];
        TransactionFigures {
            journeys,
            government: journeys * j.government.iter().sum::<f64>(),
            users: journeys
                * (minute_value * j.user_minutes.iter().sum::<f64>()
                    + j.user_cash.iter().sum::<f64>()),
            contacts: journeys * c / (1.0 - phi),
            ..TransactionFigures::default()
        }
    }

    /// Every transaction figure of a journey or the total: the first three, then contacts and
    /// cost by each channel the scope covers (from `by_channel`, indexed by channel id) and
    /// digital take-up.
    fn put_all(
        &self,
        layout: &Layout,
        option: Option<usize>,
        scope: Scope,
        by_channel: &[[f64; 2]],
        put: &mut impl FnMut(usize, f64),
    ) {
        self.put_first(layout, option, scope, put);
        let ids = &layout.scope_channels[layout.scope_index(scope)];
        let n = ids.len();
        if n == 0 {
            return;
        }
        for (k, &g) in ids.iter().enumerate() {
            put(layout.transaction(option, scope, 3 + k), by_channel[g][0]);
            put(
                layout.transaction(option, scope, 3 + n + k),
                by_channel[g][1],
            );
        }
        let take_up = if self.channel_contacts > 0.0 {
            self.digital_contacts / self.channel_contacts
        } else {
            0.0
        };
        put(layout.transaction(option, scope, 3 + 2 * n), take_up);
    }

    fn add(&mut self, other: &TransactionFigures) {
        self.government += other.government;
        self.users += other.users;
        self.contacts += other.contacts;
    }

    /// Cost per transaction and per journey to users, and contacts a year. With no journeys
    /// there is no transaction to cost: 0, never NaN.
    fn put_first(
        &self,
        layout: &Layout,
        option: Option<usize>,
        scope: Scope,
        put: &mut impl FnMut(usize, f64),
    ) {
        let per = |x: f64| {
            if self.journeys > 0.0 {
                x / self.journeys
            } else {
                0.0
            }
        };
        for (k, value) in [per(self.government), per(self.users), self.contacts]
            .into_iter()
            .enumerate()
        {
            put(layout.transaction(option, scope, k), value);
        }
    }
}
