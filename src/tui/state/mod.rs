//! The state: what is on screen and loaded. The one [`App`], the screens of its pivot stack, and the types they
//! hold. Only `update` changes it; views read it.

pub mod alerts;
pub mod app;
pub mod casebook;
pub mod columns;
pub mod detail;
pub mod entity;
pub mod entity_facts;
mod entity_facts_user;
pub mod entity_page;
pub mod evidence;
pub mod exercise;
pub mod export;
pub mod facets;
pub mod fields;
pub mod frequency;
pub mod keymap;
pub mod loadable;
pub mod overview;
pub mod prompt;
pub mod searches;
pub mod settings;
pub mod stats;
pub mod timeline;
pub mod view;

pub use app::App;
pub use loadable::Loadable;
pub use view::View;
