//! `/pricing`: the plans (Free, Plus, Pro), monthly or yearly, what each includes, and a way to
//! start: a visitor creates an account and comes back; a signed-in person starts the free trial
//! or subscribes (the sandbox's or the provider's payment page), and sees their own plan marked.
//! Then how a change of plan is prorated, with the worked example, and the common questions.
//! Rendered in full on the server: the interval is a plain link (`?interval=year`) and every
//! form posts without JavaScript.

use super::api::{my_plan, plans, Subscribe};
use super::plans::{BillingInterval, PlanOverview, PlanView, SubscriptionStatus};
use crate::accounts::{encode_query_value, use_auth};
use crate::domain::money::{Currency, Money};
use crate::error::AppError;
use crate::ui::{ActionOutcome, ErrorMessages, JsonLd, PageMeta, SiteUrl};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

const DESCRIPTION: &str = "Waypoint's plans: Free, Plus and Pro, monthly or yearly. Less for every mentor session, more \
                           career roadmaps, and a 14-day free trial with no card needed.";

/// `/pricing`
#[component]
pub fn PricingPage() -> impl IntoView {
    // Resources are made here, at the top (hydration ids; see booking/dashboard.rs).
    let auth = use_auth();
    let query = use_query_map();
    let subscribe = ServerAction::<Subscribe>::new();
    let offered = Resource::new(|| (), |_| plans());
    // The signed-in person's plan; none for a visitor (who has no plan to ask about).
    let overview = Resource::new(
        move || subscribe.version().get(),
        move |_| async move {
            match auth.user.await {
                Ok(Some(_)) => my_plan().await.map(Some),
                _ => Ok(None),
            }
        },
    );
    // With JavaScript the answer decides where to go: the payment page (another site's page, or
    // the sandbox's outside the app's router) or, for a trial, the billing page. Without it the
    // server redirects the plain form post itself.
    let navigate = use_navigate();
    Effect::new(move |_| match subscribe.value().get() {
        Some(Ok(Some(url))) => {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(&url);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = url;
        }
        Some(Ok(None)) => navigate("/account/billing", Default::default()),
        _ => {}
    });
    let interval = move || {
        query.read().get("interval").and_then(|value| BillingInterval::parse(&value)).unwrap_or(BillingInterval::Month)
    };
    view! {
        <PageMeta title="Pricing" description=DESCRIPTION path="/pricing" og_type="website"/>
        <article class="page wide pricing" aria-labelledby="page-heading">
            <h1 id="page-heading">"Plans and pricing"</h1>
            <p class="lead">
                "The Interest Profiler and your career matches are free for everyone. Plus and Pro take money off every \
                 mentor session and keep more career roadmaps. Try either free for 14 days, no card needed."
            </p>
            <section aria-labelledby="plans-heading">
                <h2 id="plans-heading">"Choose your plan"</h2>
                {move || interval_choice(interval())}
                <div aria-live="polite">
                    <ActionOutcome value=move || subscribe.value().get().map(|answer| answer.map(|_| ()))/>
                </div>
                <Transition fallback=|| view! { <p class="loading">"Loading the plans…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || {
                            let interval = interval();
                            Suspend::new(async move {
                                let plans = offered.await?;
                                let overview = overview.await?;
                                Ok::<_, AppError>(view! {
                                    <JsonLd value=product_json_ld(&plans)/>
                                    {plan_cards(plans, overview, interval, subscribe)}
                                })
                            })
                        }}
                    </ErrorBoundary>
                </Transition>
            </section>
            {changing_plans()}
            {questions()}
        </article>
    }
}

/// Monthly or yearly, as two links (they work without JavaScript); the chosen one is marked.
fn interval_choice(chosen: BillingInterval) -> impl IntoView {
    let option = move |interval: BillingInterval, href: &'static str, label: &'static str| {
        let current = (interval == chosen).then_some("true");
        view! { <li><a class="segmented__option" href=href aria-current=current>{label}</a></li> }
    };
    view! {
        <nav class="interval-choice" aria-label="Billing period">
            <ul class="segmented">
                {option(BillingInterval::Month, "/pricing", "Monthly")}
                {option(BillingInterval::Year, "/pricing?interval=year", "Yearly (two months free)")}
            </ul>
        </nav>
    }
}

