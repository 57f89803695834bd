import GatehouseHTTP
import NIOCore
import NIOEmbedded
import NIOHTTP1

@testable import GatehouseTriggers

extension FuzzTargets {
    /// What a runtime process sends the pool's Lambda Runtime API, as the network might cut it,
    /// through NIO's HTTP/1.1 server pipeline and the pool's own handler on an embedded channel,
    /// as `serve --trigger` sets them up. Byte 0 is the read size (1 to 64 bytes); the rest is
    /// the requests, after which the runtime closes. Every answer is one the Runtime API gives
    /// (202, 400, 404, 413, 421), and no `next` poll outlives its connection.
    static let runtimeAPI: FuzzTarget = { bytes in
        guard let first = bytes.first else { return }
        let readSize = Int(first % 64) + 1
        let requests = Array(bytes.dropFirst())
        let function = LocalFunction(name: "fuzz", command: "unused")
        let server = RuntimeAPIServer(function: function, slot: 0, region: "us-east-1", logger: quiet)
        let channel = EmbeddedChannel()
        try! channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
        let allowed = AllowedHosts.listening(host: "127.0.0.1", port: 9001)
        try! channel.pipeline.syncOperations.addHandler(RuntimeAPIHandler(server: server, allowed: allowed))
        try! channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        var offset = 0
        var answers: [UInt8] = []
        while offset < requests.count && channel.isActive {
            let end = min(offset + readSize, requests.count)
            _ = try? channel.writeInbound(ByteBuffer(bytes: requests[offset..<end]))
            channel.embeddedEventLoop.run()
            while let part = try? channel.readOutbound(as: ByteBuffer.self) { answers += Array(buffer: part) }
            offset = end
        }
        _ = try? channel.close().wait()
        _ = try? channel.finish(acceptAlreadyClosed: true)
        precondition(function.waitingPolls == 0, "a next poll outlived its connection")
        for status in statuses(in: answers) {
            precondition(["202", "400", "404", "413", "421"].contains(status), "answered \(status)")
        }
    }

    /// The status codes of the HTTP/1.1 answers in `bytes` (their bodies are the handler's JSON).
    static func statuses(in bytes: [UInt8]) -> [String] {
        let marker = Array("HTTP/1.1 ".utf8)
        var found: [String] = []
        var index = 0
        while index + marker.count + 3 <= bytes.count {
            if bytes[index..<index + marker.count].elementsEqual(marker) {
                found.append(String(decoding: bytes[index + marker.count..<index + marker.count + 3], as: UTF8.self))
                index += marker.count
            } else {
                index += 1
            }
        }
        return found
    }
}
