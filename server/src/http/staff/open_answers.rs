//! Open answers for researchers: read per wave and setting type, tag by theme, add themes,
//! counts per theme (through the engine). Every action is a form post with the CSRF token,
//! answered with the same page and a message.

use super::error::StaffError;
use super::figures::{count, encode, HIDDEN};
use super::render::page;
use super::research::{wave_choices, RESEARCH};
use super::session::Staff;
use crate::domain::results::population::{setting_groups, setting_label};
use crate::domain::results::themes::ThemeRow as CountsRow;
use crate::http::AppState;
use crate::results::themes::{readable, theme_counts};
use crate::results::{ResultsError, Source};
use crate::store::open_answers::{self, Filter};
use crate::store::{staff as staff_store, waves};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use veilig_frontend::staff::{
    Choices, Flash, OpenAnswerRow, OpenAnswersKept, OpenAnswersPage, ThemeRow,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/open-answers", get(show))
        .route("/staff/open-answers/themes", post(add_theme))
        .route("/staff/open-answers/{id}/tag", post(tag))
        .route("/staff/open-answers/{id}/untag", post(untag))
}

const PAGE: u64 = 25;
/// A page number beyond any wave's answers: larger ones are read as this, so the offset
/// (`page × PAGE`) can neither overflow nor go past what a database takes.
const LAST_PAGE: u64 = 1_000_000;

#[derive(Deserialize, Default)]
struct Wanted {
    wave: Option<String>,
    setting_type: Option<String>,
    theme: Option<String>,
    page: Option<u64>,
}

/// A theme name: 1 to 64 characters, no line breaks or other control characters.
fn theme_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err("theme: say it in 1 to 64 characters, on one line.".into());
    }
    Ok(name.to_string())
}

async fn render(
    state: &AppState,
    staff: &Staff,
    wanted: Wanted,
    status: StatusCode,
    flash: Option<Flash>,
) -> Result<Response, StaffError> {
    staff.require(RESEARCH)?;
    let all = waves::list(&state.db).await?;
    let (wave_choices, wave) = wave_choices(&all, wanted.wave.as_deref(), readable)?;
    let setting = wanted.setting_type.clone().filter(|s| !s.is_empty());
    if setting
        .as_ref()
        .is_some_and(|s| !setting_groups().iter().any(|(v, _)| v == s))
    {
        return Err(StaffError::NotFound);
    }
    let themes = open_answers::themes(&state.db).await?;
    let theme = wanted
        .theme
        .clone()
        .filter(|t| t.is_empty() || themes.contains(t));
    let page_no = wanted.page.unwrap_or(0).min(LAST_PAGE);
    let kept = OpenAnswersKept {
        wave: wave.label.clone(),
        setting_type: setting.clone().unwrap_or_default(),
        theme: wanted.theme.clone().unwrap_or_default(),
        page: page_no,
    };
    let settings: Choices = std::iter::once((
        String::new(),
        "All setting types".to_string(),
        setting.is_none(),
    ))
    .chain(setting_groups().into_iter().map(|(v, l)| {
        let sel = setting.as_deref() == Some(v.as_str());
        (v, l, sel)
    }))
    .collect();
    let theme_filter: Choices = [
        (
            String::new(),
            "All answers".to_string(),
            wanted.theme.is_none(),
        ),
        (
            "-".to_string(),
            "Without a theme".to_string(),
            theme.as_deref() == Some(""),
        ),
    ]
    .into_iter()
    .chain(
        themes
            .iter()
            .map(|t| (t.clone(), t.clone(), theme.as_deref() == Some(t.as_str()))),
    )
    .collect();
    let source: Source = state.into();
    let (mut notice, mut answers, mut total, mut count_columns, mut answers_row, mut theme_rows) =
        (None, Vec::new(), 0, Vec::new(), Vec::new(), Vec::new());
    match theme_counts(&source, &wave).await {
        Ok(counts) => {
            let filter = Filter {
                setting_type: setting.clone(),
                theme: theme.clone(),
            };
            let (page_answers, n) =
                open_answers::page(&state.db, wave.id, &filter, page_no * PAGE, PAGE).await?;
            total = n;
            answers = page_answers
                .into_iter()
                .map(|a| OpenAnswerRow {
                    id: a.id,
                    setting_type: a
                        .setting_type
                        .parse()
                        .map(|s| setting_label(s).to_string())
                        .unwrap_or(a.setting_type),
                    text: a.text,
                    themes: a.themes,
                })
                .collect();
            let columns: Vec<&CountsRow> = std::iter::once(&counts.total)
                .chain(counts.rows.iter())
                .collect();
            count_columns = columns
                .iter()
                .map(|r| {
                    if r.value == "total" {
                        "All".to_string()
                    } else {
                        r.label.clone()
                    }
                })
                .collect();
            answers_row = columns.iter().map(|r| count(r.answers)).collect();
            theme_rows = counts
                .themes
                .iter()
                .enumerate()
                .map(|(i, t)| ThemeRow {
                    theme: t.clone(),
                    counts: columns
                        .iter()
                        .map(|r| {
                            r.counts[i]
                                .map(|n| n.to_string())
                                .unwrap_or_else(|| HIDDEN.to_string())
                        })
                        .collect(),
                })
                .collect();
            staff_store::audit(
                &state.db,
                Some(staff.user.id),
                "open_answers.view",
                &format!(
                    "wave {}, setting type {}, theme {}, page {}",
                    wave.label,
                    setting.as_deref().unwrap_or("all"),
                    theme
                        .as_deref()
                        .map(|t| if t.is_empty() { "none" } else { t })
                        .unwrap_or("all"),
                    page_no + 1
                ),
            )
            .await?;
        }
        Err(ResultsError::NotPublished(label)) => {
            notice = Some(format!(
                "Wave {label} is still open: its open answers can be read once it is closed."
            ));
        }
        Err(ResultsError::Db(e)) => return Err(e.into()),
    }
    let link = |p: u64| {
        format!(
            "/staff/open-answers?wave={}&setting_type={}&theme={}&page={p}",
            encode(&kept.wave),
            encode(&kept.setting_type),
            encode(&kept.theme)
        )
    };
    let previous = (page_no > 0).then(|| link(page_no - 1));
    let next = ((page_no + 1) * PAGE < total).then(|| link(page_no + 1));
    let view = leptos::view! {
        <OpenAnswersPage
            csrf_token=staff.csrf_token.clone()
            kept=kept
            waves=wave_choices
            settings=settings
            theme_filter=theme_filter
            themes=themes
            notice=notice
            count_columns=count_columns
            answers_row=answers_row
            theme_rows=theme_rows
            answers=answers
            total=total
            previous=previous
            next=next
            k=crate::domain::results::effective_k(state.k)
        />
    };
    Ok((
        status,
        page(
            state,
            staff,
            "/staff/open-answers",
            "Open answers",
            flash,
            view,
        )
        .await?,
    )
        .into_response())
}

