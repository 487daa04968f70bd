//! AN1350, partner abuse: an untrusted partner is added, its technician takes FullAccess to the CEO's mailbox and
//! reads it.

use super::actions::{cmdlet, full_access_parameters, mail_reads, record_key};
use super::partner::{technician_actor, technician_sign_in};
use crate::gen::activity::services::audit_with_mirror;
use crate::gen::activity::Day;
use crate::gen::context::Addresses;
use crate::gen::key::Entities;
use crate::gen::records::audit::{prop, quoted, target};
use crate::gen::records::ip_with_port;
use crate::gen::records::Kind;
use crate::gen::tenant::{Partner, Person};
use chrono::Duration;

/// AN1350, stage 1–3 by `stage`: an untrusted partner is added, its technician grants itself FullAccess to the
/// CEO's mailbox, then reads it from partner IPs.
pub fn an1350(day: &mut Day, stage: u8) {
    let t = day.t;
    let from = day.out.len();
    let partner = t.rogue_partner.clone();
    let ceo = t.people[t.cast.ceo].clone();
    let admin = t.people[t.cast.admin].clone();
    let mut sessions = Vec::new();
    match stage {
        1 => add_partner(day, &partner, &admin),
        2 => sessions.push(take_full_access(day, &partner, &ceo)),
        3 => sessions.push(read_mailbox(day, &partner, &ceo)),
        _ => {}
    }
    let entities = Entities {
        users: vec![
            partner.technician_upn.clone(),
            if stage == 1 { admin.upn.clone() } else { partner.technician_upn.clone() },
        ],
        ips: partner.ips.iter().map(|n| n.ip.to_string()).filter(|_| stage > 1).collect(),
        sessions,
        mailboxes: if stage > 1 { vec![ceo.upn.clone()] } else { vec![] },
        apps: vec![],
    };
    record_key(
        day,
        from,
        true,
        "an1350-partner-chain",
        "AN1350",
        &format!(
            "Untrusted partner {} ({}) is added, its technician takes FullAccess to {} and reads it from partner IPs",
            partner.name, partner.tenant_id, ceo.upn
        ),
        entities,
        "high",
    );
}

/// Stage 1: the admin adds the partner to the tenant from the corporate network.
fn add_partner(day: &mut Day, partner: &Partner, admin: &Person) {
    let t = day.t;
    let ts = day.between(10.0, 10.5);
    let corp = t.corp[0].clone();
    day.user_sign_in(
        ts - Duration::minutes(4),
        Kind::SignInInteractive,
        admin,
        None,
        "azure-portal",
        "azure-mgmt",
        &corp,
        admin.device.browser_ua,
        true,
    );
    audit_with_mirror(
        day,
        ts,
        admin,
        &corp.ip.to_string(),
        "DirectoryManagement",
        "Add partner to company",
        "Add partner to company.",
        "Add",
        vec![target(
            &partner.tenant_id,
            Some(&partner.name),
            "Other",
            None,
            vec![
                prop("PartnerTenantId", None, &quoted(&partner.tenant_id)),
                prop("PartnerType", None, &quoted("Delegated Administration")),
                prop("PartnerName", None, &quoted(&partner.name)),
                prop("Included Updated Properties", None, &quoted("PartnerTenantId, PartnerType")),
            ],
        )],
        vec![
            ("PartnerTenantId", String::new(), partner.tenant_id.clone()),
            ("PartnerType", String::new(), "Delegated Administration".into()),
        ],
        vec![(partner.tenant_id.clone(), 2)],
    );
}

/// Stage 2: at night the partner's technician grants itself FullAccess to the CEO's mailbox; returns the session.
fn take_full_access(day: &mut Day, partner: &Partner, ceo: &Person) -> String {
    let net = partner.ips[0].clone();
    let ts = day.between(22.0, 22.5);
    let tok = technician_sign_in(day, partner, ts, &net, "exo-rest-ps", "exchange", true);
    let port = day.port();
    cmdlet(
        day,
        ts + Duration::minutes(3),
        technician_actor(partner),
        ip_with_port(&net.ip, port),
        "Add-MailboxPermission",
        ceo.display.clone(),
        full_access_parameters(ceo.upn_cased.clone(), partner.technician_upn.clone(), false),
        true,
        &tok.session_id,
    );
    tok.session_id
}

/// Stage 3: the technician reads the CEO's mailbox from the partner's second address; returns the session.
fn read_mailbox(day: &mut Day, partner: &Partner, ceo: &Person) -> String {
    let net = partner.ips[1].clone();
    let ts = day.between(1.0, 1.5);
    // With unseen addresses the technician signs in from the first address and reads from the second, which no
    // sign-in places.
    let signs_in_from = match day.t.context.addresses {
        Addresses::Unseen => partner.ips[0].clone(),
        _ => net.clone(),
    };
    let tok = technician_sign_in(day, partner, ts, &signs_in_from, "owa", "exchange", true);
    mail_reads(
        day,
        ts + Duration::minutes(2),
        100,
        8,
        &technician_actor(partner),
        ceo,
        &net,
        6,
        true,
        "Client=OWA;Action=ViaProxy",
        tok.app.id,
        Some(&tok),
        10..=30,
    );
    tok.session_id
}
