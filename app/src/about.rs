//! `/about`: what Waypoint is, and the credits and notices for the data it uses.

use crate::careers::outlook::{dollars, ALL_OCCUPATIONS_MEDIAN_ANNUAL, BLS_CREDIT, BRIGHT_OUTLOOK_URL};
use crate::careers::ONET_CREDIT;
use crate::ui::PageMeta;
use leptos::prelude::*;
use leptos_router::components::A;

/// The notice the O*NET Interest Profiler is distributed with (the `notice` of
/// data/interest-profiler/short-form-60.json; a server test keeps the two the same).
pub const INTEREST_PROFILER_NOTICE: &str =
    "O*NET Interest Profiler(TM) Short Form. Copyright U.S. Department of Labor, \
Employment and Training Administration. O*NET(R) is a trademark of USDOL/ETA. Items are reproduced unmodified; use is \
for career exploration, planning and counseling only.";

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <PageMeta
            title="About Waypoint"
            description="What Waypoint is, who runs it, how career matching works, and the credits for the O*NET data, the O*NET Interest Profiler and the BLS pay and outlook figures it uses."
            path="/about"
        />
        <article class="page narrow about" aria-labelledby="page-heading">
            <h1 id="page-heading">"About Waypoint"</h1>
            <p class="lead">
                "Waypoint is career guidance for students, run by schools and career centres for their own people."
            </p>
            <p>
                "Students discover what draws them with a published career assessment, the O*NET Interest "
                "Profiler; explore the careers that match, with what people in them do and the preparation "
                "each takes; book sessions with mentors who do the work; and follow a roadmap they shape "
                "themselves. Each school or career centre sees only its own people and their data."
            </p>

            <h2>"How career matching works"</h2>
            <p>
                "Your six Interest Profiler scores (Realistic, Investigative, Artistic, Social, Enterprising "
                "and Conventional) are compared with each occupation's O*NET interest profile. Careers whose "
                "profile has the same shape as yours, with the same strong and weak areas, come first, "
                "grouped as best, great and good fits, and each says which of your top interests it shares. "
                "Matches are ideas to explore, never a verdict."
            </p>
            <p><A href="/careers">"Explore careers"</A></p>

            <h2 id="data">"Data and credits"</h2>
            <h3>"O*NET data"</h3>
            <p>
                "Career descriptions, tasks, technology skills, job zones, related careers and interest "
                "profiles come from the "
                <a href="https://www.onetcenter.org/database.html">"O*NET 29.3 Database"</a>
                " (May 2025), licensed under "
                <a href="https://creativecommons.org/licenses/by/4.0/">"Creative Commons Attribution 4.0"</a>
                "."
            </p>
            <blockquote class="credit-quote"><p>{ONET_CREDIT}</p></blockquote>

            <h3>"O*NET Interest Profiler"</h3>
            <p>
                "The interest assessment is the O*NET Interest Profiler Short Form, distributed free of charge "
                "in whole and unmodified, with its notice kept, for career exploration, planning and counseling."
            </p>
            <blockquote class="credit-quote"><p>{INTEREST_PROFILER_NOTICE}</p></blockquote>

            <h3>"Pay and job outlook"</h3>
            <p>
                "Pay, employment, projected job growth, openings and the typical education, experience and "
                "training to enter each career come from the U.S. Bureau of Labor Statistics: national wages from "
                <a href="https://www.bls.gov/oes/">"Occupational Employment and Wage Statistics"</a>
                " (May 2024) and "
                <a href="https://www.bls.gov/emp/">"Employment Projections"</a>
                " (2024-34). They are works of the U.S. government, in the public domain. Where BLS publishes a "
                "career only as part of a combined group, its page says so; for military occupations BLS "
                "publishes no figures. "
                {format!(
                    "The pay chart compares a career with the median of all occupations, {} a year. ",
                    dollars(i64::from(ALL_OCCUPATIONS_MEDIAN_ANNUAL))
                )}
                "Outlook words (\u{201c}faster than average\u{201d} and so on) follow the Occupational Outlook Handbook, and the "
                "Bright Outlook mark follows "
                <a href=BRIGHT_OUTLOOK_URL>"O*NET's criteria"</a>
                "."
            </p>
            <blockquote class="credit-quote"><p>{format!("{BLS_CREDIT}.")}</p></blockquote>
        </article>
    }
}
