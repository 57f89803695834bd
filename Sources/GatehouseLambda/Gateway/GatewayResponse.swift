import GatehouseCore
public import HTTPTypes
public import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes a response in the shape API Gateway expects back from a proxy integration.
public enum GatewayResponse {
    /// The proxy response for `status`, `headers` and `body` in `format`:
    ///
    /// - REST (v1): `headers` for names that occur once, `multiValueHeaders` for repeated ones;
    /// - HTTP API (v2): `headers` (repeated values comma-joined) and `Set-Cookie` as `cookies`.
    ///
    /// Text bodies (JSON, text, XML, JavaScript) are sent as they are; anything else as base64.
    public static func encode(
        status: Int,
        headers: HTTPFields,
        body: ByteBuffer,
        format: GatewayRequest.Format
    ) -> ByteBuffer {
        var names: [HTTPField.Name] = []
        var values: [HTTPField.Name: [String]] = [:]
        for field in headers {
            if values[field.name] == nil { names.append(field.name) }
            values[field.name, default: []].append(field.value)
        }
        var writer = JSONWriter()
        writer.add("statusCode", status)
        switch format {
        case .restV1:
            var single = JSONWriter()
            var multiple = JSONWriter()
            var hasMultiple = false
            for name in names {
                let list = values[name]!
                if list.count == 1 {
                    single.add(name.rawName, list[0])
                } else {
                    multiple.add(name.rawName, list)
                    hasMultiple = true
                }
            }
            writer.add("headers", json: single.finish())
            if hasMultiple { writer.add("multiValueHeaders", json: multiple.finish()) }
        case .httpV2:
            var single = JSONWriter()
            var cookies: [String] = []
            for name in names {
                if name == .setCookie {
                    cookies = values[name]!
                } else {
                    single.add(name.rawName, values[name]!.joined(separator: ", "))
                }
            }
            writer.add("headers", json: single.finish())
            if !cookies.isEmpty { writer.add("cookies", cookies) }
        }
        let bytes = body.readableBytesView
        if bytes.isEmpty || isText(headers[.contentType]), let text = String(validating: bytes, as: UTF8.self) {
            writer.add("body", text)
            writer.add("isBase64Encoded", false)
        } else {
            writer.add("body", Data(bytes).base64EncodedString())
            writer.add("isBase64Encoded", true)
        }
        return ByteBuffer(bytes: writer.finish())
    }

    /// Whether a body of `contentType` is text that API Gateway can carry as a JSON string.
    static func isText(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = String(contentType.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }).lowercased()
        return type.hasPrefix("text/") || type == "application/json" || type.hasSuffix("+json") || type == "application/javascript"
            || type == "application/xml" || type.hasSuffix("+xml")
    }
}
