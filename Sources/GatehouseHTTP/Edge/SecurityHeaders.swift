import HTTPTypes
import Hummingbird

/// Headers every API response carries: no sniffing, no framing, no referrer.
enum SecurityHeaders {
    private static let frameOptions = HTTPField.Name("X-Frame-Options")!
    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    static func apply(to response: inout Response) {
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[frameOptions] = "DENY"
        response.headers[referrerPolicy] = "no-referrer"
    }
}
