//! The console's panels, one component each.

pub mod copy_button;
pub mod header;
pub mod instance_picker;
pub mod job;
pub mod policy;
pub mod preview;
pub mod snippets;
