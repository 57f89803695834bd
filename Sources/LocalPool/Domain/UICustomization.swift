import GatehouseCore

/// A pool's classic hosted-UI customization (SetUICustomization): CSS and a logo, for one app
/// client or for every client (`ALL`), shown on the hosted pages.
public struct UICustomization: Codable, Sendable, Equatable {
    /// The CSS, added after the pages' own styles.
    public var css: String?
    /// The logo's bytes (PNG or JPEG).
    public var image: [UInt8]?
    /// When it was first set (seconds since 1970).
    public var createdAt: Double
    /// When it last changed.
    public var updatedAt: Double

    /// The logo as a `data:` URL (its media type from its first bytes), or nil without one.
    public var imageURL: String? {
        guard let image else { return nil }
        let type = image.starts(with: [0x89, 0x50, 0x4E, 0x47]) ? "image/png" : "image/jpeg"
        return "data:\(type);base64," + Base64URL.encodeStandard(image)
    }
}

/// Cognito's limits on a customization, and what keeps it inside the page's `<style>`.
enum UICustomizationRules {
    /// The key of the customization every client without its own gets.
    static let allClients = "ALL"
    /// CSS of at most this many characters.
    static let cssLimit = 131_072
    /// A logo of at most 100 KB.
    static let imageLimit = 100 * 1024

    static func check(css: String?, image: [UInt8]?) throws(LocalPoolError) {
        if let css {
            guard css.count <= cssLimit else { throw .invalidParameter("CSS must be at most \(cssLimit) characters.") }
            // Inside <style>, only `</style` could end the element: no `<` at all keeps the CSS CSS.
            guard !css.contains("<") else { throw .invalidParameter("CSS may not contain '<'.") }
        }
        if let image {
            guard image.count <= imageLimit else { throw .invalidParameter("The image file must be at most 100 KB.") }
            guard image.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) || image.starts(with: [0xFF, 0xD8, 0xFF]) else {
                throw .invalidParameter("The image file must be a PNG or a JPEG.")
            }
        }
    }
}
