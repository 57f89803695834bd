import Foundation
import GatehouseHTTP
import Logging
import Testing

struct LogHandlerTests {
    @Test func jsonLinesCarryMessageLevelAndMetadata() throws {
        var handler = GatehouseLogHandler(label: "gatehouse", format: .json, logLevel: .info)
        handler[metadataKey: "gatehouse.request_id"] = "req-1"
        let line = handler.render(level: .warning, message: "gatehouse.jwks.fetch_failed", metadata: handler.metadata.merging(["k": "a\"b"]) { $1 })
        #expect(line.hasSuffix("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "WARNING")
        #expect(object["message"] == "gatehouse.jwks.fetch_failed")
        #expect(object["gatehouse.request_id"] == "req-1")
        #expect(object["k"] == "a\"b")
        #expect(object["timestamp"]?.hasSuffix("Z") == true)
    }

    @Test func plainLinesAreSortedKeyValues() {
        let handler = GatehouseLogHandler(label: "gatehouse", format: .plain)
        let line = handler.render(level: .info, message: "hello", metadata: ["b": "2", "a": "1"])
        #expect(line.contains(" info gatehouse: hello a=1 b=2\n"))
    }
}
