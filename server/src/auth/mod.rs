//! Staff authentication: password hashing, session tokens, and the sign-in rate limit.
//! Plain Rust; the HTTP layer and the store call it.

pub mod password;
pub mod rate_limit;
pub mod token;
