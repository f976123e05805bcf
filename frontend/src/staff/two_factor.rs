//! Two-factor sign-in: the second step of signing in, enrolling an authenticator app, the
//! recovery codes (shown once) and where one's own second factor stands.

use leptos::prelude::*;

/// The code field of every form here: six digits from the app, or a recovery code.
#[component]
fn CodeField(
    /// Recovery codes are accepted too (the sign-in step).
    recovery: bool,
    /// The last code sent was not right (the message is at the top of the page).
    invalid: bool,
) -> impl IntoView {
    let (label, hint) = if recovery {
        (
            "Code from your app, or a recovery code",
            "The six digits your authenticator app shows for Veilig now. Lost your phone? Type one of your recovery codes instead.",
        )
    } else {
        (
            "Code from your app",
            "The six digits your authenticator app shows for Veilig now.",
        )
    };
    view! {
        <label for="code">{label}</label>
        <p class="hint" id="code-hint">{hint}</p>
        <input id="code" name="code" type="text" required maxlength="20" spellcheck="false"
            autocomplete="one-time-code" autocapitalize="none" aria-describedby="code-hint"
            aria-invalid=invalid.then_some("true") inputmode=(!recovery).then_some("numeric")/>
    }
}

/// The second step of signing in, for an account that has enrolled.
#[component]
pub fn TwoFactorCodePage(csrf_token: String, invalid: bool) -> impl IntoView {
    view! {
        <h1>"Sign-in code"</h1>
        <p>"Your password was right. To finish signing in, type the code from your authenticator app."</p>
        <form method="post" action="/staff/two-factor/verify" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf_token/>
            <CodeField recovery=true invalid=invalid/>
            <button type="submit" class="primary">"Sign in"</button>
        </form>
        <p>"No phone and no recovery codes? Ask an administrator to reset your two-factor sign-in."</p>
    }
}

/// Setting up an authenticator app: the QR code, the key as text, and the first code.
#[component]
pub fn TwoFactorEnrolPage(
    csrf_token: String,
    /// An SVG image of the `otpauth://` address.
    qr_svg: String,
    /// The key in groups of four, for typing it in.
    key: String,
    /// The role requires it (else the person chose it).
    required: bool,
    /// Signed in already (enrolling by choice): the password is asked too.
    ask_password: bool,
    invalid: bool,
) -> impl IntoView {
    view! {
        <h1>"Set up two-factor sign-in"</h1>
        {required.then(|| view! {
            <p>"Your account can read figures about children in care, so it signs in with two things: your password and a code from an app on your phone. This takes about two minutes, once."</p>
        })}
        <ol class="steps">
            <li>"Install an authenticator app on your phone if you have none (any app for time-based codes, such as the one your organisation uses)."</li>
            <li>
                "In the app, add an account and scan this QR code:"
                <div class="qr two-factor-qr" role="img" aria-label="QR code that adds Veilig to an authenticator app" inner_html=qr_svg></div>
                "Cannot scan it? Type this key instead (time-based, six digits):"
                <p><code class="two-factor-key" id="two-factor-key">{key}</code></p>
            </li>
            <li>"Type the six-digit code the app now shows for Veilig."</li>
        </ol>
        <form method="post" action="/staff/two-factor/enrol" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf_token/>
            <CodeField recovery=false invalid=invalid/>
            {ask_password.then(|| view! {
                <label for="password">"Your password"</label>
                <input id="password" name="password" type="password" required autocomplete="current-password"/>
            })}
            <button type="submit" class="primary">"Turn on two-factor sign-in"</button>
        </form>
    }
}

/// The ten recovery codes, shown once after enrolling or when made anew.
#[component]
pub fn RecoveryCodesPage(codes: Vec<String>, next: String) -> impl IntoView {
    view! {
        <h1>"Your recovery codes"</h1>
        <p>"If you lose your phone, each of these codes signs you in once instead of a code from the app. Print them or write them down, and keep them apart from your phone. They are shown only now."</p>
        <ul class="recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <p><a class="primary-link" href=next>"I have kept them: continue"</a></p>
    }
}

/// One's own second factor, once set up.
#[component]
pub fn TwoFactorStatusPage(
    csrf_token: String,
    recovery_codes_left: u64,
    invalid: bool,
) -> impl IntoView {
    let left = match recovery_codes_left {
        0 => "You have no recovery codes left: make new ones below.".to_string(),
        1 => "You have 1 recovery code left.".to_string(),
        n => format!("You have {n} recovery codes left."),
    };
    view! {
        <h1>"Two-factor sign-in"</h1>
        <p>"Two-factor sign-in is on: you sign in with your password and a code from your authenticator app."</p>
        <p>{left}</p>
        <form method="post" action="/staff/two-factor/recovery-codes" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf_token/>
            <h2>"New recovery codes"</h2>
            <p>"Ten new codes replace the ones you have now, which stop working."</p>
            <CodeField recovery=false invalid=invalid/>
            <button type="submit" class="primary">"Make new recovery codes"</button>
        </form>
        <p>"Lost or replaced your phone? An administrator can reset your two-factor sign-in; you then set it up again."</p>
    }
}
