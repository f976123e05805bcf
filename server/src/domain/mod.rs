//! Domain types and rules: parsed once at the boundary, valid everywhere after.

pub mod access_code;
pub mod demographics;
pub mod instrument;
pub mod pseudonym;
pub mod setting_type;
pub mod submission;
pub mod wave;

pub use setting_type::SettingType;
