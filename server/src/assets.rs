//! Static files (the site root: `pkg/` with the WASM, its JavaScript and the stylesheet, and
//! `public/`'s files) served from memory, read once at start with their brotli and gzip copies.
//!
//! The release build names the bundle's files by their content (cargo-leptos `hash-files`, e.g.
//! `pkg/waypoint.0Rxq….wasm`): a name never changes meaning, so those files are sent with
//! `Cache-Control: public, max-age=31536000, immutable` and a returning visitor's browser does
//! not ask for them again. The plain names (`pkg/waypoint.css`) stay as aliases of the current
//! files, revalidated on each use (`no-cache` and an `ETag`), for what cannot know the hash (the
//! payment sandbox's own page, scripts). Everything else in the root is cached for a day.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// cargo-leptos's hash file beside the running binary (`hash.txt`), when the build wrote one.
pub fn hash_file(options: &leptos::config::LeptosOptions) -> Option<String> {
    let path = std::env::current_exe().ok()?.parent()?.join(options.hash_file.as_ref());
    std::fs::read_to_string(path).ok()
}

/// The files of a site root, by URL path.
#[derive(Clone, Debug, Default)]
pub struct Assets {
    files: Arc<HashMap<String, Asset>>,
}

#[derive(Debug)]
struct Asset {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    etag: HeaderValue,
    plain: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
const A_DAY: &str = "public, max-age=86400";

impl Assets {
    /// Reads every file under `site_root`. `hashes` is cargo-leptos's hash file (`js: …`,
    /// `wasm: …`, `css: …`) when the build names files by content; `output_name` is the bundle's
    /// name (`waypoint`). A missing root gives an empty store (requests fall through to the
    /// file handler).
    pub fn load(site_root: &Path, output_name: &str, hashes: Option<&str>) -> std::io::Result<Assets> {
        let mut files = HashMap::new();
        if !site_root.is_dir() {
            return Ok(Assets::default());
        }
        let hashed: HashMap<String, String> = hashes
            .unwrap_or("")
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(kind, hash)| (kind.trim().to_string(), hash.trim().to_string()))
            .collect();
        let mut pending = vec![site_root.to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
                if name.ends_with(".br") || name.ends_with(".gz") || name.ends_with(".ts") {
                    continue;
                }
                let Ok(relative) = path.strip_prefix(site_root) else { continue };
                let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
                let is_hashed = hashed.iter().any(|(kind, hash)| name == format!("{output_name}.{hash}.{kind}"));
                let in_bundle = url.starts_with("/pkg/");
                // The bundle's files without a hash in their name (all of them in a debug build)
                // keep their names from build to build with new contents: asked about on every
                // use. `public/`'s: a day.
                let cache_control = if is_hashed {
                    IMMUTABLE
                } else if in_bundle {
                    REVALIDATE
                } else {
                    A_DAY
                };
                let asset = Asset::read(&path, cache_control)?;
                files.insert(url, asset);
            }
        }
        // The plain names, for what cannot know the hash: the same bytes, revalidated.
        let pkg = files
            .keys()
            .filter_map(|url| Some((url.rsplit_once('/')?.0.to_string(), url.clone())))
            .collect::<Vec<_>>();
        for (kind, hash) in &hashed {
            if let Some((dir, url)) = pkg.iter().find(|(_, url)| url.ends_with(&format!("/{output_name}.{hash}.{kind}"))) {
                let alias = format!("{dir}/{output_name}.{kind}");
                if let Some(asset) = files.get(url) {
                    let alias_asset = Asset { cache_control: HeaderValue::from_static(REVALIDATE), ..asset.clone_bytes() };
                    files.insert(alias, alias_asset);
                }
            }
        }
        Ok(Assets { files: Arc::new(files) })
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The layer: a GET or HEAD for a file of the root is answered from memory.
    pub async fn layer(self, request: Request, next: Next) -> Response {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            return next.run(request).await;
        }
        let Some(asset) = self.files.get(request.uri().path()) else { return next.run(request).await };
        let head = request.method() == Method::HEAD;
        asset.respond(request.headers(), head)
    }
}

