//! sea-orm entities, one per table. They never leave the store layer.

pub mod access_code;
pub mod api_token;
pub mod audit_log;
pub mod incident_count;
pub mod instrument;
pub mod location;
pub mod organisation;
pub mod region;
pub mod staff_recovery_code;
pub mod staff_session;
pub mod staff_user;
pub mod wave;
