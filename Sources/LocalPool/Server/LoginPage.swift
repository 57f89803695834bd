import Foundation

/// The hosted login page: an accessible HTML form rendered from one template, every value escaped.
enum LoginPage {
    static let template = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sign in · Gatehouse local pool</title>
        <style nonce="{{nonce}}">
        body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d1f23; margin: 0; }
        main { max-width: 22rem; margin: 10vh auto; background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
        h1 { font-size: 1.4rem; margin: 0 0 1.25rem; }
        label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
        input { width: 100%; box-sizing: border-box; padding: .6rem .7rem; font: inherit; border: 1px solid #8a9099; border-radius: 6px; }
        input:focus, button:focus { outline: 3px solid #2563eb; outline-offset: 1px; }
        button { margin-top: 1.5rem; width: 100%; padding: .7rem; font: inherit; font-weight: 600; color: #fff; background: #1d4ed8; border: 0; border-radius: 6px; cursor: pointer; }
        .error { color: #9b1c1c; background: #fdecec; border: 1px solid #f5b5b5; padding: .6rem .8rem; border-radius: 6px; }
        .client { color: #555b66; font-size: .9rem; margin-top: 1.5rem; }
        </style>
        </head>
        <body>
        <main>
        <h1>Sign in</h1>
        {{error}}
        <form method="post" action="/login?{{query}}" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" autocapitalize="none" required value="{{username}}" autofocus>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        <p class="client">Signing in to {{client}}</p>
        </main>
        </body>
        </html>
        """

    static func render(query: String, csrf: String, nonce: String, client: String, username: String, error: String?) -> String {
        let errorBlock = error.map { #"<p class="error" role="alert" id="login-error">\#(escape($0))</p>"# } ?? ""
        return fill(
            template,
            with: [
                "nonce": escape(nonce), "error": errorBlock, "query": escape(query), "csrf": escape(csrf),
                "username": escape(username), "client": escape(client),
            ]
        )
    }

    /// Replaces each `{{name}}` in one pass, so text inserted for one placeholder is never read as another.
    static func fill(_ template: String, with values: [String: String]) -> String {
        var output = ""
        var rest = template[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            output += rest[..<open.lowerBound]
            let name = String(rest[open.upperBound..<close.lowerBound])
            output += values[name] ?? ""
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// A plain error page (unknown client, unregistered redirect).
    static func errorPage(_ message: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
        <body><main><h1>Sign-in error</h1><p role="alert">\(escape(message))</p></main></body></html>
        """
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
