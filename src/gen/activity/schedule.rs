//! When things happen in a case with a set history: the acts right after it, and the weekly habits before them.

use super::Plan;
use crate::gen::context::ACT_DAYS;

impl Plan {
    /// The acts in the `ACT_DAYS` days after `history` days of ordinary activity, in the order the classic plan
    /// keeps (partner chain first, the impersonation last), each moved back to the last day when the period is
    /// shorter.
    pub fn after(history: u32, days: u32) -> Plan {
        let last = days.saturating_sub(1);
        let at = |offset: u32| (history + offset).min(last);
        Plan {
            days,
            an0534: at(1),
            an0959: at(2),
            an1089: at(3),
            an1350: at(0),
            an1107: at(4),
            bec: at(1),
            travel: at(0),
            trusted_partner: at(1),
            helpdesk_grants: [history / 2, at(ACT_DAYS - 1)],
        }
    }
}

/// True on the days an actor's weekly habit happens before an act on `act_day`: one weekday a week, never in the
/// two days before the act.
pub fn habit_due(index: u32, act_day: u32) -> bool {
    index % 7 == 1 && index + 2 <= act_day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_follow_the_history_and_habits_stay_clear_of_them() {
        let p = Plan::after(30, 36);
        assert_eq!((p.an1350, p.an0534, p.an1107), (30, 31, 34));
        let thin = Plan::after(2, 8);
        assert!(thin.helpdesk_grants[0] < thin.an0534 && thin.an1107 <= 7);
        let due: Vec<u32> = (0..40).filter(|i| habit_due(*i, 31)).collect();
        assert_eq!(due, vec![1, 8, 15, 22, 29]);
    }
}
