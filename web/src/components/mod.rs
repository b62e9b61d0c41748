//! The console's panels, one component each.

pub mod instance_picker;
pub mod copy_button;
