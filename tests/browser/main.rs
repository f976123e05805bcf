//! Browser tests: headless Chromium, driven through ChromeDriver, against the real server.
//! They wait for the page's scripts before interacting, run axe-core on every page a child sees, and
//! write screenshots to target/screenshots (not committed) for a person to look at.

mod cable;
mod child;
mod driver;
mod institutions;
mod kiosk;
mod offline;
mod page_weight;
mod parity;
mod participation;
mod plain;
mod rtl;
mod start_page;
mod survey;
mod two_factor;