/// The theme filter as the form sends it: "-" is "without a theme".
fn theme_filter(raw: Option<String>) -> Option<String> {
    match raw.as_deref() {
        None | Some("") => None,
        Some("-") => Some(String::new()),
        Some(t) => Some(t.to_string()),
    }
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(mut wanted): Query<Wanted>,
) -> Result<Response, StaffError> {
    wanted.theme = theme_filter(wanted.theme.take());
    render(&state, &staff, wanted, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    theme: String,
    wave: Option<String>,
    setting_type: Option<String>,
    filter_theme: Option<String>,
    page: Option<u64>,
}

impl ActionForm {
    fn wanted(&self) -> Wanted {
        Wanted {
            wave: self.wave.clone(),
            setting_type: self.setting_type.clone(),
            theme: theme_filter(self.filter_theme.clone()),
            page: self.page,
        }
    }
}

async fn add_theme(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<ActionForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    staff.require(RESEARCH)?;
    let (status, flash) = match theme_name(&form.theme) {
        Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, Flash::Problem(message)),
        Ok(name) => {
            if open_answers::add_theme(&state.db, &name).await? {
                staff_store::audit(&state.db, Some(staff.user.id), "open_answers.theme", &name)
                    .await?;
                (
                    StatusCode::CREATED,
                    Flash::Done(format!("Theme “{name}” added.")),
                )
            } else {
                (
                    StatusCode::CONFLICT,
                    Flash::Problem(format!("theme: “{name}” is there already.")),
                )
            }
        }
    };
    render(&state, &staff, form.wanted(), status, Some(flash)).await
}

/// The answer, if it exists in a wave whose open answers can be read.
async fn readable_answer(state: &AppState, id: &str) -> Result<(), StaffError> {
    let wave_id = open_answers::wave_of(&state.db, id)
        .await?
        .ok_or(StaffError::NotFound)?;
    let wave = waves::find_by_id(&state.db, wave_id)
        .await?
        .ok_or(StaffError::NotFound)?;
    if readable(&wave) {
        Ok(())
    } else {
        Err(StaffError::NotFound)
    }
}

async fn tag(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, StaffError> {
    retag(&state, &staff, &id, form, true).await
}

async fn untag(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, StaffError> {
    retag(&state, &staff, &id, form, false).await
}

/// Adds (`add`) or removes a theme of an answer, then shows the same page with a message.
async fn retag(
    state: &AppState,
    staff: &Staff,
    id: &str,
    form: ActionForm,
    add: bool,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    staff.require(RESEARCH)?;
    readable_answer(state, id).await?;
    if add && !open_answers::themes(&state.db).await?.contains(&form.theme) {
        let flash =
            Flash::Problem("theme: choose one of the themes (add it first when it is new).".into());
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(state, staff, form.wanted(), status, Some(flash)).await;
    }
    let (action, message) = if add {
        open_answers::tag(&state.db, id, &form.theme).await?;
        ("open_answers.tag", format!("Tagged “{}”.", form.theme))
    } else {
        open_answers::untag(&state.db, id, &form.theme).await?;
        (
            "open_answers.untag",
            format!("Theme “{}” removed.", form.theme),
        )
    };
    staff_store::audit(&state.db, Some(staff.user.id), action, &form.theme).await?;
    render(
        state,
        staff,
        form.wanted(),
        StatusCode::OK,
        Some(Flash::Done(message)),
    )
    .await
}
