//! `/sign-up`.

use super::auth::use_auth;
use super::{EmailAddress, InviteCode, Password, PersonName, Username};
use crate::ui::{form_flash, parses, ActionOutcome, FormFeedback, PageMeta, TextField, WithFeedback};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

fn check_new_password(value: &str) -> Option<String> {
    Password::parse(value, &[]).err().map(|e| e.0)
}
fn check_invite(value: &str) -> Option<String> {
    InviteCode::parse_optional(value).err().map(|e| e.0)
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    // A sign-up refused without JavaScript comes back here with its messages (ui::form).
    let flash = form_flash();
    view! {
        <PageMeta title="Create an account" description="Create a Waypoint account to take career assessments, book mentors and follow your own roadmap." path="/sign-up"/>
        <section class="page narrow" aria-labelledby="page-heading">
            <h1 id="page-heading">"Create your account"</h1>
            <p class="lead">"Join the Waypoint community, or your school or career centre with the invite code they gave you."</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = FormFeedback::new(auth.sign_up, flash.await);
                    let summary = feedback.clone();
                    view! {
                        <ActionForm action=auth.sign_up attr:class="form" attr:novalidate="">
                            <WithFeedback feedback>
                                <input type="hidden" name="next" value=next/>
                                <div class="field-row">
                                    <TextField label="First name" name="first_name" autocomplete="given-name" required=true check={parses::<PersonName>}/>
                                    <TextField label="Last name" name="last_name" autocomplete="family-name" required=true check={parses::<PersonName>}/>
                                </div>
                                <TextField label="Email" name="email" kind="email" autocomplete="email" required=true check={parses::<EmailAddress>}/>
                                <TextField label="Username" name="username" autocomplete="username" required=true check={parses::<Username>}
                                    hint="3 to 32 letters, digits, dots, dashes or underscores. Others see it on your profile."/>
                                <TextField label="Password" name="password" kind="password" autocomplete="new-password" required=true check=check_new_password
                                    hint="At least 12 characters. A phrase of a few unrelated words is strong and easy to remember."/>
                                <TextField label="Invite code (optional)" name="invite_code" check=check_invite
                                    hint="From your school or career centre. Leave it blank to join the Waypoint community."/>
                                <ActionOutcome value=move || summary.error().map(Err)/>
                                <button type="submit" class="button" disabled=move || auth.sign_up.pending().get()>"Create account"</button>
                            </WithFeedback>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p>"Already have an account? " <A href="/sign-in">"Sign in"</A></p>
        </section>
    }
}
