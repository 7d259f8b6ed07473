//! `/account/notifications`: what the person hears about, and where: in the app (the
//! notification centre and the header's count) and by email, per category. A plain form of
//! checkboxes, so it saves without JavaScript too; a box left unticked turns that channel off.

use super::api::{notification_preferences, SaveNotificationPreferences};
use super::domain::{preference_field, Category, Preference};
use crate::accounts::AccountSection;
use crate::ui::{form_flash, ActionOutcome, ErrorMessages, FormFeedback, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;

/// The settings form's id, for the Save button outside it.
const FORM_ID: &str = "notification-settings";

/// `/account/notifications`
#[component]
pub fn NotificationPreferencesPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids; see admin/users.rs).
    let save = ServerAction::<SaveNotificationPreferences>::new();
    let preferences = Resource::new(move || save.version().get(), |_| notification_preferences());
    // A save refused without JavaScript comes back here with its message (ui::form).
    let flash = form_flash();
    view! {
        <PageMeta title="Notification settings" description="Choose what Waypoint tells you about, in the app and by email." path="/account/notifications"/>
        <Meta name="robots" content="noindex"/>
        <AccountSection class="page preferences-page" heading=Some("Notifications")>
            <p class="lead">
                "Choose what Waypoint tells you about, and where: in the app (your "
                <A href="/notifications">"notifications"</A>
                " and the count beside them at the top of each page) or by email."
            </p>
            // The table (and its form) reload after saving; the Save button sits outside them,
            // tied to the form by its `form` attribute, so it keeps the keyboard focus, and it
            // submits nothing when the settings couldn't be loaded (no form, no boxes: saving
            // then would turn every channel off).
            <Transition fallback=|| view! { <p class="loading">"Loading your settings…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        preferences.await.map(|preferences| view! {
                            <ActionForm action=save attr:id=FORM_ID attr:class="form" attr:aria-label="Notification settings">
                                {preferences_table(preferences)}
                            </ActionForm>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            <p class="muted">
                "Emails about your account itself, confirming your email address and resetting your password, "
                "are always sent: without them you couldn't get back in."
            </p>
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = FormFeedback::new(save, flash.await);
                    view! {
                        <ActionOutcome value=move || save.value().get().or_else(|| feedback.error().map(Err)) success="Saved."/>
                    }
                })}
            </Suspense>
            // Not disabled while saving: a focused button that becomes disabled loses the keyboard focus.
            <p>
                <button type="submit" form=FORM_ID class="button" aria-busy=move || save.pending().get().then_some("true")>"Save"</button>
            </p>
        </AccountSection>
    }
}

fn preferences_table(preferences: Vec<Preference>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data-table preferences-table">
                <caption>"What you hear about, and where"</caption>
                <thead>
                    <tr>
                        <th scope="col">"About"</th>
                        <th scope="col">"In the app"</th>
                        <th scope="col">"By email"</th>
                    </tr>
                </thead>
                <tbody>
                    {preferences.into_iter().map(preference_row).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn preference_row(preference: Preference) -> impl IntoView {
    let Preference { category, in_app, email } = preference;
    let description_id = format!("preference-{}-description", category.key());
    view! {
        <tr>
            <th scope="row">
                <span class="preference__label">{category.label()}</span>
                <span class="preference__description" id=description_id.clone()>{category.description()}</span>
            </th>
            <td>{channel_box(category, false, in_app, description_id.clone())}</td>
            <td>{channel_box(category, true, email, description_id)}</td>
        </tr>
    }
}

/// One channel's checkbox, named as the server reads it (`checked[booking-email]`), labelled
/// for screen readers with the category and the channel ("Sessions by email").
fn channel_box(category: Category, email: bool, checked: bool, description_id: String) -> impl IntoView {
    let field = preference_field(category, email);
    let id = format!("preference-{field}");
    let label = format!("{} {}", category.label(), if email { "by email" } else { "in the app" });
    view! {
        <input type="checkbox" id=id.clone() name=format!("checked[{field}]") value="on" checked=checked
            aria-describedby=description_id/>
        <label for=id class="visually-hidden">{label}</label>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_boxes_carry_the_names_the_server_reads() {
        let owner = Owner::new();
        let html = owner.with(|| {
            preferences_table(vec![Preference { category: Category::Booking, in_app: true, email: false }]).to_html()
        });
        assert!(html.contains(r#"name="checked[booking-in_app]""#), "{html}");
        assert!(html.contains(r#"name="checked[booking-email]""#), "{html}");
        assert!(html.contains("Sessions by email"), "{html}");
        assert!(html.contains("Sessions in the app"), "{html}");
    }
}
