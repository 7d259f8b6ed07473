//! `/account/security`: change the password, sign out everywhere.

use super::account_nav::AccountSection;
use super::api::{ChangePassword, SignOutEverywhere};
use super::Password;
use crate::ui::{ActionOutcome, PageMeta, TextField};
use leptos::prelude::*;

fn check_new_password(value: &str) -> Option<String> {
    Password::parse(value, &[]).err().map(|e| e.0)
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    view! {
        <PageMeta title="Sign-in and security" description="Change your Waypoint password and sign out of every device." path="/account/security"/>
        <AccountSection class="page narrow" heading=Some("Sign-in and security")>
                <h2>"Change your password"</h2>
                <p>"Changing it signs you out on every other device."</p>
                <ActionForm action=change attr:class="form" attr:novalidate="">
                    <TextField label="Current password" name="current_password" kind="password" autocomplete="current-password" required=true/>
                    <TextField label="New password" name="new_password" kind="password" autocomplete="new-password" required=true check=check_new_password
                        hint="At least 12 characters; not a common password, your username or your email."/>
                    <TextField label="Confirm the new password" name="confirm_password" kind="password" autocomplete="new-password" required=true/>
                    <ActionOutcome value=move || change.value().get() success="Password changed. You've been signed out on every other device."/>
                    <button type="submit" class="button" disabled=move || change.pending().get()>"Change password"</button>
                </ActionForm>
                <h2>"Sign out everywhere"</h2>
                <p>"Ends every session of your account, on this device and all others: useful after using a shared computer or losing a phone."</p>
                <ActionForm action=everywhere attr:class="form">
                    <ActionOutcome value=move || everywhere.value().get()/>
                    <button type="submit" class="button button--danger">"Sign out everywhere"</button>
                </ActionForm>
        </AccountSection>
    }
}