impl Asset {
    fn read(path: &Path, cache_control: &'static str) -> std::io::Result<Asset> {
        let plain = Bytes::from(std::fs::read(path)?);
        let sibling = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::fs::read(&name).ok().map(Bytes::from)
        };
        let content_type = mime_guess::from_path(path).first_or_octet_stream();
        let content_type = HeaderValue::from_str(content_type.as_ref()).unwrap_or(HeaderValue::from_static("application/octet-stream"));
        let digest = Sha256::digest(&plain);
        let etag = HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..16]))).unwrap_or(HeaderValue::from_static("\"\""));
        Ok(Asset {
            content_type,
            cache_control: HeaderValue::from_static(cache_control),
            etag,
            plain,
            brotli: sibling(".br"),
            gzip: sibling(".gz"),
        })
    }

    fn clone_bytes(&self) -> Asset {
        Asset {
            content_type: self.content_type.clone(),
            cache_control: self.cache_control.clone(),
            etag: self.etag.clone(),
            plain: self.plain.clone(),
            brotli: self.brotli.clone(),
            gzip: self.gzip.clone(),
        }
    }

    fn respond(&self, request: &HeaderMap, head: bool) -> Response {
        let etag = self.etag.to_str().unwrap_or("");
        let if_none_match = request.get(header::IF_NONE_MATCH).and_then(|value| value.to_str().ok());
        let mut response = if crate::page_cache::etag_matches(if_none_match, etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let accepts = |coding: &str| {
                request
                    .get_all(header::ACCEPT_ENCODING)
                    .iter()
                    .filter_map(|value| value.to_str().ok())
                    .flat_map(|value| value.split(','))
                    .any(|item| {
                        let mut parts = item.split(';');
                        let name = parts.next().unwrap_or("").trim();
                        let refused = parts.any(|param| matches!(param.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
                    })
            };
            let (bytes, encoding) = match (&self.brotli, &self.gzip) {
                (Some(brotli), _) if accepts("br") => (brotli.clone(), Some("br")),
                (_, Some(gzip)) if accepts("gzip") => (gzip.clone(), Some("gzip")),
                _ => (self.plain.clone(), None),
            };
            let length = bytes.len();
            let mut response = Response::new(if head { Body::empty() } else { Body::from(bytes) });
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, self.content_type.clone());
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            if let Some(encoding) = encoding {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("pkg")).unwrap();
        std::fs::write(root.path().join("pkg/waypoint.abc123.css"), "body{color:red}").unwrap();
        std::fs::write(root.path().join("pkg/waypoint.abc123.css.br"), "BR").unwrap();
        std::fs::write(root.path().join("pkg/waypoint.def456.wasm"), "\0asm").unwrap();
        std::fs::write(root.path().join("pkg/chunk_7.wasm"), "\0asm").unwrap();
        std::fs::write(root.path().join("favicon.ico"), "ico").unwrap();
        root
    }

    fn get(assets: &Assets, path: &str, headers: &[(header::HeaderName, &str)]) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        assets.files.get(path).expect("a file").respond(&map, false)
    }

    #[test]
    fn hashed_files_are_immutable_their_plain_names_revalidate_and_others_keep_a_day() {
        let root = site();
        let assets = Assets::load(root.path(), "waypoint", Some("css: abc123\nwasm: def456\njs: zzz\n")).unwrap();
        let css = get(&assets, "/pkg/waypoint.abc123.css", &[(header::ACCEPT_ENCODING, "gzip, br")]);
        assert_eq!(css.headers()[header::CACHE_CONTROL], IMMUTABLE);
        assert_eq!(css.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(css.headers()[header::CONTENT_TYPE], "text/css");
        let plain = get(&assets, "/pkg/waypoint.abc123.css", &[]);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(get(&assets, "/pkg/waypoint.css", &[]).headers()[header::CACHE_CONTROL], REVALIDATE);
        assert_eq!(get(&assets, "/pkg/waypoint.wasm", &[]).headers()[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(get(&assets, "/favicon.ico", &[]).headers()[header::CACHE_CONTROL], A_DAY);
        assert_eq!(get(&assets, "/pkg/chunk_7.wasm", &[]).headers()[header::CACHE_CONTROL], REVALIDATE, "a split chunk's name is reused");
        let etag = css.headers()[header::ETAG].to_str().unwrap().to_string();
        assert_eq!(get(&assets, "/pkg/waypoint.abc123.css", &[(header::IF_NONE_MATCH, &etag)]).status(), StatusCode::NOT_MODIFIED);
        assert!(!assets.files.contains_key("/pkg/waypoint.abc123.css.br"), "the compressed copies are not files of their own");
    }

    #[test]
    fn without_hashing_the_bundle_is_revalidated() {
        let root = site();
        let assets = Assets::load(root.path(), "waypoint", None).unwrap();
        assert_eq!(get(&assets, "/pkg/waypoint.abc123.css", &[]).headers()[header::CACHE_CONTROL], REVALIDATE);
        assert!(Assets::load(&root.path().join("missing"), "waypoint", None).unwrap().is_empty());
    }
}