/// Free, then the paid plans billed every `interval`, one card each.
fn plan_cards(
    plans: Vec<PlanView>,
    overview: Option<PlanOverview>,
    interval: BillingInterval,
    subscribe: ServerAction<Subscribe>,
) -> impl IntoView {
    let next = match interval {
        BillingInterval::Month => "/pricing",
        BillingInterval::Year => "/pricing?interval=year",
    };
    let overview = StoredValue::new(overview);
    let cards = plans
        .into_iter()
        .filter(|plan| plan.price_minor == 0 || plan.interval == interval)
        .map(|plan| {
            let action = overview.with_value(|overview| match overview {
                Some(overview) => signed_in_action(&plan, overview, subscribe),
                None => signed_out_action(&plan, next),
            });
            let current = overview.with_value(|overview| overview.as_ref().is_some_and(|o| o.current.code == plan.code));
            plan_card(plan, current, action)
        })
        .collect_view();
    view! {
        <ul class="card-grid plan-cards">{cards}</ul>
        {overview.with_value(Option::is_none).then(|| view! {
            <p>"Already have an account? "<A href=format!("/sign-in?next={}", encode_query_value(next))>"Sign in"</A></p>
        })}
    }
}

fn plan_card(plan: PlanView, current: bool, action: AnyView) -> impl IntoView {
    let (price, per) = price_words(&plan);
    let class = if current { "card plan-card plan-card--current" } else { "card plan-card" };
    view! {
        <li class=class>
            <h3>{plan.name.clone()}</h3>
            {current.then(|| view! { <p class="badge plan-card__current">"Your plan"</p> })}
            <p class="plan-card__price"><strong>{price}</strong>" "{per}</p>
            <ul class="plan-card__features">
                {features(&plan).into_iter().map(|feature| view! { <li>{feature}</li> }).collect_view()}
            </ul>
            <div class="plan-card__action">{action}</div>
        </li>
    }
}

/// "$9.00" and "a month"; a yearly plan says what that comes to a month.
fn price_words(plan: &PlanView) -> (String, String) {
    if plan.price_minor == 0 {
        return (plan.price.clone(), "for everyone, for as long as you like".to_string());
    }
    match plan.interval {
        BillingInterval::Month => (plan.price.clone(), "a month".to_string()),
        BillingInterval::Year => {
            let monthly = super::domain::money((plan.price_minor + 6) / 12, &plan.currency);
            (plan.price.clone(), format!("a year (about {monthly} a month)"))
        }
    }
}

/// What a plan includes, in words.
fn features(plan: &PlanView) -> Vec<String> {
    let discount = match plan.entitlements.session_discount_percent {
        0 => "Mentor sessions at their listed price".to_string(),
        percent => format!("{percent}% off every paid mentor session"),
    };
    let roadmaps = match plan.entitlements.roadmaps {
        None => "Unlimited career roadmaps".to_string(),
        Some(1) => "1 career roadmap".to_string(),
        Some(n) => format!("Up to {n} career roadmaps"),
    };
    let mut features = vec!["The Interest Profiler and your career matches".to_string(), discount, roadmaps];
    if plan.trial_days > 0 {
        features.push(format!("{}-day free trial, no card needed", plan.trial_days));
    }
    features
}

/// A visitor's way in: an account first, then back here.
fn signed_out_action(plan: &PlanView, next: &str) -> AnyView {
    let href = format!("/sign-up?next={}", encode_query_value(next));
    if plan.price_minor == 0 {
        view! { <A href attr:class="button button--secondary">"Create a free account"</A> }.into_any()
    } else {
        let hidden = format!(" of {}", plan.name);
        view! {
            <A href attr:class="button">"Start free trial"<span class="visually-hidden">{hidden}</span></A>
        }
        .into_any()
    }
}

