//! Staff pages and actions. Pages render on the server only (see `veilig_frontend::staff`);
//! every action is a form post with a CSRF token, answered with the resulting page and a
//! message, and the status code that fits (200, 403, 404, 409, 422, 503).

mod accounts;
mod codes;
mod compare;
mod dashboard;
mod error;
mod figures;
mod incidents;
mod kiosk;
mod open_answers;
mod organisations;
mod render;
mod research;
mod response;
mod session;
mod tokens;
mod two_factor;
mod waves;

pub use error::StaffError;
pub use session::{login_cookie, Staff, LOGIN_FORM_SECONDS, SESSION_COOKIE};

use crate::http::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(session::router())
        .merge(two_factor::router())
        .merge(accounts::router())
        .merge(waves::router())
        .merge(codes::router())
        .merge(kiosk::router())
        .merge(organisations::router())
        .merge(response::router())
        .merge(tokens::router())
        .merge(research::router())
        .merge(compare::router())
        .merge(open_answers::router())
        .merge(dashboard::router())
        .merge(incidents::router())
}
