import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import LocalPool

/// How the token endpoint reads a request (its form and its Basic header, each read on every
/// grant), and the shape of the ids every token carries.
struct TokenRequestReadingTests {
    /// The status of a client_credentials grant at `/oauth2/token` with `authorization`.
    func grant(authorization: String, body: String = "grant_type=client_credentials") async throws -> HTTPResponse.Status {
        let servers = ResourceServerTests()
        let (fixture, pool) = try await servers.setUp()
        let client = try await servers.machine(fixture, pool, scopes: ["https://api.example.com/read"])
        let secret = try #require(client.secret)
        let escaped = client.id.utf8.map { "%" + String($0, radix: 16, uppercase: true) }.joined()
        let header = authorization.replacing("PCTID", with: escaped).replacing("ID", with: client.id).replacing("SECRET", with: secret)
        let spelled = header.replacing(/B64\((.*?)\)/) { Data($0.output.1.utf8).base64EncodedString() }
        let app = Application(router: buildLocalPoolRouter(api: CognitoAPI(service: fixture.service)), logger: Logger(label: "test"))
        return try await app.test(.router) { http in
            try await http.execute(
                uri: "/oauth2/token",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .authorization: spelled],
                body: ByteBuffer(string: body)
            ).status
        }
    }

    @Test func basicCredentialsAreReadAsRFC7617AndRFC6749SpellThem() async throws {
        #expect(try await grant(authorization: "Basic B64(ID:SECRET)") == .ok)
        // The scheme is case-insensitive, and blanks around the credentials are allowed.
        #expect(try await grant(authorization: "bAsIc   B64(ID:SECRET)  ") == .ok)
        // RFC 6749 §2.3.1: each side form-encoded (the id spelled in escapes alone).
        #expect(try await grant(authorization: "Basic B64(PCTID:SECRET)") == .ok)
        // A wrong secret, one cut short, or a second colon's worth more.
        #expect(try await grant(authorization: "Basic B64(ID:SECRETx)") == .unauthorized)
        #expect(try await grant(authorization: "Basic B64(ID:)") == .unauthorized)
        #expect(try await grant(authorization: "Basic B64(ID:SECRET:)") == .unauthorized)
        // Not base64, not UTF-8, or no colon: no Basic credentials at all, so no client.
        for header in ["Basic !!!!", "Basic B64(IDSECRET)", "Basic /w==", "Bearer B64(ID:SECRET)", "Basic"] {
            #expect(try await grant(authorization: header) == .badRequest, "\(header)")
        }
    }

    @Test func formsAreReadWholeOrNotAtAll() {
        #expect(FormData.parse("a=1&b=two+words&c=%41%2b") == ["a": "1", "b": "two words", "c": "A+"])
        #expect(FormData.parse("") == [:])
        #expect(FormData.parse("a=&&b") == ["a": "", "b": ""])
        // Repeated, a broken escape, an escape that is not UTF-8: unreadable.
        for text in ["a=1&a=1", "a=%4", "a=%ZZ", "a=%FF", "%zz=1"] {
            #expect(FormData.parse(text) == nil, "\(text)")
        }
        // A NUL anywhere leaves its pair out (SQLite would cut the text there).
        #expect(FormData.parse("a=x%00y&b=1&c%00=2") == ["b": "1"])
        #expect(FormData.encode([("a b", "é/&=")]) == "a%20b=%C3%A9%2F%26%3D")
    }

    @Test func uuidsAreRandomVersionFourAndLowercase() throws {
        let ids = (0..<200).map { _ in Identifiers.uuid() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let groups = id.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
            #expect(groups == [8, 4, 4, 4, 12], "\(id)")
            #expect(id.allSatisfy { "0123456789abcdef-".contains($0) }, "\(id)")
            #expect(Array(id)[14] == "4", "\(id)")
            #expect("89ab".contains(Array(id)[19]), "\(id)")
            #expect(UUID(uuidString: id) != nil)
        }
    }
}
