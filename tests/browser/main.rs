//! Browser tests: headless Chromium, driven through ChromeDriver, against the real server.
//! They wait for hydration before interacting, run axe-core on every page a child sees, and
//! write screenshots to target/screenshots (not committed) for a person to look at.

mod driver;
mod participation;
mod start_page;
mod survey;
