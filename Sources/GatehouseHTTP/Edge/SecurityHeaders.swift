import HTTPTypes
import Hummingbird

/// Headers every API response carries: no sniffing, no framing, no referrer.
enum SecurityHeaders {
    private static let frameOptions = HTTPField.Name("X-Frame-Options")!
    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    private static let fields = [
        HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: frameOptions, value: "DENY"),
        HTTPField(name: referrerPolicy, value: "no-referrer"),
    ]

    /// Adds the headers; routes never set these themselves, so appending cannot duplicate them.
    static func apply(to response: inout Response) {
        response.headers.append(contentsOf: fields)
    }
}