/// What a signed-in person can do from this plan's card, given their own plan.
fn signed_in_action(plan: &PlanView, overview: &PlanOverview, subscribe: ServerAction<Subscribe>) -> AnyView {
    let live = overview.subscription.as_ref().filter(|subscription| subscription.status.is_live());
    let current = overview.current.code == plan.code;
    if plan.price_minor == 0 {
        return match live {
            None => view! { <p>"You're on Free."</p> }.into_any(),
            Some(_) => view! {
                <p>"To go back to Free, cancel your subscription on your "<A href="/account/billing">"billing page"</A>"."</p>
            }
            .into_any(),
        };
    }
    let what = format!(" to {}, {}ly", plan.name, plan.interval.as_str());
    match live {
        // Paying for the plan being tried ends the trial and starts the first paid period.
        Some(subscription) if current && subscription.status == SubscriptionStatus::Trialing => {
            let until = subscription.trial_ends_at.map(|at| format!(" until {}", at.format("%-d %B %Y"))).unwrap_or_default();
            view! {
                <p>{format!("You're trying {} free{until}.", plan.name)}</p>
                {subscribe_form(plan, false, subscribe, what)}
            }
            .into_any()
        }
        Some(_) if current => view! { <p><A href="/account/billing">"Manage your plan"</A></p> }.into_any(),
        Some(_) => view! {
            <p>
                <A href="/account/billing">"Change plan"<span class="visually-hidden">{what}</span></A>
                " on your billing page."
            </p>
        }
        .into_any(),
        None => {
            let trial = (overview.trial_available && plan.trial_days > 0).then(|| subscribe_form(plan, true, subscribe, what.clone()));
            view! {
                {trial}
                {subscribe_form(plan, false, subscribe, what)}
            }
            .into_any()
        }
    }
}

/// "Start 14-day free trial" or "Subscribe": a form of its own, with its own idempotency key
/// (the same key with another request is refused).
fn subscribe_form(plan: &PlanView, trial: bool, subscribe: ServerAction<Subscribe>, what: String) -> impl IntoView {
    let key = Uuid::new_v4().to_string();
    let (label, class) = if trial {
        (format!("Start {}-day free trial", plan.trial_days), "button")
    } else {
        ("Subscribe".to_string(), if plan.trial_days > 0 { "button button--secondary" } else { "button" })
    };
    let hidden = if trial { format!(" of {}, {}ly", plan.name, plan.interval.as_str()) } else { what };
    let code = plan.code.clone();
    view! {
        <ActionForm action=subscribe attr:class="inline-form">
            <input type="hidden" name="plan" value=code/>
            <input type="hidden" name="key" value=key/>
            {trial.then(|| view! { <input type="hidden" name="trial" value="true"/> })}
            <button type="submit" class=class disabled=move || subscribe.pending().get()>
                {label}<span class="visually-hidden">{hidden}</span>
            </button>
        </ActionForm>
    }
}

/// schema.org `Product` with an `Offer` per plan: the price as a decimal, billed monthly or yearly.
fn product_json_ld(plans: &[PlanView]) -> serde_json::Value {
    let url = SiteUrl::current().absolute("/pricing");
    let offers: Vec<serde_json::Value> = plans
        .iter()
        .map(|plan| {
            let mut offer = serde_json::json!({
                "@type": "Offer",
                "name": format!("{} ({}ly)", plan.name, plan.interval.as_str()),
                "price": decimal_price(plan),
                "priceCurrency": plan.currency,
                "url": url,
                "availability": "https://schema.org/InStock",
            });
            if plan.price_minor == 0 {
                offer["name"] = serde_json::json!(plan.name);
            } else {
                offer["priceSpecification"] = serde_json::json!({
                    "@type": "UnitPriceSpecification",
                    "price": decimal_price(plan),
                    "priceCurrency": plan.currency,
                    "billingDuration": match plan.interval {
                        BillingInterval::Month => "P1M",
                        BillingInterval::Year => "P1Y",
                    },
                });
            }
            offer
        })
        .collect();
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Waypoint",
        "description": DESCRIPTION,
        "url": url,
        "brand": { "@type": "Brand", "name": "Waypoint" },
        "offers": offers,
    })
}

/// "9.00"; Free is "0".
fn decimal_price(plan: &PlanView) -> String {
    if plan.price_minor == 0 {
        return "0".to_string();
    }
    match Currency::from_code(&plan.currency) {
        Some(currency) => Money::new(plan.price_minor, currency).major_string(),
        None => format!("{}.{:02}", plan.price_minor / 100, plan.price_minor % 100),
    }
}

