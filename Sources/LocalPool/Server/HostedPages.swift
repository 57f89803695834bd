import Mustache

/// The hosted pages (sign in, MFA, new password, sign up, confirm, forgotten password, passkeys), rendered
/// with swift-mustache: `{{value}}` is HTML-escaped, and every page fills the one layout. The
/// one unescaped value is the pool's custom CSS, which holds no `<` (``UICustomizationRules``).
enum HostedPages {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in templates.merging(passkeyTemplates, uniquingKeysWith: { own, _ in own }) {
            // The templates are constants of this file: a parse error is a bug caught by any test.
            try! library.register(text, named: name)
        }
        return library
    }()

    /// Renders page `name` with `values` (escaped where they appear as `{{…}}`).
    static func render(_ name: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: name) ?? ""
    }

    static let templates: [String: String] = [
        "layout": layout, "login": login, "mfa": mfa, "mfa-setup": mfaSetup, "new-password": newPassword,
        "sign-up": signUp, "confirm": confirm, "forgot": forgot, "reset": reset, "error": errorPage,
        "onward": onward, "email-code": emailCode,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#onward}}<meta http-equiv="refresh" content="0;url={{onward}}">{{/onward}}
        <title>{{$title}}Sign in{{/title}} · Gatehouse local pool</title>
        <style nonce="{{nonce}}">
        body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d1f23; margin: 0; }
        main { max-width: 22rem; margin: 10vh auto; background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
        h1 { font-size: 1.4rem; margin: 0 0 1.25rem; }
        label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
        input { width: 100%; box-sizing: border-box; padding: .6rem .7rem; font: inherit; border: 1px solid #8a9099; border-radius: 6px; }
        input:focus, button:focus, a:focus { outline: 3px solid #2563eb; outline-offset: 1px; }
        button { margin-top: 1.5rem; width: 100%; padding: .7rem; font: inherit; font-weight: 600; color: #fff; background: #1d4ed8; border: 0; border-radius: 6px; cursor: pointer; }
        button.link { background: none; color: #1d4ed8; width: auto; padding: 0; margin-top: .75rem; font-weight: 400; text-decoration: underline; }
        .error { color: #9b1c1c; background: #fdecec; border: 1px solid #f5b5b5; padding: .6rem .8rem; border-radius: 6px; }
        .notice { color: #14532d; background: #ecfdf3; border: 1px solid #a7e3bd; padding: .6rem .8rem; border-radius: 6px; }
        .secret { font: 1.05rem ui-monospace, monospace; letter-spacing: .08em; word-break: break-all; background: #f4f5f7; padding: .5rem; border-radius: 6px; }
        .links { margin-top: 1.25rem; display: flex; justify-content: space-between; font-size: .95rem; }
        .client, .hint { color: #555b66; font-size: .9rem; }
        .client { margin-top: 1.5rem; }
        ul.passkeys { padding: 0; list-style: none; } ul.passkeys li { padding: .5rem 0; border-bottom: 1px solid #e3e5e8; }
        .idp-button { display: block; text-align: center; padding: .6rem; border: 1px solid #8a9099; border-radius: 6px; color: #1d1f23; text-decoration: none; font-weight: 600; }
        </style>
        {{#customCSS}}<style nonce="{{nonce}}" id="ui-customization">{{{customCSS}}}</style>{{/customCSS}}
        {{#brandingCSS}}<style nonce="{{nonce}}" id="managed-login-branding">{{{brandingCSS}}}</style>{{/brandingCSS}}
        {{#favicon}}<link rel="icon" href="{{favicon}}">{{/favicon}}
        </head>
        <body>
        <main>
        {{#logo}}<img class="logo-customizable" id="logo" alt="" src="{{logo}}">{{/logo}}
        <h1>{{$heading}}Sign in{{/heading}}</h1>
        {{#error}}<p class="error" role="alert" id="page-error">{{error}}</p>{{/error}}
        {{#notice}}<p class="notice" role="status" id="page-notice">{{notice}}</p>{{/notice}}
        {{$body}}{{/body}}
        {{#client}}<p class="client">Signing in to {{client}}</p>{{/client}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}{{$body}}
        {{#providers}}<p><a class="idp-button" id="idp-{{name}}" href="{{href}}">Sign in with {{name}}</a></p>{{/providers}}
        <form method="post" action="/login?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" autocapitalize="none" required value="{{username}}" autofocus>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        {{#emailCode}}<button type="submit" class="link" id="email-code" formaction="/login/email-code?{{query}}">Email me a code instead</button>{{/emailCode}}
        {{#passkey}}<button type="submit" class="link" id="passkey-sign-in" formaction="/login/passkey?{{query}}">Sign in with a passkey</button>{{/passkey}}
        </form>
        <p class="links"><a id="forgot-link" href="/login/forgot?{{query}}">Forgot your password?</a>{{#signUp}}<a id="sign-up-link" href="/login/signup?{{query}}">Sign up</a>{{/signUp}}</p>
        {{/body}}{{/layout}}
        """

    static let mfa = """
        {{<layout}}{{$title}}Verification code{{/title}}{{$heading}}Enter your code{{/heading}}{{$body}}
        <p class="hint">Open your authenticator app and enter the six-digit code for this account.</p>
        <form method="post" action="/login/mfa?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="session" value="{{session}}">
        <label for="code">Code</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
        <button type="submit">Verify</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let emailCode = """
        {{<layout}}{{$title}}Sign-in code{{/title}}{{$heading}}Enter the code we emailed{{/heading}}{{$body}}
        <form method="post" action="/login/email-code/verify?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="session" value="{{session}}">
        <label for="code">Code</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{8}" maxlength="8" required autofocus>
        <button type="submit">Sign in</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let mfaSetup = """
        {{<layout}}{{$title}}Set up your authenticator{{/title}}{{$heading}}Set up your authenticator{{/heading}}{{$body}}
        <p class="hint">This pool asks for a code from an authenticator app at every sign-in. Add this key to your app (time-based, six digits), then enter the code it shows.</p>
        <p class="secret" id="secret">{{secret}}</p>
        <p class="hint">Or open: <span id="otpauth">{{otpauth}}</span></p>
        <form method="post" action="/login/mfa-setup?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="session" value="{{session}}">
        <label for="code">Code</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
        <button type="submit">Verify and sign in</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let newPassword = """
        {{<layout}}{{$title}}Choose a password{{/title}}{{$heading}}Choose a new password{{/heading}}{{$body}}
        <p class="hint">Your account was created with a temporary password. Choose your own to continue.</p>
        <form method="post" action="/login/new-password?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="session" value="{{session}}">
        <label for="password">New password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required autofocus>
        <button type="submit">Set password and sign in</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let signUp = """
        {{<layout}}{{$title}}Sign up{{/title}}{{$heading}}Create an account{{/heading}}{{$body}}
        <form method="post" action="/login/signup?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" autocapitalize="none" required value="{{username}}" autofocus>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email" required value="{{email}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-rules">
        <p class="hint" id="password-rules">At least 8 characters, with upper and lower case letters, a digit and a symbol.</p>
        {{#terms}}<p class="hint" id="terms">By signing up you agree to the <a id="terms-link" href="{{termsOfUse}}" rel="noopener noreferrer" target="_blank">terms of use</a> and the <a id="privacy-link" href="{{privacyPolicy}}" rel="noopener noreferrer" target="_blank">privacy policy</a>.</p>{{/terms}}
        <button type="submit">Sign up</button>
        </form>
        <p class="links"><a id="sign-in-link" href="/login?{{query}}">I have an account</a></p>
        {{/body}}{{/layout}}
        """

    static let confirm = """
        {{<layout}}{{$title}}Confirm your account{{/title}}{{$heading}}Confirm your account{{/heading}}{{$body}}
        <p class="hint">The local pool sends no mail: the code is in its log, and <code>gatehouse users codes NAME</code> prints it.</p>
        <form method="post" action="/login/confirm?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" autocapitalize="none" required value="{{username}}">
        <label for="code">Confirmation code</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required autofocus>
        <button type="submit">Confirm</button>
        </form>
        <form method="post" action="/login/resend?{{query}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="username" value="{{username}}">
        <button type="submit" class="link" id="resend">Send a new code</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let forgot = """
        {{<layout}}{{$title}}Forgot your password{{/title}}{{$heading}}Reset your password{{/heading}}{{$body}}
        <form method="post" action="/login/forgot?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" autocapitalize="none" required value="{{username}}" autofocus>
        <button type="submit">Send a code</button>
        </form>
        <p class="links"><a id="sign-in-link" href="/login?{{query}}">Back to sign in</a></p>
        {{/body}}{{/layout}}
        """

    static let reset = """
        {{<layout}}{{$title}}Set a new password{{/title}}{{$heading}}Set a new password{{/heading}}{{$body}}
        <p class="hint">The local pool sends no mail: the code is in its log, and <code>gatehouse users codes NAME</code> prints it.</p>
        <form method="post" action="/login/reset?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" autocapitalize="none" required value="{{username}}">
        <label for="code">Code</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required autofocus>
        <label for="password">New password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required>
        <button type="submit">Set password</button>
        </form>
        {{/body}}{{/layout}}
        """

    static let errorPage = """
        {{<layout}}{{$title}}Sign-in error{{/title}}{{$heading}}Sign-in error{{/heading}}{{/layout}}
        """

    static let onward = """
        {{<layout}}{{$title}}Signing in{{/title}}{{$heading}}Signing you in{{/heading}}{{$body}}
        <p><a id="onward" href="{{onward}}">Continue to the app</a></p>
        {{/body}}{{/layout}}
        """
}
