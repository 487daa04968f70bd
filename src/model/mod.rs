//! The one event model every log source is normalized into, and the small enums around it.

mod entity;
mod event;
mod kinds;
pub mod mailbox;

pub use entity::EntityKind;
pub use event::{
    Actor, Device, Event, GraphRequest, MailboxAccess, ModifiedProperty, Network, Origin, SignInInfo, Target,
};
pub use kinds::{ActorKind, EventResult, Severity, Source, UaClass};
