//! Each detection over small hand-built event lists: it fires on the act, stays quiet on look-alikes, honours its
//! allow lists, and says so when the sources it needs are missing.
