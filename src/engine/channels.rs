//! Channels in one iteration (docs/method.md §2a): shares normalised, a channel shift, and the
//! department's per-contact values mixed from its channels. Pure functions on arrays, so each
//! can be checked by hand.

use crate::params::{ChannelParam, DeptParam, CHANNEL_PARAM_COUNT, DEPT_PARAM_COUNT};
use crate::scenario::share_of;

/// One channel's drawn values, indexed by [`ChannelParam::index`].
pub type ChannelValues = [f64; CHANNEL_PARAM_COUNT];

const SHARE: usize = ChannelParam::Share as usize;

/// Turns the channels' share weights into shares that sum to 1, by [`share_of`] (weights that
/// already sum to 1 are divided by 1, so kept exactly).
pub fn normalise(channels: &mut [ChannelValues]) {
    let total: f64 = channels.iter().map(|c| c[SHARE]).sum();
    let count = channels.len();
    for channel in channels.iter_mut() {
        channel[SHARE] = share_of(channel[SHARE], total, count);
    }
}

/// A channel shift: channel `i`'s share becomes `new`, and the other channels' shares are
/// scaled in proportion so that all still sum to 1 (split equally where they were all 0).
/// The shares must already be normalised.
pub fn shift(channels: &mut [ChannelValues], i: usize, new: f64) {
    let rest_before = 1.0 - channels[i][SHARE];
    let rest_after = 1.0 - new;
    let others = (channels.len() - 1) as f64;
    // Shares within rounding of 1 leave the others with nothing to scale: split equally.
    let scale = (rest_before > 1e-12).then(|| rest_after / rest_before);
    for (k, channel) in channels.iter_mut().enumerate() {
        channel[SHARE] = match (k == i, scale) {
            (true, _) => new,
            (false, Some(scale)) => channel[SHARE] * scale,
            (false, None) => rest_after / others,
        };
    }
}

/// Writes the department's user and staff minutes, channel cost and user cost per contact as
/// the share-weighted means over its channels, and the cash-releasing share of its channel
/// cost as their cost-weighted mean; sets each failure-minutes parameter that follows them to
/// the mixed value.
pub fn mix(
    channels: &[ChannelValues],
    values: &mut [f64; DEPT_PARAM_COUNT],
    follows: &[(DeptParam, DeptParam)],
) {
    for param in ChannelParam::MIXED {
        let Some(target) = param.department_param() else {
            continue;
        };
        if param == ChannelParam::ChannelCostCashReleasing {
            continue;
        }
        values[target.index()] = channels.iter().map(|c| c[SHARE] * c[param.index()]).sum();
    }
    values[DeptParam::ChannelCostCashReleasing.index()] = cash_share(channels);
    for &(follower, leader) in follows {
        values[follower.index()] = values[leader.index()];
    }
}

/// The share of the department's channel cost that releases cash: each channel's share g
/// weighted by its channel cost (share × cost per contact), so that the department's cash part
/// k·g is the sum of its channels'; 1 (the default) where no channel has a channel cost.
fn cash_share(channels: &[ChannelValues]) -> f64 {
    let cost = |c: &ChannelValues| c[SHARE] * c[ChannelParam::ChannelCostPerContact.index()];
    let total: f64 = channels.iter().map(cost).sum();
    if total <= 0.0 {
        return 1.0;
    }
    let cash: f64 = channels
        .iter()
        .map(|c| cost(c) * c[ChannelParam::ChannelCostCashReleasing.index()])
        .sum();
    cash / total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(channels: &[ChannelValues]) -> Vec<f64> {
        channels.iter().map(|c| c[SHARE]).collect()
    }

    fn with_shares(shares: &[f64]) -> Vec<ChannelValues> {
        shares
            .iter()
            .map(|&s| {
                let mut c = [0.0; CHANNEL_PARAM_COUNT];
                c[SHARE] = s;
                c
            })
            .collect()
    }

    #[test]
    fn weights_become_shares() {
        let mut channels = with_shares(&[3.0, 1.0]);
        normalise(&mut channels);
        assert_eq!(shares(&channels), [0.75, 0.25]);
        let mut zero = with_shares(&[0.0, 0.0]);
        normalise(&mut zero);
        assert_eq!(shares(&zero), [0.5, 0.5]);
    }

    #[test]
    fn a_shift_keeps_the_others_in_proportion() {
        // Online 80%, phone 15%, post 5%; set online to 90%: the 10% left splits 3:1.
        let mut channels = with_shares(&[0.8, 0.15, 0.05]);
        shift(&mut channels, 0, 0.9);
        let s = shares(&channels);
        assert!((s[0] - 0.9).abs() < 1e-15);
        assert!((s[1] - 0.075).abs() < 1e-15);
        assert!((s[2] - 0.025).abs() < 1e-15);
        // Moving everything off a channel that had it all splits the rest equally.
        let mut all = with_shares(&[1.0, 0.0, 0.0]);
        shift(&mut all, 0, 0.4);
        assert_eq!(shares(&all), [0.4, 0.3, 0.3]);
    }

    #[test]
    fn department_values_are_share_weighted_means() {
        let mut channels = with_shares(&[0.75, 0.25]);
        channels[0][ChannelParam::StaffMinutes.index()] = 1.0;
        channels[1][ChannelParam::StaffMinutes.index()] = 9.0;
        channels[1][ChannelParam::ChannelCostPerContact.index()] = 4.0;
        let mut values = [0.0; DEPT_PARAM_COUNT];
        let follows = [(DeptParam::FailureStaffMinutes, DeptParam::StaffMinutes)];
        mix(&channels, &mut values, &follows);
        assert_eq!(values[DeptParam::StaffMinutes.index()], 3.0);
        assert_eq!(values[DeptParam::FailureStaffMinutes.index()], 3.0);
        assert_eq!(values[DeptParam::ChannelCostPerContact.index()], 1.0);
    }

    #[test]
    fn the_cash_share_of_channel_costs_is_weighted_by_channel_cost() {
        // Online: 80% of contacts at £0.22, all cash; phone: 20% at £4.11, 30% cash.
        // Cash per contact 0.8·0.22 + 0.2·4.11·0.3 = 0.4226 of 0.8·0.22 + 0.2·4.11 = 0.998.
        let mut channels = with_shares(&[0.8, 0.2]);
        let cost = ChannelParam::ChannelCostPerContact.index();
        let cash = ChannelParam::ChannelCostCashReleasing.index();
        channels[0][cost] = 0.22;
        channels[0][cash] = 1.0;
        channels[1][cost] = 4.11;
        channels[1][cash] = 0.3;
        let mut values = [0.0; DEPT_PARAM_COUNT];
        mix(&channels, &mut values, &[]);
        let g = values[DeptParam::ChannelCostCashReleasing.index()];
        assert!((g - 0.4226 / 0.998).abs() < 1e-12, "{g}");
        // No channel cost at all: the default, 1.
        let mut free = with_shares(&[0.5, 0.5]);
        free[1][cash] = 0.2;
        mix(&free, &mut values, &[]);
        assert_eq!(values[DeptParam::ChannelCostCashReleasing.index()], 1.0);
    }
}
