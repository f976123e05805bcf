//! The child's survey, rendered on the server: it works on any tablet, with JavaScript off,
//! and costs a few kilobytes per screen. Every screen has Help, read-aloud and a quick exit;
//! one question per screen, with big answer buttons and words under the faces.
//!
//! Two ways through, one renderer: without JavaScript each screen is a page and a form post
//! (`render_step`); with it, the whole survey is one document (`render_app`) that survey.js
//! walks on the device, also without a network.

mod app;
mod frame;
mod help;
mod pages;
mod screens;

pub use app::{render_app, AppScreen, Routing, SurveyApp};
pub use frame::ChildPage;
pub use help::{HelpContact, HelpContacts, DEFAULT_HELP};
pub use pages::{render_exit, render_help, render_lost, render_step, render_thanks, StepPage};
pub use screens::{Choice, ScaleLook, Screen};
