//! The baseline for `make bench`: the bytes of a page, served from memory by a bare axum handler,
//! so the benchmark can show what rendering, the database and the middleware cost on top.
//!
//! usage: bare-axum ADDR FILE [CONTENT-TYPE [CONTENT-ENCODING]]
//! (FILE holds the bytes as sent: with a CONTENT-ENCODING of `br`, the brotli bytes Waypoint sent.)

use axum::http::header;
use axum::routing::get;
use axum::Router;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: bare-axum ADDR FILE [CONTENT-TYPE [CONTENT-ENCODING]]");
        std::process::exit(2);
    };
    let content_type = args.next().unwrap_or_else(|| "text/html; charset=utf-8".to_string());
    let body: &'static [u8] = Vec::leak(std::fs::read(&file)?);
    let content_type: &'static str = String::leak(content_type);
    let encoding: &'static str = String::leak(args.next().unwrap_or_else(|| "identity".to_string()));
    let app = Router::new().fallback(get(move || async move {
        ([(header::CONTENT_TYPE, content_type), (header::CONTENT_ENCODING, encoding)], body)
    }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
