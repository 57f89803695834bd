import Foundation
import GatehouseCore
import Logging
import Synchronization
import Testing

struct TokenVerifierTests {
    let logger = Logger(label: "test")

    func verifier(
        tokenUse: AcceptedTokenUse = .any,
        leeway: Double = 0,
        now: Double = TestIssuer.now,
        keys: JSONWebKeySet = TestIssuer.jwks([(TestIssuer.keyA, "a"), (TestIssuer.keyB, "b")]),
        cache: VerifiedTokenCache? = nil
    ) -> TokenVerifier {
        TokenVerifier(
            configuration: TokenVerifierConfiguration(
                issuer: TestIssuer.issuer,
                clientIDs: [TestIssuer.clientID],
                tokenUse: tokenUse,
                clockLeeway: leeway
            ),
            keys: JWKSCache(fetcher: ClosureJWKSFetcher { _ in keys }, clock: .fixed(now)),
            clock: .fixed(now),
            cache: cache
        )
    }

    func rejects(
        _ token: String,
        _ code: TokenError.Code,
        verifier: TokenVerifier? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let error = await #expect(throws: TokenError.self, sourceLocation: sourceLocation) {
            try await (verifier ?? self.verifier()).verify(token, logger: logger)
        }
        #expect(error?.code == code, sourceLocation: sourceLocation)
    }

    @Test func acceptsIDToken() async throws {
        let token = TestIssuer.sign(claims: TestIssuer.idClaims())
        let verified = try await verifier().verify(token, logger: logger)
        #expect(verified.tokenUse == .id)
        #expect(verified.username == "alice")
        #expect(verified.clientID == TestIssuer.clientID)
        #expect(verified.claims["email"]?.stringValue == "alice@example.com")
    }

    @Test func acceptsAccessTokenSignedWithTheSecondKey() async throws {
        let token = TestIssuer.sign(header: #"{"kid":"b","alg":"RS256"}"#, claims: TestIssuer.accessClaims(), key: TestIssuer.keyB)
        let verified = try await verifier().verify(token, logger: logger)
        #expect(verified.tokenUse == .access)
        #expect(verified.username == "alice")
    }

    @Test func rejectsOversizedTokensBeforeParsing() async {
        await rejects(String(repeating: "a", count: 16 * 1024 + 1), .tooLarge)
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "..", "...", ".", "a.b.c.", ".a.b", "eyJhbGciOiJSUzI1NiJ9..sig"])
    func rejectsMalformedShapes(_ token: String) async {
        await rejects(token, .malformed)
    }

    @Test func rejectsNonCanonicalBase64() async {
        let token = TestIssuer.sign(claims: TestIssuer.idClaims())
        let parts = token.split(separator: ".").map(String.init)
        // Standard alphabet and padding are not base64url.
        let standard = parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if standard != parts[2] { await rejects("\(parts[0]).\(parts[1]).\(standard)", .malformed) }
        await rejects("\(parts[0]).\(parts[1])=.\(parts[2])", .malformed)
    }

    @Test(arguments: [
        #"{"kid":"a","alg":"none"}"#, #"{"kid":"a","alg":"HS256"}"#, #"{"kid":"a","alg":"RS512"}"#,
        #"{"kid":"a","alg":"PS256"}"#, #"{"kid":"a"}"#, #"{"kid":"a","alg":"rs256"}"#,
    ])
    func rejectsOtherAlgorithms(header: String) async {
        await rejects(TestIssuer.sign(header: header, claims: TestIssuer.idClaims()), .unsupportedAlgorithm)
    }

    @Test func rejectsCriticalHeaderExtensions() async {
        let header = #"{"kid":"a","alg":"RS256","crit":["exp"],"exp":1}"#
        await rejects(TestIssuer.sign(header: header, claims: TestIssuer.idClaims()), .malformed)
    }

    @Test func rejectsMissingKid() async {
        await rejects(TestIssuer.sign(header: #"{"alg":"RS256"}"#, claims: TestIssuer.idClaims()), .malformed)
    }

    @Test func unknownKidNeverFallsBackToAnotherKey() async {
        // Signed by key A, but naming a kid the JWKS does not have.
        let token = TestIssuer.sign(header: #"{"kid":"zzz","alg":"RS256"}"#, claims: TestIssuer.idClaims())
        await rejects(token, .unknownKey)
        // A JWKS holding only key A must not verify a token naming kid "b" either.
        let onlyA = verifier(keys: TestIssuer.jwks([(TestIssuer.keyA, "a")]))
        await rejects(TestIssuer.sign(header: #"{"kid":"b","alg":"RS256"}"#, claims: TestIssuer.idClaims()), .unknownKey, verifier: onlyA)
    }

    @Test func rejectsSignatureByTheWrongKey() async {
        let token = TestIssuer.sign(header: #"{"kid":"a","alg":"RS256"}"#, claims: TestIssuer.idClaims(), key: TestIssuer.keyB)
        await rejects(token, .badSignature)
    }

    @Test func rejectsPayloadSwappedUnderAValidSignature() async {
        let good = TestIssuer.sign(claims: TestIssuer.idClaims()).split(separator: ".")
        let other = TestIssuer.sign(claims: TestIssuer.idClaims(username: "mallory")).split(separator: ".")
        await rejects("\(good[0]).\(other[1]).\(good[2])", .badSignature)
    }

    @Test func rejectsWrongIssuer() async {
        let claims = TestIssuer.claims(
            TestIssuer.idClaims(),
            setting: "iss",
            to: #""https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1234""#
        )
        await rejects(TestIssuer.sign(claims: claims), .wrongIssuer)
        let trailing = TestIssuer.claims(TestIssuer.idClaims(), setting: "iss", to: "\"\(TestIssuer.issuer)/\"")
        await rejects(TestIssuer.sign(claims: trailing), .wrongIssuer)
        await rejects(TestIssuer.sign(claims: TestIssuer.claims(TestIssuer.idClaims(), removing: "iss")), .wrongIssuer)
    }

    @Test func rejectsTokenUseNotAccepted() async {
        await rejects(TestIssuer.sign(claims: TestIssuer.idClaims()), .wrongTokenUse, verifier: verifier(tokenUse: .access))
        await rejects(TestIssuer.sign(claims: TestIssuer.accessClaims()), .wrongTokenUse, verifier: verifier(tokenUse: .id))
        let refresh = TestIssuer.claims(TestIssuer.idClaims(), setting: "token_use", to: #""refresh""#)
        await rejects(TestIssuer.sign(claims: refresh), .wrongTokenUse)
        await rejects(TestIssuer.sign(claims: TestIssuer.claims(TestIssuer.idClaims(), removing: "token_use")), .wrongTokenUse)
    }

    @Test func rejectsOtherClients() async {
        let idOther = TestIssuer.claims(TestIssuer.idClaims(), setting: "aud", to: #""otherclient""#)
        await rejects(TestIssuer.sign(claims: idOther), .wrongClient)
        let accessOther = TestIssuer.claims(TestIssuer.accessClaims(), setting: "client_id", to: #""otherclient""#)
        await rejects(TestIssuer.sign(claims: accessOther), .wrongClient)
        // An ID token is judged by aud, not by a client_id claim it happens to carry.
        let idWithClientID = TestIssuer.claims(idOther, setting: "client_id", to: "\"\(TestIssuer.clientID)\"")
        await rejects(TestIssuer.sign(claims: idWithClientID), .wrongClient)
        // An access token has no aud; an aud claim does not stand in for client_id.
        let accessAudOnly = TestIssuer.claims(
            TestIssuer.claims(TestIssuer.accessClaims(), removing: "client_id"),
            setting: "aud",
            to: "\"\(TestIssuer.clientID)\""
        )
        await rejects(TestIssuer.sign(claims: accessAudOnly), .missingClaim)
    }

    @Test func rejectsExpiredTokensAndHonoursLeeway() async throws {
        let token = TestIssuer.sign(claims: TestIssuer.idClaims())
        let expiry = TestIssuer.now + 3600
        await rejects(token, .expired, verifier: verifier(now: expiry))
        await rejects(token, .expired, verifier: verifier(now: expiry + 1))
        _ = try await verifier(now: expiry - 1).verify(token, logger: logger)
        _ = try await verifier(leeway: 5, now: expiry + 4).verify(token, logger: logger)
        await rejects(token, .expired, verifier: verifier(leeway: 5, now: expiry + 5))
    }

    @Test func rejectsNotYetValidTokens() async throws {
        let claims = TestIssuer.claims(TestIssuer.idClaims(), setting: "nbf", to: String(Int(TestIssuer.now) + 30))
        await rejects(TestIssuer.sign(claims: claims), .notYetValid)
        // A token issued in the future (beyond the leeway, 0 here) is refused, as PyJWT and jose do.
        let future = TestIssuer.claims(TestIssuer.idClaims(), setting: "iat", to: String(Int(TestIssuer.now) + 30))
        await rejects(TestIssuer.sign(claims: future), .notYetValid)
        let stringIat = TestIssuer.claims(TestIssuer.idClaims(), setting: "iat", to: "\"0\"")
        await rejects(TestIssuer.sign(claims: stringIat), .malformed)
        _ = try await verifier(leeway: 30).verify(TestIssuer.sign(claims: claims), logger: logger)
        _ = try await verifier(leeway: 30).verify(TestIssuer.sign(claims: future), logger: logger)
    }

    @Test func rejectsMissingOrMistypedRequiredClaims() async {
        await rejects(TestIssuer.sign(claims: TestIssuer.claims(TestIssuer.idClaims(), removing: "exp")), .missingClaim)
        let stringExp = TestIssuer.claims(TestIssuer.idClaims(), setting: "exp", to: "\"\(Int(TestIssuer.now) + 60)\"")
        await rejects(TestIssuer.sign(claims: stringExp), .missingClaim)
        await rejects(TestIssuer.sign(claims: TestIssuer.claims(TestIssuer.idClaims(), removing: "sub")), .missingClaim)
        await rejects(TestIssuer.sign(claims: TestIssuer.claims(TestIssuer.idClaims(), removing: "cognito:username")), .missingClaim)
        await rejects(TestIssuer.sign(claims: TestIssuer.claims(TestIssuer.accessClaims(), removing: "username")), .missingClaim)
        let stringNbf = TestIssuer.claims(TestIssuer.idClaims(), setting: "nbf", to: "\"0\"")
        await rejects(TestIssuer.sign(claims: stringNbf), .malformed)
    }

    @Test func rejectsDuplicateClaims() async {
        // A second "cognito:username" must not shadow the first.
        var claims = TestIssuer.idClaims()
        claims.removeLast()
        claims += #","cognito:username":"mallory"}"#
        await rejects(TestIssuer.sign(claims: claims), .malformed)
    }

    @Test func cachedTokensStillExpire() async throws {
        let cache = VerifiedTokenCache(capacity: 10)
        let clock = ManualClock(TestIssuer.now)
        let keys = JWKSCache(fetcher: ClosureJWKSFetcher { _ in TestIssuer.jwks([(TestIssuer.keyA, "a")]) })
        let verifier = TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: TestIssuer.issuer, clientIDs: [TestIssuer.clientID]),
            keys: keys,
            clock: clock.wallClock,
            cache: cache
        )
        let token = TestIssuer.sign(claims: TestIssuer.idClaims())
        _ = try await verifier.verify(token, logger: logger)
        #expect(cache.count == 1)
        _ = try await verifier.verify(token, logger: logger)
        clock.advance(3600)
        let error = await #expect(throws: TokenError.self) { try await verifier.verify(token, logger: logger) }
        #expect(error?.code == .expired)
    }

    @Test func cacheIsBounded() async throws {
        let cache = VerifiedTokenCache(capacity: 4)
        let verifier = verifier(cache: cache)
        for index in 0..<10 {
            let claims = TestIssuer.claims(TestIssuer.idClaims(), setting: "jti", to: "\"\(index)\"")
            _ = try await verifier.verify(TestIssuer.sign(claims: claims), logger: logger)
            #expect(cache.count <= 4)
        }
    }
}

/// Cognito's `client_credentials` tokens: an access token with no `username`, whose `sub` is the
/// client id. Accepted as a client's own; anything else without a username is not.
struct ClientCredentialsTokenTests {
    let logger = Logger(label: "test")
    static let claims =
        #"{"sub":"\#(TestIssuer.clientID)","token_use":"access","scope":"https://api.example.com/read","auth_time":\#(Int(TestIssuer.now)),"iss":"\#(TestIssuer.issuer)","exp":\#(Int(TestIssuer.now) + 3600),"iat":\#(Int(TestIssuer.now)),"version":2,"jti":"j1","client_id":"\#(TestIssuer.clientID)"}"#

    func verifier() -> TokenVerifier {
        TokenVerifier(
            configuration: TokenVerifierConfiguration(issuer: TestIssuer.issuer, clientIDs: [TestIssuer.clientID]),
            keys: JWKSCache(fetcher: ClosureJWKSFetcher { _ in TestIssuer.jwks([(TestIssuer.keyA, "a")]) }),
            clock: .fixed(TestIssuer.now)
        )
    }

    func code(_ claims: String) async -> TokenError.Code? {
        do {
            _ = try await verifier().verify(TestIssuer.sign(claims: claims), logger: logger)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func aClientsOwnTokenIsAcceptedAsNoUsers() async throws {
        let token = try await verifier().verify(TestIssuer.sign(claims: Self.claims), logger: logger)
        #expect(token.isClientCredentials)
        #expect(token.subject == TestIssuer.clientID)
        #expect(token.username == "")
        let user = try await verifier().verify(TestIssuer.sign(claims: TestIssuer.accessClaims()), logger: logger)
        #expect(!user.isClientCredentials)
    }

    @Test func onlyThatShapeGoesWithoutAUsername() async {
        // A sub that is not the client: a user's token that lost its username.
        #expect(await code(TestIssuer.claims(Self.claims, setting: "sub", to: #""0d8f2a52-1111""#)) == .missingClaim)
        // An empty or mistyped username is no client's token either.
        #expect(await code(TestIssuer.claims(Self.claims, setting: "client_id", to: #""\#(TestIssuer.clientID)","username":"""#)) == .missingClaim)
        #expect(await code(TestIssuer.claims(Self.claims, setting: "client_id", to: #""\#(TestIssuer.clientID)","username":7"#)) == .missingClaim)
        // An ID token always names its user.
        let id = TestIssuer.claims(TestIssuer.idClaims(sub: TestIssuer.clientID), removing: "cognito:username")
        #expect(await code(id) == .missingClaim)
    }

    @Test func userinfoAnswersNoUserForIt() async throws {
        let service = UserInfoService(
            verifier: verifier(),
            directory: ClosureUserDirectory { name throws(DirectoryError) in
                Issue.record("the directory was asked for \(name)")
                throw DirectoryError(.userNotFound)
            },
            attributeNames: ["email"]
        )
        let error = await #expect(throws: GatehouseError.self) {
            try await service.userInfo(token: TestIssuer.sign(claims: Self.claims), logger: logger)
        }
        #expect(error?.code == .noUser)
    }
}
