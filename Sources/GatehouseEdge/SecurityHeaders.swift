import HTTPTypes
public import Hummingbird

/// Headers every response of every server carries, set here only: no sniffing, no framing, no
/// referrer (a route that set one itself keeps its own value). A page adds just what is its own
/// (its Content-Security-Policy).
@usableFromInline
enum SecurityHeaders {
    private static let frameOptions = HTTPField.Name("X-Frame-Options")!
    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    private static let fields = [
        HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: frameOptions, value: "DENY"),
        HTTPField(name: referrerPolicy, value: "no-referrer"),
    ]

    /// Adds the headers the response does not have yet.
    @usableFromInline
    static func apply(to response: inout Response) {
        for field in fields where response.headers[field.name] == nil {
            response.headers.append(field)
        }
    }
}
