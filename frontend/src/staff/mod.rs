//! Staff pages (researchers, institutions, administrators). They are rendered on the server
//! only and never hydrate: every action is a plain form post, and none of this code is in the
//! WASM bundle a child's tablet downloads. Their one script (`frontend/assets/voices.js`, a few
//! lines) only tells staff on the kiosk page which languages the tablet can read aloud in.

mod audit;
mod charts;
mod codes;
mod compare;
mod dashboard;
mod frame;
mod home;
mod incidents;
mod kiosk;
mod open_answers;
mod organisations;
mod password;
mod response;
mod results;
mod tokens;
mod two_factor;
mod users;
mod waves;

pub use audit::{AuditPage, AuditRow};
pub use codes::{CodeCard, CodeSheet, CodesPage};
pub use compare::{ChangeLine, CompareLine, ComparePage};
pub use dashboard::{
    BenchmarkRow, ChangeRow, DashboardPage, DomainRow, IncidentLine, ResponseBlock, WaveBlock,
};
pub use frame::{render_document, Flash, NavLink, StaffFrame};
pub use home::HomePage;
pub use incidents::{
    CellInput, IncidentForm, IncidentsNationalPage, IncidentsPage, NationalIncidentRow, ReportRow,
};
pub use kiosk::{KioskNow, KioskPage};
pub use open_answers::{Kept as OpenAnswersKept, OpenAnswerRow, OpenAnswersPage, ThemeRow};
pub use organisations::{LocationListRow, OrganisationsPage};
pub use password::PasswordPage;
pub use response::{ResponsePage, ResponseRow};
pub use results::{Choices, ExportLink, QuestionRow, ResultsPage, ResultsRow};
pub use tokens::{TokenListRow, TokensPage};
pub use two_factor::{
    RecoveryCodesPage, TwoFactorCodePage, TwoFactorEnrolPage, TwoFactorStatusPage,
};
pub use users::{UserRow, UsersPage};
pub use waves::{WaveRow, WavesPage};
