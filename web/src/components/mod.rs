//! The console's panels, one component each.

pub mod actions;
pub mod caller;
pub mod context;
pub mod copy_button;
pub mod databases;
pub mod header;
pub mod instance_picker;
pub mod io;
pub mod job;
pub mod policy;
pub mod preview;
pub mod retention;
pub mod snippets;
