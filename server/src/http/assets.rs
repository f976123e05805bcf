//! Static assets under a content-hash path (`/assets/<hash>/...`), so browsers may cache them
//! for a year and a new build is fetched at once. The stylesheet and the child's scripts are
//! compiled in; the WASM bundle comes from the site directory (built by scripts/build-site.sh),
//! served pre-compressed (brotli, gzip) when those files exist. Without a bundle, pages are
//! plain HTML. The service worker is the one script at a fixed address (`/sw.js`): its address
//! decides which pages it may serve offline, so it cannot move with every build.

use crate::http::AppState;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use veilig_frontend::AssetUrls;

const STYLESHEET: &str = include_str!("../../../frontend/style/veilig.css");
/// The child's scripts: small hand-written files (ES2017, no framework, no build step), served
/// as one file in this order. Each is an independent block; `store.js` and `routing.js` come
/// first because the others use them.
const CHILD_SCRIPT: &str = concat!(
    include_str!("../../../frontend/assets/store.js"),
    include_str!("../../../frontend/assets/routing.js"),
    include_str!("../../../frontend/assets/read-aloud.js"),
    include_str!("../../../frontend/assets/exit.js"),
    include_str!("../../../frontend/assets/kiosk.js"),
    include_str!("../../../frontend/assets/start.js"),
    include_str!("../../../frontend/assets/survey.js"),
);
/// The staff pages' one script: whether this tablet has voices to read aloud (kiosk page).
const STAFF_SCRIPT: &str = include_str!("../../../frontend/assets/voices.js");
/// Keeps the survey usable without a network (see the file for what it caches).
const SERVICE_WORKER: &str = include_str!("../../../frontend/assets/sw.js");
const BUNDLE_JS: &str = "veilig.js";
const BUNDLE_WASM: &str = "veilig_bg.wasm";
const BOOT_JS: &str = "boot.js";

#[derive(Debug, Clone)]
pub struct Assets {
    hash: String,
    pkg_dir: Option<PathBuf>,
}

impl Assets {
    /// Looks for the built bundle in `site_dir/pkg` and hashes what it finds.
    pub fn load(site_dir: &Path) -> Assets {
        let pkg = site_dir.join("pkg");
        let mut hasher = Sha256::new();
        hasher.update(STYLESHEET.as_bytes());
        hasher.update(CHILD_SCRIPT.as_bytes());
        hasher.update(STAFF_SCRIPT.as_bytes());
        let bundle: Option<Vec<Vec<u8>>> = [BUNDLE_JS, BUNDLE_WASM, BOOT_JS]
            .iter()
            .map(|f| std::fs::read(pkg.join(f)).ok())
            .collect();
        let pkg_dir = match bundle {
            Some(files) => {
                for f in files {
                    hasher.update(&f);
                }
                Some(pkg)
            }
            None => {
                tracing::warn!(
                    site_dir = %site_dir.display(),
                    "no WASM bundle found: pages are served as plain HTML (run scripts/build-site.sh)"
                );
                None
            }
        };
        let hash = hex::encode(&hasher.finalize()[..8]);
        Assets { hash, pkg_dir }
    }

    pub fn has_bundle(&self) -> bool {
        self.pkg_dir.is_some()
    }

    fn base(&self) -> String {
        format!("/assets/{}", self.hash)
    }

    pub fn urls(&self) -> AssetUrls {
        let base = self.base();
        AssetUrls {
            stylesheet: format!("{base}/veilig.css"),
            child_script: format!("{base}/child.js"),
            staff_script: format!("{base}/staff.js"),
            boot_script: self.pkg_dir.as_ref().map(|_| format!("{base}/{BOOT_JS}")),
        }
    }

    pub fn router(&self) -> Router<AppState> {
        let immutable = SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        let base = self.base();
        let mut router = Router::new()
            .route(
                &format!("{base}/veilig.css"),
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                        STYLESHEET,
                    )
                }),
            )
            .route(
                &format!("{base}/child.js"),
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                        CHILD_SCRIPT,
                    )
                }),
            )
            .route(
                &format!("{base}/staff.js"),
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                        STAFF_SCRIPT,
                    )
                }),
            );
        if let Some(dir) = &self.pkg_dir {
            let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
            let files = tower::Layer::layer(&axum::middleware::from_fn(bundle_names_only), files);
            router = router.nest_service(&base, files);
        }
        router.layer(immutable).merge(service_worker())
    }
}

/// The bundle's files have short plain names. Anything else (a name longer than a file system
/// takes, a percent-encoded byte such as NUL) is not found, before the file system is asked:
/// asking it would be an error (500), not a missing file.
async fn bundle_names_only(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let plain = request
        .uri()
        .path()
        .split('/')
        .all(|part| part.len() <= 100 && !part.contains('%'));
    if !plain {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    let response = next.run(request).await;
    if response.status().is_server_error() {
        tracing::warn!(status = %response.status(), "a bundle file could not be read");
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    response
}

/// `/sw.js`, checked for a new version on every visit (`no-cache`), so a new build's worker
/// takes over as soon as a page loads.
fn service_worker() -> Router<AppState> {
    Router::new().route(
        "/sw.js",
        get(|| async {
            (
                [
                    (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                SERVICE_WORKER,
            )
        }),
    )
}
