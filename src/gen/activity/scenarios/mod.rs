//! The planted attack stories. Each leaves exactly the records its analytic needs, linked the way real tenants
//! link them (session id, unique token id, correlation id), and adds its entry to the answer key.

mod actions;
mod an0534;
mod an0959;
mod an1089;
mod an1107;
mod an1350;
mod bec;
mod bec_identity;
mod bec_mail;
mod bec_pack;
mod bec_signin;
mod bec_steps;
mod partner;

pub use actions::{cmdlet, enumeration_burst, full_access_parameters, mail_reads, record_key};
pub use an0534::an0534;
pub use an0959::an0959;
pub use an1089::an1089;
pub use an1107::{an1107, rogue_app};
pub use an1350::an1350;
pub use bec::bec;
pub use bec_pack::{bec_pack, pack_case_toml, Roles, ACTS};
pub use bec_steps::{deletions, directory, keyed, one, security_info, sign_in_as, usual_net, Material, Named};
pub use partner::{technician_actor, technician_sign_in};
