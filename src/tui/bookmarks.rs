//! Bookmarked events: the model and its file live in the core ([`crate::case::state::bookmarks`]); the workbench
//! uses them from here.

pub use crate::case::state::bookmarks::{load, path, save, Bookmark, MAX_BOOKMARKS};
