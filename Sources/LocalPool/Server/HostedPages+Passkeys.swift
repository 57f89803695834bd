/// The hosted login's passkey pages: the sign-in ceremony (`navigator.credentials.get`), the
/// signed-in user's passkeys, and adding one (`navigator.credentials.create`). Both ceremonies run
/// one script, under the page's nonce, that turns the options' base64url into bytes, asks the
/// browser, and posts the answer as JSON in the page's form.
extension HostedPages {
    static let passkeyTemplates: [String: String] = [
        "passkey": passkey, "passkeys": passkeys, "passkey-add": passkeyAdd, "ceremony": ceremony,
    ]

    /// The pages that run the ceremony's script.
    static let passkeyCeremonies: Set<String> = ["passkey", "passkey-add"]

    static let passkey = """
        {{<layout}}{{$title}}Passkey{{/title}}{{$heading}}Sign in with a passkey{{/heading}}{{$body}}
        <p class="hint">Your browser asks for the passkey of <strong id="passkey-user">{{username}}</strong>.</p>
        <form method="post" action="/login/passkey/verify?{{query}}" id="ceremony" data-ceremony="get" data-options="{{options}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="session" value="{{session}}">
        <input type="hidden" name="credential" value="">
        </form>
        {{>ceremony}}
        <p class="links"><a id="sign-in-link" href="/login?{{query}}">Sign in another way</a></p>
        {{/body}}{{/layout}}
        """

    static let passkeys = """
        {{<layout}}{{$title}}Passkeys{{/title}}{{$heading}}Your passkeys{{/heading}}{{$body}}
        <p class="hint">Signed in as <strong id="passkeys-user">{{username}}</strong>. A passkey signs you in without your password.</p>
        <ul class="passkeys" id="passkey-list">
        {{#passkeys}}<li id="passkey-{{index}}"><span class="passkey-label">{{label}}</span> <span class="hint">added {{created}}</span>
        <form method="post" action="/login/passkeys/delete?{{query}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="credential_id" value="{{id}}">
        <button type="submit" class="link" id="remove-passkey-{{index}}">Remove</button>
        </form></li>{{/passkeys}}
        </ul>
        {{^passkeys}}<p id="no-passkeys">You have no passkeys yet.</p>{{/passkeys}}
        <form method="post" action="/login/passkeys/add?{{query}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" id="add-passkey">Add a passkey</button>
        </form>
        <p class="links"><a id="continue-link" href="/oauth2/authorize?{{query}}">Continue to the app</a></p>
        {{/body}}{{/layout}}
        """

    static let passkeyAdd = """
        {{<layout}}{{$title}}Add a passkey{{/title}}{{$heading}}Add a passkey{{/heading}}{{$body}}
        <p class="hint">Your browser asks where to keep a passkey for <strong id="passkey-user">{{username}}</strong>.</p>
        <form method="post" action="/login/passkeys/add/complete?{{query}}" id="ceremony" data-ceremony="create" data-options="{{options}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="credential" value="">
        </form>
        {{>ceremony}}
        <p class="links"><a id="passkeys-link" href="/login/passkeys?{{query}}">Back to your passkeys</a></p>
        {{/body}}{{/layout}}
        """

    /// The ceremony of the page's `#ceremony` form (`data-ceremony`: `get` or `create`), run once
    /// the page loads and again from "Try again"; a refusal (no passkey, another relying party, no
    /// user verification) is shown with the browser's error name.
    static let ceremony = """
        <p class="error" role="alert" id="ceremony-error" hidden></p>
        <button type="button" id="ceremony-retry" hidden>Try again</button>
        <script nonce="{{nonce}}">
        (() => {
          const form = document.getElementById('ceremony');
          const failure = document.getElementById('ceremony-error');
          const retry = document.getElementById('ceremony-retry');
          const bytes = (text) => {
            const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
            return Uint8Array.from(atob(base64 + '='.repeat((4 - base64.length % 4) % 4)), (c) => c.charCodeAt(0));
          };
          const text = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
            .replace(/[+]/g, '-').replace(/[/]/g, '_').replace(/=+$/, '');
          const withIDs = (list) => (list || []).map((entry) => Object.assign({}, entry, { id: bytes(entry.id) }));
          async function answer(options) {
            if (form.dataset.ceremony === 'create') {
              const publicKey = Object.assign({}, options, {
                challenge: bytes(options.challenge),
                user: Object.assign({}, options.user, { id: bytes(options.user.id) }),
                excludeCredentials: withIDs(options.excludeCredentials),
              });
              const credential = await navigator.credentials.create({ publicKey });
              const response = credential.response;
              return [credential, {
                clientDataJSON: text(response.clientDataJSON),
                attestationObject: text(response.attestationObject),
                transports: response.getTransports ? response.getTransports() : [],
              }];
            }
            const publicKey = Object.assign({}, options, {
              challenge: bytes(options.challenge),
              allowCredentials: withIDs(options.allowCredentials),
            });
            const credential = await navigator.credentials.get({ publicKey });
            const response = credential.response;
            return [credential, {
              clientDataJSON: text(response.clientDataJSON),
              authenticatorData: text(response.authenticatorData),
              signature: text(response.signature),
              userHandle: response.userHandle ? text(response.userHandle) : null,
            }];
          }
          async function run() {
            failure.hidden = true;
            retry.hidden = true;
            try {
              const [credential, response] = await answer(JSON.parse(form.dataset.options));
              form.elements.credential.value = JSON.stringify({
                id: credential.id, rawId: text(credential.rawId), type: credential.type, response,
                clientExtensionResults: credential.getClientExtensionResults(),
                authenticatorAttachment: credential.authenticatorAttachment,
              });
              form.submit();
            } catch (error) {
              failure.textContent = 'Your passkey did not answer (' + error.name + '). Try again, or go back.';
              failure.hidden = false;
              retry.hidden = false;
            }
          }
          retry.addEventListener('click', run);
          run();
        })();
        </script>
        """
}
