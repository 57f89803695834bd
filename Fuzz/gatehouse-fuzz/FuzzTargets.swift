import Foundation
import GatehouseAWS
import GatehouseCore
import GatehouseEdge
import GatehouseHTTP
import GatehouseLambda
import GatehouseSessions
import HTTPTypes
import LocalPool
import Logging
import NIOCore
import Synchronization

/// One fuzz target: takes any bytes, must not crash, hang or leak.
typealias FuzzTarget = @Sendable (UnsafeRawBufferPointer) -> Void

enum FuzzTargets {
    nonisolated(unsafe) static var selected: FuzzTarget = { _ in }

    static let all: [String: FuzzTarget] = [
        "jws": jws,
        "jwks": jwks,
        "gateway-event": gatewayEvent,
        "form": form,
        "cognito-api": cognitoAPI,
        "sigv4": sigv4,
        "session": session,
        "proxy": proxy,
        "upstream-answer": upstreamAnswer,
        "authorizer-event": authorizerEvent,
        "user-import": userImport,
        "upstream-id-token": upstreamIDToken,
        "trigger-response": triggerResponse,
        "webauthn": webAuthn,
        "runtime-api": runtimeAPI,
    ]

    /// Logs cost time and say nothing a crash would not.
    static let quiet = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

    static func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The `Authorization` header through to the claim rules (the signature cannot be forged by
    /// a fuzzer, so the rules run on whatever the payload holds, as if it had been signed).
    static let verifier = TokenVerifier(
        configuration: TokenVerifierConfiguration(issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123", clientIDs: ["client"]),
        keys: JWKSCache(fetcher: ClosureJWKSFetcher { _ in JSONWebKeySet(keys: [:]) })
    )

    static let jws: FuzzTarget = { bytes in
        guard let token = BearerToken.parse(text(bytes)) else { return }
        guard let parsed = try? CompactJWS(token) else { return }
        _ = Base64URL.decode(token)
        if let claims = try? JSONParser.parse(parsed.payload).objectValue {
            _ = try? verifier.checkClaims(claims, now: 1_800_000_000)
        }
    }

    /// What the token handler reads from a browser or an operator, split at NUL bytes: the page
    /// URL of `/auth/login/end`, checked by ``SessionService/loginAnswer`` (what `endLogin` runs
    /// before the code exchange) on a login just started (its `state` stands in for `$STATE`, so
    /// inputs reach past the state check), a cookie value (unsealed with a fixed key, then read
    /// as session tokens), and a value of every session variable.
    static let sessionKeys = try! SessionKeys(parsing: String(repeating: "A", count: 43))
    /// A token handler of its own for each input (what one input leaves behind, a used state,
    /// goes with it, so libFuzzer sees no growth to scan for leaks), on a fixed clock.
    static func sessions() -> SessionService {
        SessionService(
            settings: SessionSettings(
                endpoints: OAuthEndpoints(domain: "https://login.example.com"),
                clientID: "client1",
                clientSecret: "secret",
                redirectURI: "https://app.example.com/"
            ),
            store: MemorySessionStore(),
            keys: sessionKeys,
            oauth: OAuthClient(
                endpoints: OAuthEndpoints(domain: "https://login.example.com"),
                clientID: "client1",
                clientSecret: "secret",
                transport: ClosureAWSTransport { _ in throw CancellationError() },
                retryPolicy: RetryPolicy(maximumAttempts: 1)
            ),
            idTokens: verifier,
            clock: WallClock { 1_800_000_000 }
        )
    }
    /// A page URL the hosted login could have sent the browser to: what a mutation is spliced into.
    static let answeredPage = "https://app.example.com/?code=abc&state=$STATE"

    /// The page URL of an input's first part: taken whole when it starts with `https://`, else
    /// spliced into ``answeredPage`` at the offset its first byte picks (so one `#` in the right
    /// place is a two-byte input away).
    static func pageURL(_ part: ArraySlice<UInt8>) -> String {
        let text = String(decoding: part, as: UTF8.self)
        guard !text.hasPrefix("https://"), let first = part.first else { return text }
        var template = Array(answeredPage.utf8)
        template.insert(contentsOf: part.dropFirst(), at: Int(first) % (template.count + 1))
        return String(decoding: template, as: UTF8.self)
    }

    static let session: FuzzTarget = { bytes in
        let raw = Array(bytes).split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        let parts = raw.map { String(decoding: $0, as: UTF8.self) }
        let sessions = sessions()
        let login = sessions.startLogin(origin: nil)
        let state = URLReference(login.authorizationURL).query.flatMap { URLEncoding.query(Substring($0)) }?.first { $0.0 == "state" }?.1 ?? ""
        let page = pageURL(raw[0]).replacingOccurrences(of: "$STATE", with: state)
        // endLogin's checks of what the browser sent, up to the code exchange (synchronous, so
        // no task per input: libFuzzer would take the task's late free for a leak and scan).
        _ = try? sessions.loginAnswer(pageURL: page, loginID: login.loginID, origin: nil, loginCookie: login.loginCookie, now: 1_800_000_000)
        if parts.count > 1 {
            let cookie = parts[1]
            _ = SessionRecord.id(forCookie: cookie)
            if let sealed = Base64URL.decode(cookie), let plain = sessionKeys.open(sealed, purpose: "gatehouse-session-v1") {
                _ = SessionTokens(decoding: plain)
            }
            _ = SessionTokens(decoding: Array(cookie.utf8))
            _ = try? SessionKeys(parsing: cookie)
        }
        if parts.count > 2 {
            var environment = [
                "GATEHOUSE_OAUTH_CLIENT_ID": "client1", "GATEHOUSE_OAUTH_DOMAIN": "https://login.example.com",
                "GATEHOUSE_OAUTH_REDIRECT_URI": "https://app.example.com/",
            ]
            for name in ["GATEHOUSE_OAUTH_SCOPES", "GATEHOUSE_SESSION_STORE", "GATEHOUSE_SESSION_IDLE_TIMEOUT", "GATEHOUSE_SESSION_MAX_AGE"] {
                environment[name] = parts[2]
            }
            _ = try? SessionSettings.from(environment)
        }
    }

    static let jwks: FuzzTarget = { bytes in
        _ = try? JSONWebKeySet(json: Array(bytes))
    }

    static let gatewayEvent: FuzzTarget = { bytes in
        _ = try? GatewayRequest.decode(ByteBuffer(bytes: bytes))
    }

    /// An API Gateway authorizer event, as the authorizer reads it first; the policy resource
    /// made from its `methodArn` is never wider than the ARN's API and stage.
    static let authorizerEvent: FuzzTarget = { bytes in
        guard let event = try? AuthorizerEvent.decode(ByteBuffer(bytes: bytes)) else { return }
        guard case .restV1(let methodARN) = event.format, let resource = AuthorizerEvent.apiResource(of: methodARN) else { return }
        precondition(resource.hasSuffix("/*/*") && methodARN.hasPrefix(String(resource.dropLast(3))), "a policy wider than the API and stage")
    }

    /// A token request as `/oauth2/token` reads it: the form body, then after the first line
    /// break an `Authorization` header.
    static let form: FuzzTarget = { bytes in
        let input = text(bytes)
        let body = input.prefix { $0 != "\n" }
        _ = FormData.parse(String(body))
        let header = String(input.dropFirst(body.count + 1))
        if let (id, secret) = OAuthRoutes.basicCredentials(header) {
            // Base64 spells n bytes in at least 4n/3 characters, and percent escapes only shrink.
            precondition(header.utf8.count >= 6 + (id.utf8.count + secret.utf8.count + 1) * 4 / 3, "credentials longer than the header held")
        }
    }

    static let sigv4: FuzzTarget = { bytes in
        // Lines: path, query ("a=b&c"), then header lines "Name: value" (an Authorization among them).
        let lines = text(bytes).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let path = lines.first ?? "/"
        let query = (lines.count > 1 ? lines[1] : "").split(separator: "&").map { pair -> (name: String, value: String) in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
        }
        let headers = lines.dropFirst(2).compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        let signer = SigV4Signer(service: "cognito-idp", region: "us-east-1")
        let request = SigV4Signer.Request(method: "POST", host: "127.0.0.1:9229", path: path, query: query, headers: headers, body: Array(bytes))
        _ = signer.sign(request, credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"), date: 1_800_000_000)
        let verifier = SigV4Verifier(
            service: "cognito-idp",
            region: "us-east-1",
            secrets: ["AKID": "secret"],
            requiredSignedHeaders: SigV4Verifier.jsonProtocolHeaders
        )
        try? verifier.verify(method: "POST", path: path, query: query, headers: headers, body: Array(bytes), now: 1_800_000_000)
    }

    /// The proxy's outside input, as lines: the request path's rest after the prefix (joined to
    /// the base, or refused), then the client's header lines `Name: value` (filtered for the
    /// upstream), and the same lines as an upstream's answer (filtered for the browser); the
    /// first line also goes in as an `--upstream` pair.
    static let proxy: FuzzTarget = { bytes in
        let lines = text(bytes).split(separator: "\n", omittingEmptySubsequences: false)
        let rest = lines.first ?? ""
        if let joined = ProxyPath.join(base: "/v1/", rest: rest) {
            // Whatever is let through stays under the base (bytes: a combining mark after the
            // base's `/` would make one character of the two).
            precondition(joined.utf8.starts(with: "/v1/".utf8))
        }
        var headers = HTTPFields()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { continue }
            headers.append(HTTPField(name: name, value: String(line[line.index(after: colon)...].trimmingASCIIWhitespace())))
        }
        let forwarding = ProxyHeaders.Forwarding(accessToken: "t", sub: "s", username: "u", groups: ["g"], clientAddress: "127.0.0.1", host: "h")
        let upstream = ProxyHeaders.upstream(headers, forwarding: forwarding)
        precondition(upstream[values: HTTPField.Name("X-Gatehouse-Sub")!] == ["s"])
        // None of our cookies goes upstream, whatever the spacing.
        precondition(upstream[values: .cookie].allSatisfy { $0.split(separator: ";").allSatisfy { !ProxyHeaders.isOurs(cookie: $0) } })
        _ = ProxyHeaders.downstream(headers)
        _ = try? ProxySettings.parse(upstreams: [String(rest)])
        // On the wire: one line per field and one blank line at the end, whatever the values held.
        let target = "/v1/" + rest
        guard UpstreamRequest.isValidTarget(target) else { return }
        let request = UpstreamRequest(method: .get, target: target, host: "h", fields: upstream, framing: .none)
        let head = Array(request.head(allocator: ByteBufferAllocator()).readableBytesView)
        let wire = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        precondition(wire.count == upstream.count + 4, "a field split into lines or merged")
        precondition(wire.dropLast().allSatisfy { $0.last == UInt8(ascii: "\r") && !$0.dropLast().contains(UInt8(ascii: "\r")) })
        precondition(wire[wire.count - 2].elementsEqual([UInt8(ascii: "\r")]) && wire.last!.isEmpty)
    }
}
