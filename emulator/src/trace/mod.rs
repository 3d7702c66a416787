//! Tracing: events from the harts, filtered and written as text or JSON Lines.

pub mod event;
