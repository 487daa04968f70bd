//! Decides what kind of principal acted, from the hints each source gives.

use crate::model::ActorKind;

/// UAL `UserType` (number or name) → actor kind.
pub fn from_ual_user_type(v: &str) -> Option<ActorKind> {
    Some(match v.trim() {
        "0" | "Regular" | "1" | "Reserved" | "2" | "Admin" => ActorKind::User,
        "3" | "DcAdmin" | "4" | "System" | "7" | "CustomPolicy" | "8" | "SystemPolicy" => ActorKind::System,
        "5" | "Application" | "6" | "ServicePrincipal" => ActorKind::Sp,
        "9" | "PartnerTechnician" => ActorKind::Partner,
        "10" | "Guest" => ActorKind::Guest,
        _ => return None,
    })
}

/// Actor ids that are never people: Exchange and SharePoint system accounts, anonymous links, SIDs.
pub fn from_user_id(user_id: &str) -> Option<ActorKind> {
    let u = user_id.trim().to_ascii_lowercase();
    if u.starts_with("nt authority\\") || u.starts_with("s-1-5-") || u == "certificate" {
        return Some(ActorKind::System);
    }
    if u.ends_with(".prod.outlook.com") || u.contains("devilfish-applicationaccount") || u == "sharepoint\\system" {
        return Some(ActorKind::System);
    }
    if u.starts_with("urn:spo:anon") || u == "anonymous" {
        return Some(ActorKind::Anonymous);
    }
    if u == "app@sharepoint" {
        return Some(ActorKind::Sp);
    }
    None
}

/// True for a Microsoft service agent name such as `Microsoft.Exchange.ServiceHost` inside an actor id.
pub fn is_system_name(s: &str) -> bool {
    from_user_id(s) == Some(ActorKind::System)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_and_anonymous_ids() {
        assert_eq!(from_user_id("NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)"), Some(ActorKind::System));
        assert_eq!(from_user_id("S-1-5-18"), Some(ActorKind::System));
        assert_eq!(from_user_id("Administrator@apcprd03.prod.outlook.com"), Some(ActorKind::System));
        assert_eq!(from_user_id("urn:spo:anon#abc"), Some(ActorKind::Anonymous));
        assert_eq!(from_user_id("app@sharepoint"), Some(ActorKind::Sp));
        assert_eq!(from_user_id("debrab@contoso.com"), None);
        assert_eq!(from_ual_user_type("9"), Some(ActorKind::Partner));
        assert_eq!(from_ual_user_type("PartnerTechnician"), Some(ActorKind::Partner));
    }
}
