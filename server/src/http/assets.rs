//! Static assets under a content-hash path (`/assets/<hash>/...`), so browsers may cache them
//! for a year and a new build is fetched at once. The stylesheet is compiled in; the WASM
//! bundle comes from the site directory (built by scripts/build-site.sh), served pre-compressed
//! (brotli, gzip) when those files exist. Without a bundle, pages are plain HTML.

use crate::startup::AppState;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use veilig_frontend::AssetUrls;

const STYLESHEET: &str = include_str!("../../../frontend/style/veilig.css");
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
            boot_script: self.pkg_dir.as_ref().map(|_| format!("{base}/{BOOT_JS}")),
        }
    }

    pub fn router(&self) -> Router<AppState> {
        let immutable = SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        let base = self.base();
        let mut router = Router::new().route(
            &format!("{base}/veilig.css"),
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    STYLESHEET,
                )
            }),
        );
        if let Some(dir) = &self.pkg_dir {
            let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
            router = router.nest_service(&base, files);
        }
        router.layer(immutable)
    }
}
