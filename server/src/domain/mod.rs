//! Domain types and rules: parsed once at the boundary, valid everywhere after.

pub mod access_code;
pub mod client_number;
pub mod demographics;
pub use veilig_disclosure as disclosure;
pub mod incidents;
pub mod instrument;
pub mod network;
pub mod organisation_import;
pub mod pseudonym;
pub mod response;
pub mod results;
pub mod scrub;
pub mod seal;
pub mod setting_type;
pub mod staff;
pub mod submission;
pub mod survey;
pub mod two_factor;
pub mod wave;

pub use setting_type::SettingType;
