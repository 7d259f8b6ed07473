//! Resources: the searchable library of articles, guides, videos, courses, books, podcasts,
//! tools and templates, with each reader's progress.
//!
//! - [`domain`]: types, filters, an author's draft (parsed field by field), search results and
//!   snippets, the schema.org JSON-LD of a resource's page.
//! - `markdown` (server): Markdown to sanitised HTML (pulldown-cmark, then ammonia) and to the
//!   plain text search indexes.
//! - [`api`]: the server functions, their bodies in `api::ssr`.
//! - pages: `/resources` (search, `library_page.rs`), `/resources/:slug` (`resource_page.rs`),
//!   `/resources/manage` (an author's resources, `manage_page.rs`), `/resources/manage/new` and
//!   `/resources/manage/:id` (the editor with its live preview, `editor_page.rs`), and the
//!   account page's reading list ([`ReadingList`], `reading_list.rs`).
//!
//! The starter library is loaded with the reference data (`server/src/reference/resources.rs`,
//! from `data/resources/`).

pub mod api;
pub mod domain;
mod editor_page;
mod library_page;
mod manage_page;
#[cfg(feature = "ssr")]
pub mod markdown;
mod reading_list;
mod resource_page;

pub use api::*;
pub use editor_page::ResourceEditorPage;
pub use library_page::ResourcesPage;
pub use manage_page::ManageResourcesPage;
pub use reading_list::ReadingList;
pub use resource_page::ResourcePage;
