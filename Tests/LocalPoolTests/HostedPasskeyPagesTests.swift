import Foundation
import Testing

@testable import LocalPool

/// The passkey pages as rendered: the options travel HTML-escaped in an attribute (never inside
/// the script), the one script carries the page's nonce, and each passkey has its own form.
struct HostedPasskeyPagesTests {
    @Test func theOptionsAreEscapedIntoAnAttributeAndTheScriptCarriesTheNonce() {
        let options = #"{"challenge":"</script><script>alert(1)</script>","rpId":"localhost"}"#
        let html = HostedPages.render("passkey", ["nonce": "N0nce", "csrf": "T", "session": "S", "options": options, "username": "ada"])
        #expect(html.contains(#"data-options="{&quot;challenge&quot;:&quot;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;"#))
        #expect(!html.contains("<script>alert(1)"))
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(html.contains(#"<script nonce="N0nce">"#))
        #expect(html.contains(#"data-ceremony="get""#) && html.contains(#"action="/login/passkey/verify?"#))
    }

    @Test func eachPasskeyHasItsOwnRemoveFormAndTheListSaysWhenThereIsNone() {
        let passkeys: [[String: Any]] = [
            ["index": 1, "id": "cred-one", "label": "Security key cred-one…", "created": "2026-12-07"],
            ["index": 2, "id": "cred-two", "label": "Passkey cred-two…", "created": "2026-12-07"],
        ]
        let html = HostedPages.render("passkeys", ["nonce": "N", "csrf": "T0ken", "query": "client_id=c", "username": "ada", "passkeys": passkeys])
        #expect(html.contains(#"id="remove-passkey-1""#) && html.contains(#"id="remove-passkey-2""#))
        #expect(html.contains(#"name="credential_id" value="cred-two""#))
        #expect(html.components(separatedBy: #"name="_csrf" value="T0ken""#).count == 4)  // two removals and the add form
        #expect(!html.contains("no-passkeys") && !html.contains("<script"))
        let empty = HostedPages.render("passkeys", ["nonce": "N", "csrf": "T", "query": "q", "username": "ada", "passkeys": [[String: Any]]()])
        #expect(empty.contains(#"id="no-passkeys""#))
    }
}
