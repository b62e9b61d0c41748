//! The console's panels, one component each.

pub mod instance_picker;
