//! The console's panels, one component each.

pub mod copy_button;
pub mod instance_picker;