/// How a change of plan is charged, with the worked example (the numbers `plans::prorate` gives).
fn changing_plans() -> impl IntoView {
    view! {
        <section aria-labelledby="changing-heading">
            <h2 id="changing-heading">"Changing plans"</h2>
            <p class="prose">
                "Change plan whenever you like, on your billing page. The change is prorated to the second: what is \
                 left of the period you've paid for is credited at your old plan's price and charged at the new one's."
            </p>
            <p class="formula">
                <code>"credit = old price × seconds left ÷ seconds in the period"</code><br/>
                <code>"charge = new price × seconds left ÷ seconds in the period"</code>
            </p>
            <p class="prose">
                "When the charge is more than the credit, the difference is paid at once with your card; when it is \
                 less, the difference is kept as credit toward your next renewals."
            </p>
            <h3>"An example"</h3>
            <ul class="plan-list">
                <li>
                    "From Plus ($9.00 a month) to Pro ($19.00 a month) halfway through a 30-day period: $4.50 credit \
                     for the half of Plus you haven't used, $9.50 for Pro for the rest of the period, so you pay $5.00 now."
                </li>
                <li>
                    "The other way round, from Pro to Plus at the same point: $9.50 credit and a $4.50 charge, so $5.00 \
                     is credited toward your next renewals."
                </li>
                <li>
                    "Between monthly and yearly, a new period starts now: the unused part of your current plan is \
                     credited against the new plan's full price."
                </li>
            </ul>
        </section>
    }
}

fn questions() -> impl IntoView {
    view! {
        <section aria-labelledby="questions-heading">
            <h2 id="questions-heading">"Questions"</h2>
            <h3>"Can I cancel at any time?"</h3>
            <p class="prose">
                "Yes, on your billing page: now, and your plan ends at once (nothing of the current period is \
                 refunded), or at the end of the period you've paid for, keeping your plan until then. Until that \
                 day you can change your mind and keep your subscription."
            </p>
            <h3>"Who can have a free trial?"</h3>
            <p class="prose">
                "Everyone, once: 14 days of Plus or Pro, with no card needed. When it ends you're back on Free, unless \
                 you've subscribed."
            </p>
            <h3>"What if a renewal payment fails?"</h3>
            <p class="prose">
                "We try your card again after 1, 3 and 5 days, and your plan carries on meanwhile. If the last try \
                 fails too, the subscription ends and you're back on Free."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::plans::Entitlements;

    fn plan(code: &str, name: &str, interval: BillingInterval, price_minor: i64, roadmaps: Option<u32>) -> PlanView {
        PlanView {
            code: code.into(),
            tier: name.to_lowercase(),
            name: name.into(),
            interval,
            price_minor,
            currency: "USD".into(),
            price: crate::payments::domain::money(price_minor, "USD"),
            trial_days: if price_minor == 0 { 0 } else { 14 },
            entitlements: Entitlements { session_discount_percent: if price_minor == 0 { 0 } else { 10 }, roadmaps },
        }
    }

    #[test]
    fn the_structured_data_has_an_offer_per_plan_with_its_billing_period() {
        let plans = [
            plan("free", "Free", BillingInterval::Month, 0, Some(1)),
            plan("plus-monthly", "Plus", BillingInterval::Month, 900, Some(5)),
            plan("plus-yearly", "Plus", BillingInterval::Year, 9000, Some(5)),
        ];
        let value = product_json_ld(&plans);
        assert_eq!(value["@type"], "Product");
        assert_eq!(value["name"], "Waypoint");
        let offers = value["offers"].as_array().unwrap();
        assert_eq!(offers.len(), 3);
        assert_eq!(offers[0]["price"], "0");
        assert!(offers[0].get("priceSpecification").is_none());
        assert_eq!(offers[1]["price"], "9.00");
        assert_eq!(offers[1]["priceCurrency"], "USD");
        assert_eq!(offers[1]["priceSpecification"]["billingDuration"], "P1M");
        assert_eq!(offers[2]["price"], "90.00");
        assert_eq!(offers[2]["priceSpecification"]["@type"], "UnitPriceSpecification");
        assert_eq!(offers[2]["priceSpecification"]["billingDuration"], "P1Y");
    }

    #[test]
    fn a_plan_is_described_in_words() {
        let free = plan("free", "Free", BillingInterval::Month, 0, Some(1));
        assert_eq!(features(&free)[1..], ["Mentor sessions at their listed price".to_string(), "1 career roadmap".to_string()]);
        let pro = plan("pro-yearly", "Pro", BillingInterval::Year, 19000, None);
        assert!(features(&pro).contains(&"Unlimited career roadmaps".to_string()));
        assert!(features(&pro).contains(&"14-day free trial, no card needed".to_string()));
        assert_eq!(price_words(&pro), ("$190.00".to_string(), "a year (about $15.83 a month)".to_string()));
        assert_eq!(price_words(&plan("plus-yearly", "Plus", BillingInterval::Year, 9000, Some(5))).1, "a year (about $7.50 a month)");
    }
}
