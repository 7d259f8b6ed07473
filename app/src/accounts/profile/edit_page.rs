//! `/account/profile`: the profile editor.

use super::api::{my_profile, SaveProfile};
use super::domain::*;
use crate::accounts::account_nav::AccountSection;
use crate::accounts::{use_auth, PersonName};
use crate::ui::{form_flash, parses, ActionOutcome, FormFeedback, PageMeta, TextField, WithFeedback};
use leptos::prelude::*;
use leptos_router::components::A;

/// `/account/profile`: the editor.
#[component]
pub fn ProfileEditPage() -> impl IntoView {
    // Outside RequireUser: saving a new name refreshes the signed-in user, which re-renders the
    // page body, and the form must keep its action (and its "saved" message) across that.
    let save = ServerAction::<SaveProfile>::new();
    let profile = Resource::new(|| (), |_| my_profile());
    // A save refused without JavaScript comes back here with its messages and values (ui::form).
    let flash = form_flash();
    view! {
        <PageMeta title="Edit your profile" description="Edit your Waypoint profile: headline, education, goals, time zone and preferences." path="/account/profile"/>
        <AccountSection class="page narrow" heading=Some("Edit your profile")>
                    <Transition fallback=|| view! { <p class="loading">"Loading your profile…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                let feedback = FormFeedback::new(save, flash.await);
                                profile.await.map(|p| view! { <ProfileForm profile=p save feedback/> })
                            })}
                        </ErrorBoundary>
                    </Transition>
        </AccountSection>
    }
}

/// One form, field after field in the order the page shows them; it stays one view (over 60
/// lines) because every sub-component adds type-erasure code to the WASM (see
/// docs/architecture.md, "The shape of a capability").
#[component]
fn ProfileForm(profile: Profile, save: ServerAction<SaveProfile>, feedback: FormFeedback) -> impl IntoView {
    let auth = use_auth();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            auth.changed.update(|n| *n += 1);
        }
    });
    // After a refused post without JavaScript, the choices show what was sent, not what is saved.
    let sent = feedback.has_values().then(|| feedback.clone());
    let chosen = |field: &str, saved: String| sent.as_ref().map_or(saved, |sent| sent.value(field).unwrap_or_default());
    let time_zone = chosen("time_zone", profile.time_zone.clone());
    let education = chosen("education_level", profile.education_level.map(|level| level.as_str().to_string()).unwrap_or_default());
    let status = chosen("current_status", profile.current_status.map(|status| status.as_str().to_string()).unwrap_or_default());
    let format = chosen("session_format", profile.preferences.session_format.as_str().to_string());
    let ticked = |field: &str, saved: bool| sent.as_ref().map_or(saved, |sent| sent.value(field).is_some());
    let email_reminders = ticked("email_reminders", profile.preferences.email_reminders);
    let weekly_digest = ticked("weekly_digest", profile.preferences.weekly_digest);
    let summary = feedback.clone();
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate="">
          <WithFeedback feedback>
            <div class="field-row">
                <TextField label="First name" name="first_name" autocomplete="given-name" required=true value=profile.first_name.clone() check={parses::<PersonName>}/>
                <TextField label="Last name" name="last_name" autocomplete="family-name" required=true value=profile.last_name.clone() check={parses::<PersonName>}/>
            </div>
            <TextField label="Headline" name="headline" value=profile.headline.clone().unwrap_or_default() check=check_headline maxlength=160
                hint="One line about where you're heading, e.g. \u{201c}Second-year nursing student exploring public health\u{201d}."/>
            <TextField label="Bio" name="bio" multiline=true value=profile.bio.clone().unwrap_or_default() check=check_bio
                hint="Up to 4,000 characters."/>
            <div class="field">
                <label for="field-education_level">"Education"</label>
                <select id="field-education_level" name="education_level">
                    <option value="" selected=education.is_empty()>"Prefer not to say"</option>
                    {EducationLevel::ALL.iter().map(|level| view! {
                        <option value=level.as_str() selected=education == level.as_str()>{level.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="field-current_status">"Current status"</label>
                <select id="field-current_status" name="current_status">
                    <option value="" selected=status.is_empty()>"Prefer not to say"</option>
                    {CareerStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=status == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField label="Location" name="location" autocomplete="address-level2" value=profile.location.clone().unwrap_or_default() check=check_location
                hint="A city or region, as much as you want to share."/>
            <div class="field">
                <label for="field-time_zone">"Time zone"</label>
                <p class="field-hint" id="field-time_zone-hint">"Session times are shown in this zone."</p>
                <select id="field-time_zone" name="time_zone" aria-describedby="field-time_zone-hint">
                    {TimeZoneName::choices().into_iter().map(|name| view! {
                        <option value=name selected=name == time_zone>{name.replace('_', " ")}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField label="Interests" name="interests" value=profile.interests.join(", ") check=check_interests
                hint="Comma-separated, up to 10: e.g. design, biology, working outdoors."/>
            <TextField label="Target roles" name="target_roles" value=profile.target_roles.join(", ") check=check_target_roles
                hint="Comma-separated, up to 10: e.g. nurse practitioner, UX researcher."/>
            <TextField label="Links" name="links" multiline=true value=profile.links.join("\n") check={parses::<ProfileLinks>}
                hint="Up to 5 links, one per line, starting with https://."/>
            <fieldset class="field">
                <legend>"Preferences"</legend>
                <label for="field-session_format">"Preferred session format"</label>
                <select id="field-session_format" name="session_format">
                    {SessionFormat::ALL.iter().map(|f| view! {
                        <option value=f.as_str() selected=format == f.as_str()>{f.label()}</option>
                    }).collect_view()}
                </select>
                <label class="checkbox"><input type="checkbox" name="email_reminders" checked=email_reminders/>" Email me reminders before sessions"</label>
                <label class="checkbox"><input type="checkbox" name="weekly_digest" checked=weekly_digest/>" Send me a weekly digest"</label>
            </fieldset>
            <ActionOutcome value=move || save.value().get().or_else(|| summary.error().map(Err)) success="Profile saved."/>
            <button type="submit" class="button" disabled=move || save.pending().get()>"Save profile"</button>
            " "
            <A href="/account">"Back to your profile"</A>
          </WithFeedback>
        </ActionForm>
    }
}
