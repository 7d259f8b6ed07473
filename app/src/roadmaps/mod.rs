//! Roadmaps: personal plans towards a chosen career, generated from real data (O*NET, BLS, the
//! person's profile and Interest Profiler result, the resource library), edited by their owner,
//! read and commented on by their mentors, shared by link, and the progress they record.
//!
//! - [`domain`]: kinds, statuses, what people type (parsed) and what the pages show.
//! - [`generate`]: the generator (pure and deterministic).
//! - [`api`]: the server functions, and in `api::ssr` their bodies and queries.
//! - [`list_page`]: `/roadmap`, a public page about roadmaps for visitors; a person's roadmaps,
//!   their goal and the form that generates one when signed in; a mentor's students' roadmaps.
//! - [`roadmap_page`]: `/roadmap/:id`, one roadmap: its steps, editing and reordering (buttons
//!   and drag and drop), mentors' comments and suggestions, sharing, archiving.
//! - [`print_page`]: `/roadmap/:id/print`, the same roadmap laid out for paper.
//! - [`shared_page`]: `/roadmap/shared/:token`, the read-only view behind a share link.

pub mod api;
pub mod domain;
pub mod generate;

mod charts;
mod next_step;
mod progress_page;

pub mod list_page;
pub mod print_page;
pub mod roadmap_page;
pub mod shared_page;

pub use api::*;
pub use list_page::RoadmapsPage;
pub use print_page::RoadmapPrintPage;
pub use roadmap_page::RoadmapDetailPage;
pub use shared_page::SharedRoadmapPage;
pub use next_step::NextStepCard;
pub use progress_page::ProgressPage;
