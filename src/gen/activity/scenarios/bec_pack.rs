//! The business-email-compromise pack: the act each native detection looks for, planted in a variant the seed picks
//! (with `--vary`; the first variant otherwise), on a day, victim, time and address the seed picks, and the benign
//! twins that look like it. Each act and twin draws from its own random stream, so adding one moves no other.

use super::bec_identity as identity;
use super::bec_mail as mail;
use super::bec_signin as signin;
use super::bec_steps::Material;
use crate::gen::activity::twins;
use crate::gen::activity::Day;
use crate::gen::clock;
use crate::gen::ids::{self, label};
use crate::gen::tenant::{Person, Tenant};
use rand::seq::SliceRandom;

/// The people a plant or twin involves: its victim (or the account the intruder holds), a second ordinary person,
/// and the tenant's administrator and helpdesk analyst.
pub struct Roles {
    /// The person the act is done to (or whose account the intruder holds).
    pub victim: Person,
    /// A second ordinary person (a colleague whose mailbox or account is reached too).
    pub other: Person,
    /// The tenant's administrator.
    pub admin: Person,
    /// The tenant's helpdesk analyst.
    pub helpdesk: Person,
}

/// A plant: the number of its variants and the function planting variant `v`.
pub type Act = (&'static str, usize, fn(&mut Day, &Roles, usize));

/// Every plant, one per native detection (its id), with its number of variants.
pub const ACTS: [Act; 16] = [
    ("inbox-rule", 5, mail::inbox_rule),
    ("mail-forwarding", 3, mail::mail_forwarding),
    ("audit-tampering", 3, mail::audit_tampering),
    ("mass-mail-access", 3, mail::mass_mail_access),
    ("mass-deletion", 3, mail::mass_deletion),
    ("legacy-protocol", 2, mail::legacy_protocol),
    ("oauth-consent", 3, identity::oauth_consent),
    ("app-credential", 3, identity::app_credential),
    ("auth-method-change", 3, identity::auth_method_change),
    ("privileged-role", 3, identity::privileged_role),
    ("policy-weakening", 4, identity::policy_weakening),
    ("password-spray", 3, signin::password_spray),
    ("mfa-fatigue", 2, signin::mfa_fatigue),
    ("impossible-travel", 2, signin::impossible_travel),
    ("device-code", 2, signin::device_code),
    ("risky-sign-in", 2, signin::risky_sign_in),
];

/// The day (index) on which `what` happens: in the second half of the period, at least a week in.
pub fn day_of(t: &Tenant, days: u32, what: &str) -> u32 {
    let last = days.saturating_sub(1);
    let lo = (days / 2).max(7).min(last);
    lo + ids::pick(t.seed, &format!("bec-pack-day:{what}"), (last - lo + 1) as usize) as u32
}

/// `index`, or the nearest working day before it: the twins are the routine of working days.
fn workday_before(day: &Day, index: u32) -> u32 {
    let mut k = index;
    let date_of = |k: u32| day.date + chrono::Duration::days(k as i64 - day.index as i64);
    while k > 0 && !clock::is_workday(date_of(k)) {
        k -= 1;
    }
    k
}

/// The ordinary people (not cast in another story) in an order the seed shuffles: plants take victims from the
/// front (the next plant's victim as the second person), twins from the back, so the two stay apart in a tenant of a
/// few dozen people.
fn pool(t: &Tenant) -> Vec<usize> {
    let first = if t.people.len() > 14 { 10 } else { 0 };
    let mut v: Vec<usize> = (first..t.people.len()).collect();
    v.shuffle(&mut ids::stream(t.seed, &[label("bec-pack-cast")]));
    v
}

fn roles(t: &Tenant, victim: usize, other: usize) -> Roles {
    let pool = pool(t);
    let person = |k: usize| t.people[pool[k % pool.len()]].clone();
    Roles {
        victim: person(victim),
        other: person(other),
        admin: t.people[t.cast.admin].clone(),
        helpdesk: t.people[t.cast.helpdesk[0]].clone(),
    }
}

/// Plants the acts and twins that fall on this day.
pub fn bec_pack(day: &mut Day, days: u32) {
    let t = day.t;
    let n = pool(t).len();
    for (k, (act, variants, plant)) in ACTS.iter().enumerate() {
        if day.index == day_of(t, days, act) {
            let saved = std::mem::replace(&mut day.rng, ids::stream(t.seed, &[label("bec-pack"), label(act)]));
            plant(day, &roles(t, k, k + 1), t.variant(act, *variants));
            day.rng = saved;
        }
    }
    for (k, (twin, span, plant)) in twins::TWINS.iter().enumerate() {
        let last = workday_before(day, day_of(t, days, &format!("twin:{twin}")));
        if (last.saturating_sub(span.saturating_sub(1))..=last).contains(&day.index) {
            let stream = ids::stream(t.seed, &[label("bec-pack-twin"), label(twin), day.index as u64]);
            let saved = std::mem::replace(&mut day.rng, stream);
            plant(day, &roles(t, n.saturating_sub(1 + k), n.saturating_sub(2 + k)), day.index == last);
            day.rng = saved;
        }
    }
}

/// The analytic settings a case with the pack needs: the partner domain mail may be forwarded to.
pub fn pack_case_toml() -> String {
    let d = &Material::get().approved_partner_domain;
    format!(
        "[analytics.mail-forwarding]\nallowed_forward_domains = [\"{d}\"]\n\n[analytics.inbox-rule]\nallowed_forward_domains = [\"{d}\"]\n\n"
    )
}
