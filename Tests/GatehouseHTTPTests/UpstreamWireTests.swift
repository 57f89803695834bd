import HTTPTypes
import NIOCore
import Testing

@testable import GatehouseHTTP

/// The proxy client's own wire rules: where an upstream URL connects, which targets may be sent,
/// and the request head's bytes.
struct UpstreamWireTests {
    @Test(arguments: [
        ("http", "127.0.0.1:7001", false, "127.0.0.1", 7001),
        ("http", "api.internal", false, "api.internal", 80),
        ("https", "api.internal", true, "api.internal", 443),
        ("https", "[::1]:8443", true, "::1", 8443),
        ("http", "[::1]", false, "::1", 80),
    ])
    func originsNameHostAndPort(scheme: String, authority: String, tls: Bool, host: String, port: Int) throws {
        let origin = try #require(UpstreamOrigin(scheme: scheme, authority: authority))
        #expect(origin.tls == tls && origin.host == host && origin.port == port)
    }

    @Test(arguments: [
        ("ftp", "a"), ("http", ""), ("http", "a:"), ("http", "a:0"), ("http", "a:65536"), ("http", "a:99999999999999999999"),
        ("http", "[::1"), ("http", "[::1]x"), ("http", "a:-1"),
    ])
    func malformedOriginsAreRefused(scheme: String, authority: String) {
        #expect(UpstreamOrigin(scheme: scheme, authority: authority) == nil, "\(scheme)://\(authority)")
    }

    @Test(arguments: ["/v1/a b", "/v1/\r\nX: y", "/v1/\u{0}", "/v1/\u{7f}", "v1/", "", "/v1/é"])
    func targetsThatWouldSplitTheRequestLineAreRefused(target: String) {
        #expect(!UpstreamRequest.isValidTarget(target))
    }

    @Test func theHeadIsTheRequestLineHostFieldsAndFraming() {
        let fields: HTTPFields = [.accept: "application/json", .authorization: "Bearer t"]
        let request = UpstreamRequest(method: .post, target: "/v1/items?x=%20", host: "127.0.0.1:7001", fields: fields, framing: .length(12))
        let head = String(buffer: request.head(allocator: ByteBufferAllocator()))
        #expect(
            head
                == "POST /v1/items?x=%20 HTTP/1.1\r\nHost: 127.0.0.1:7001\r\nAccept: application/json\r\nAuthorization: Bearer t\r\nContent-Length: 12\r\n\r\n"
        )
        let chunked = UpstreamRequest(method: .put, target: "/", host: "h", fields: [:], framing: .chunked)
        #expect(String(buffer: chunked.head(allocator: ByteBufferAllocator())) == "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(!UpstreamRequest(method: .post, target: "/", host: "h", fields: [:], framing: .length(0)).hasBody)
        #expect(!UpstreamRequest(method: .get, target: "/", host: "h", fields: [:], framing: .none).hasBody)
    }

    @Test func aFieldValueWithALineBreakCannotAddALine() {
        // HTTPFields turns the break into spaces before the head is written.
        let fields: HTTPFields = [HTTPField.Name("X-App")!: "a\r\nInjected: yes"]
        let head = String(
            buffer: UpstreamRequest(method: .get, target: "/", host: "h", fields: fields, framing: .none).head(allocator: ByteBufferAllocator())
        )
        #expect(!head.contains("\r\nInjected"))
        #expect(head.split(separator: "\r\n", omittingEmptySubsequences: false).count == 5)
    }
}
