//! The device a sign-in came from, from Graph's `deviceDetail` object or a portal CSV's device columns.

use crate::ingest::normalize::fields::Rec;
use crate::model::Device;

/// The sign-in's device: id, name, operating system, browser, and whether it is managed and compliant.
pub(super) fn device(r: &Rec) -> Device {
    let mut dev = Device::default();
    if let Some(d) = r.object(&["deviceDetail", "DeviceDetail", "DeviceDetail_dynamic", "DeviceDetail_string"]) {
        dev.id = d.text("deviceId").map(|s| s.to_ascii_lowercase());
        dev.name = d.text("displayName");
        dev.os = d.text("operatingSystem");
        dev.browser = d.text("browser");
        dev.managed = d.boolean("isManaged");
        dev.compliant = d.boolean("isCompliant");
    } else {
        dev.id = r.lower(&["Device ID"]);
        dev.os = r.text(&["Operating System"]);
        dev.browser = r.text(&["Browser"]);
        dev.managed = r.boolean(&["Managed"]);
        dev.compliant = r.boolean(&["Compliant"]);
    }
    dev
}
