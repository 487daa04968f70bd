//! Files harrier writes and reads whole: atomic replacement, and reads with a size cap.

pub mod atomic;
pub mod bounded;
