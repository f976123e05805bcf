//! One module per page.

mod login;
mod not_found;
mod start;

pub use login::{LoginPage, LoginToken};
pub use not_found::NotFoundPage;
pub use start::{format_code_preview, RetryCode, StartPage, CODE_ALPHABET, CODE_LENGTH};
