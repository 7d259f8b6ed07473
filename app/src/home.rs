//! The home page, the 404 page, and the public figures the home page shows.

use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

/// Live figures from the database, readable without signing in (counts only, never rows): the
/// ones the home page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformStats {
    pub organizations: i64,
    pub mentors: i64,
}

/// The public figures, kept for [`StatsCache::TTL`] so a busy home page does not count rows on
/// every view; figures a few seconds old are as true to a visitor as fresh ones.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default)]
pub struct StatsCache(std::sync::Arc<std::sync::Mutex<Option<(std::time::Instant, PlatformStats)>>>);

#[cfg(feature = "ssr")]
impl StatsCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(30);

    fn fresh(&self) -> Option<PlatformStats> {
        let cached = *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.filter(|(at, _)| at.elapsed() < Self::TTL).map(|(_, stats)| stats)
    }

    fn store(&self, stats: PlatformStats) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((std::time::Instant::now(), stats));
    }
}

/// The public figures, from the cache when it is fresh.
#[server(endpoint = "platform_stats")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn load_platform_stats() -> Result<PlatformStats, AppError> {
    let cache = use_context::<StatsCache>();
    if let Some(stats) = cache.as_ref().and_then(StatsCache::fresh) {
        return Ok(stats);
    }
    let stats = crate::db::public_read(|tx| Box::pin(ssr::platform_stats(tx))).await?;
    if let Some(cache) = &cache {
        cache.store(stats);
    }
    Ok(stats)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::PlatformStats;
    use crate::db::Tx;
    use crate::error::AppError;

    /// See [`super::load_platform_stats`]: a security-definer function counts what the app
    /// role may not read row by row.
    pub async fn platform_stats(tx: &mut Tx) -> Result<PlatformStats, AppError> {
        Ok(sqlx::query_as!(
            PlatformStats,
            r#"select organizations as "organizations!", mentors as "mentors!" from public_platform_stats()"#
        )
        .fetch_one(&mut **tx)
        .await?)
    }
}

/// Where someone is starting from, and the path Waypoint suggests for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Starting {
    AtSchool,
    Graduating,
    ChangingCareers,
}

impl Starting {
    const ALL: [Starting; 3] = [Starting::AtSchool, Starting::Graduating, Starting::ChangingCareers];

    fn label(self) -> &'static str {
        match self {
            Starting::AtSchool => "I'm still at school",
            Starting::Graduating => "I'm finishing my studies",
            Starting::ChangingCareers => "I'm changing careers",
        }
    }

    fn steps(self) -> [&'static str; 3] {
        match self {
            Starting::AtSchool => [
                "Take the 60-question interest profiler to see which kinds of work draw you.",
                "Explore careers that match, sorted by how much preparation they take.",
                "Ask a mentor what the work is really like before you choose subjects.",
            ],
            Starting::Graduating => [
                "Check how your interests match the careers your studies open up.",
                "Book a session with a mentor working in the field you are aiming for.",
                "Turn the plan into a roadmap of applications, portfolio pieces and deadlines.",
            ],
            Starting::ChangingCareers => [
                "Find careers that fit your interests and use what you already know.",
                "Talk with a mentor who has made a similar move.",
                "Follow a roadmap of courses and projects that bridges the gap.",
            ],
        }
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let stats = Resource::new(|| (), |_| load_platform_stats());

    view! {
        <PageMeta
            title="Career guidance that fits you"
            description="Waypoint helps students discover careers that fit their interests, book sessions with mentors, follow a personal roadmap and learn from a curated library."
            path="/"
        />
        {hero()}
        // Its own resource and Transition, at the top level of the page (never inside a Suspend).
        <crate::roadmaps::NextStepCard/>
        {what_waypoint_offers()}
        {where_you_start()}
        {waypoint_today(stats)}
    }
}

fn hero() -> impl IntoView {
    view! {
        <section class="hero" aria-labelledby="hero-heading">
            <h1 id="hero-heading">"Find work that fits who you are."</h1>
            <p class="lead">
                "Waypoint is career guidance for students: discover what draws you with a real interest "
                "assessment, explore the careers that match, talk with mentors who do the work, and follow "
                "a roadmap you shape yourself."
            </p>
            <p class="hero__actions">
                <A href="/assessments" attr:class="button">"Discover your interests"</A>
                <A href="/mentors" attr:class="button button--secondary">"Meet a mentor"</A>
            </p>
        </section>
    }
}

fn what_waypoint_offers() -> impl IntoView {
    view! {
        <section aria-labelledby="offers-heading">
            <h2 id="offers-heading">"What Waypoint offers"</h2>
            <ul class="card-grid">
                <li class="card">
                    <h3>"Career assessments"</h3>
                    <p>"The O*NET Interest Profiler and other instruments, scored as their publishers document."</p>
                </li>
                <li class="card">
                    <h3>"Career matches"</h3>
                    <p>"Hundreds of occupations ranked by how well they fit your interests, with the reasons shown."</p>
                </li>
                <li class="card">
                    <h3>"Mentor sessions"</h3>
                    <p>"Book one-to-one sessions with mentors from your school or career centre, at times that suit you both."</p>
                </li>
                <li class="card">
                    <h3>"Your roadmap"</h3>
                    <p>"A step-by-step plan towards the career you choose, with progress you can see."</p>
                </li>
            </ul>
        </section>
    }
}

/// "Where are you starting from?": choosing a starting point shows the steps suggested for it.
fn where_you_start() -> impl IntoView {
    let (starting, set_starting) = signal(Starting::AtSchool);
    view! {
        <section aria-labelledby="start-heading" class="starting">
            <h2 id="start-heading">"Where are you starting from?"</h2>
            <div class="segmented" role="group" aria-label="Where are you starting from?">
                {Starting::ALL.into_iter().map(|option| view! {
                    <button
                        type="button"
                        class="segmented__option"
                        aria-pressed=move || if starting.get() == option { "true" } else { "false" }
                        on:click=move |_| set_starting.set(option)
                    >
                        {option.label()}
                    </button>
                }).collect_view()}
            </div>
            <ol class="steps" aria-live="polite" data-testid="suggested-steps">
                {move || starting.get().steps().into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}
            </ol>
        </section>
    }
}

/// The live figures, from the resource [`HomePage`] creates.
fn waypoint_today(stats: Resource<Result<PlatformStats, AppError>>) -> impl IntoView {
    view! {
        <section aria-labelledby="today-heading">
            <h2 id="today-heading">"Waypoint today"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading the latest figures…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || stats.get().map(|result| result.map(|stats| view! {
                        <dl class="stats" data-testid="platform-stats">
                            <div>
                                <dt>"Mentors ready to meet you"</dt>
                                <dd>{stats.mentors}</dd>
                            </div>
                            <div>
                                <dt>"Schools and career centres"</dt>
                                <dd>{stats.organizations}</dd>
                            </div>
                        </dl>
                    }))}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <crate::ui::NotFound title="Page not found" heading="We couldn't find that page"
            lead="The address may be mistyped, or the page may have moved." href="/" link="Go to the home page"/>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_stats_cache_serves_stored_figures_until_they_expire() {
        let cache = StatsCache::default();
        assert_eq!(cache.fresh(), None);
        let stats = PlatformStats { organizations: 2, mentors: 5 };
        cache.store(stats);
        assert_eq!(cache.fresh(), Some(stats));
        *cache.0.lock().unwrap() = Some((std::time::Instant::now() - StatsCache::TTL, stats));
        assert_eq!(cache.fresh(), None, "expired figures are fetched again");
    }
}
