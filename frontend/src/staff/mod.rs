//! Staff pages (researchers, institutions, administrators). They are rendered on the server
//! only and never hydrate: every action is a plain form post, and none of this code is in the
//! WASM bundle a child's tablet downloads.

mod audit;
mod codes;
mod dashboard;
mod frame;
mod home;
mod organisations;
mod password;
mod response;
mod results;
mod tokens;
mod users;
mod waves;

pub use audit::{AuditPage, AuditRow};
pub use codes::{CodeCard, CodeSheet, CodesPage};
pub use dashboard::{BenchmarkRow, DashboardPage, WaveBlock};
pub use frame::{render_document, Flash, NavLink, StaffFrame};
pub use home::HomePage;
pub use organisations::{LocationListRow, OrganisationsPage};
pub use password::PasswordPage;
pub use response::{ResponsePage, ResponseRow};
pub use results::{ResultsPage, ResultsRow};
pub use tokens::{TokenListRow, TokensPage};
pub use users::{UserRow, UsersPage};
pub use waves::{WaveRow, WavesPage};
