//! `/admin/revenue`: what came in per organization and month, for administrators (an
//! organization administrator sees their organization, the platform administrator all of them;
//! row-level security keeps to the same).

use super::api::revenue;
use super::earnings::RevenueRow;
use super::earnings_page::month_label;
use crate::admin::AdminSection;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;

/// `/admin/revenue`
#[component]
pub fn RevenuePage() -> impl IntoView {
    // Made here, not inside RequireAdmin's children (hydration ids; see admin/users.rs).
    let rows = Resource::new(|| (), |_| revenue());
    view! {
        <PageMeta title="Revenue" description="Session payments, refunds, platform fees and subscriptions per organization and month." path="/admin/revenue"/>
        <Meta name="robots" content="noindex"/>
        <AdminSection heading=Some("Revenue")>
            <p class="lead">"What came in per organization and month, counted in the month the money moved (a refund in the month it was paid back)."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading revenue…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move { rows.await.map(revenue_view) })}
                </ErrorBoundary>
            </Transition>
        </AdminSection>
    }
}

/// The rows (newest month first) grouped into one table per month, in the order they came.
fn by_month(rows: Vec<RevenueRow>) -> Vec<(String, Vec<RevenueRow>)> {
    let mut months: Vec<(String, Vec<RevenueRow>)> = Vec::new();
    for row in rows {
        match months.last_mut() {
            Some((month, group)) if *month == row.month => group.push(row),
            _ => months.push((row.month.clone(), vec![row])),
        }
    }
    months
}

fn revenue_view(rows: Vec<RevenueRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"Nothing yet: revenue appears here once a session or a plan has been paid."</p> }.into_any();
    }
    by_month(rows)
        .into_iter()
        .map(|(month, group)| {
            let label = month_label(&month);
            let heading_id = format!("revenue-{month}");
            view! {
                <section aria-labelledby=heading_id.clone()>
                    <h2 id=heading_id.clone()>{label.clone()}</h2>
                    <div class="table-scroll">
                        <table class="data-table">
                            <caption>{format!(
                                "Revenue in {label} by organization and currency. Sessions gross is what students paid for sessions; \
                                 refunds are everything paid back that month, for sessions and plans; platform fees are the \
                                 platform's share of session payments, kept after refunds; subscriptions are plan payments net of refunds."
                            )}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Organization"</th>
                                    <th scope="col">"Currency"</th>
                                    <th scope="col">"Session payments"</th>
                                    <th scope="col">"Sessions gross"</th>
                                    <th scope="col">"Refunds"</th>
                                    <th scope="col">"Platform fees"</th>
                                    <th scope="col">"Subscriptions"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {group.into_iter().map(|row| view! {
                                    <tr>
                                        <th scope="row">{row.organization}</th>
                                        <td>{row.currency}</td>
                                        <td>{row.session_payments}</td>
                                        <td>{row.sessions_gross}</td>
                                        <td>{row.refunds}</td>
                                        <td>{row.platform_fees}</td>
                                        <td>{row.subscriptions}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(organization: &str, month: &str) -> RevenueRow {
        RevenueRow {
            organization: organization.into(),
            month: month.into(),
            currency: "GBP".into(),
            session_payments: 1,
            sessions_gross: "£35.00".into(),
            refunds: "£0.00".into(),
            platform_fees: "£3.50".into(),
            subscriptions: "£0.00".into(),
        }
    }

    #[test]
    fn rows_are_grouped_by_month_in_their_order() {
        let months = by_month(vec![row("Riverside", "2026-12"), row("Waypoint", "2026-12"), row("Riverside", "2026-11")]);
        let shape: Vec<(&str, usize)> = months.iter().map(|(month, group)| (month.as_str(), group.len())).collect();
        assert_eq!(shape, vec![("2026-12", 2), ("2026-11", 1)]);
        assert_eq!(month_label("2026-11"), "November 2026");
        assert_eq!(month_label("nonsense"), "nonsense");
    }
}
