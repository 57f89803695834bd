import Foundation
public import GatehouseCore

/// A managed login branding style (CreateManagedLoginBranding): the branding editor's settings
/// and image assets, assigned to one app client and shown on its hosted pages.
public struct ManagedLoginBrandingRecord: Codable, Sendable, Equatable {
    /// `ManagedLoginBrandingId`: a UUID.
    public var brandingId: String
    /// The pool.
    public var poolId: String
    /// The client whose pages it styles (one style per client).
    public var clientId: String
    /// `UseCognitoProvidedValues`: Cognito's default style, nothing of its own.
    public var useCognitoProvidedValues: Bool
    /// `Settings`: the style's JSON document, as given (nil: none).
    public var settings: BrandingSettings?
    /// `Assets`: images by category and color mode.
    public var assets: [BrandingAsset]
    /// When it was created (seconds since 1970).
    public var createdAt: Double
    /// When it last changed.
    public var updatedAt: Double
}

/// A style's settings document, wrapped in an object so that every store keeps it as JSON.
public struct BrandingSettings: Codable, Sendable, Equatable {
    /// The document (a JSON object).
    public var document: JSONValue
}

/// Cognito's `AssetType`: an image for one role (a logo, a background, an icon) and color mode.
public struct BrandingAsset: Codable, Sendable, Equatable {
    /// `Category`: `FORM_LOGO`, `PAGE_BACKGROUND`, `FAVICON_ICO`, ….
    public var category: String
    /// `ColorMode`: `LIGHT`, `DARK` or `DYNAMIC`.
    public var colorMode: String
    /// `Extension`: `ICO`, `JPEG`, `PNG`, `SVG` or `WEBP`.
    public var fileExtension: String
    /// `Bytes`: the file (at most 1,000,000 bytes).
    public var bytes: [UInt8]?
    /// `ResourceId`: the app's own name for it.
    public var resourceId: String?

    private enum CodingKeys: String, CodingKey {
        case category, colorMode, fileExtension, bytes, resourceId
    }

    /// An asset.
    public init(category: String, colorMode: String, fileExtension: String, bytes: [UInt8]?, resourceId: String?) {
        self.category = category
        self.colorMode = colorMode
        self.fileExtension = fileExtension
        self.bytes = bytes
        self.resourceId = resourceId
    }

    /// Decodes an asset whose bytes are base64.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        category = try container.decode(String.self, forKey: .category)
        colorMode = try container.decode(String.self, forKey: .colorMode)
        fileExtension = try container.decode(String.self, forKey: .fileExtension)
        resourceId = try container.decodeIfPresent(String.self, forKey: .resourceId)
        bytes = try container.decodeIfPresent(String.self, forKey: .bytes).map { text in
            guard let bytes = Base64URL.decodeEither(text) else {
                throw DecodingError.dataCorruptedError(forKey: .bytes, in: container, debugDescription: "not base64")
            }
            return bytes
        }
    }

    /// Encodes the asset, its bytes as base64 (a third of the size of a JSON array of numbers).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(category, forKey: .category)
        try container.encode(colorMode, forKey: .colorMode)
        try container.encode(fileExtension, forKey: .fileExtension)
        try container.encodeIfPresent(resourceId, forKey: .resourceId)
        try container.encodeIfPresent(bytes.map { Base64URL.encodeStandard($0) }, forKey: .bytes)
    }

    /// The image as a `data:` URL, or nil without bytes.
    public var dataURL: String? {
        guard let bytes, let type = BrandingRules.mediaTypes[fileExtension] else { return nil }
        return "data:\(type);base64," + Base64URL.encodeStandard(bytes)
    }
}

/// Cognito's constraints on a branding style, and how an update keeps what it does not name.
enum BrandingRules {
    static let categories: Set<String> = [
        "FAVICON_ICO", "FAVICON_SVG", "EMAIL_GRAPHIC", "SMS_GRAPHIC", "AUTH_APP_GRAPHIC", "PASSWORD_GRAPHIC",
        "PASSKEY_GRAPHIC", "PAGE_HEADER_LOGO", "PAGE_HEADER_BACKGROUND", "PAGE_FOOTER_LOGO", "PAGE_FOOTER_BACKGROUND",
        "PAGE_BACKGROUND", "FORM_BACKGROUND", "FORM_LOGO", "IDP_BUTTON_ICON",
    ]
    static let colorModes: Set<String> = ["LIGHT", "DARK", "DYNAMIC"]
    static let mediaTypes = [
        "ICO": "image/x-icon", "JPEG": "image/jpeg", "PNG": "image/png", "SVG": "image/svg+xml", "WEBP": "image/webp",
    ]
    static let assetLimit = 40
    static let bytesLimit = 1_000_000
    /// The settings document's JSON, at most (Cognito's request limit is 2 MB).
    static let settingsLimit = 1_000_000

    static func check(useCognitoProvidedValues: Bool?, settings: JSONValue?, assets: [BrandingAsset]?) throws(LocalPoolError) {
        if useCognitoProvidedValues == true, settings != nil || !(assets ?? []).isEmpty {
            throw .invalidParameter("When UseCognitoProvidedValues is true, Settings and Assets must be omitted.")
        }
        if let settings {
            guard settings.objectValue != nil else { throw .invalidParameter("Settings must be a JSON object.") }
            guard size(settings) <= settingsLimit else {
                throw .invalidParameter("Settings must be at most \(settingsLimit) bytes of JSON.")
            }
            try BrandingStyle.check(settings)
        }
        guard let assets else { return }
        guard assets.count <= assetLimit else { throw .invalidParameter("Assets must have at most \(assetLimit) members.") }
        var seen = Set<String>()
        for asset in assets {
            try check(asset)
            guard seen.insert(asset.category + "/" + asset.colorMode).inserted else {
                throw .invalidParameter("Assets has more than one \(asset.category) asset for color mode \(asset.colorMode).")
            }
        }
    }

    private static func check(_ asset: BrandingAsset) throws(LocalPoolError) {
        guard categories.contains(asset.category) else { throw .invalidParameter("Asset category \(asset.category.prefix(40)) is not valid.") }
        guard colorModes.contains(asset.colorMode) else { throw .invalidParameter("Asset color mode must be LIGHT, DARK or DYNAMIC.") }
        guard mediaTypes[asset.fileExtension] != nil else { throw .invalidParameter("Asset extension must be ICO, JPEG, PNG, SVG or WEBP.") }
        if let id = asset.resourceId {
            guard (1...40).contains(id.count), id.unicodeScalars.allSatisfy({ InputPatterns.isWordASCII($0) || $0 == "-" || $0 == " " }) else {
                throw .invalidParameter("An asset's ResourceId must be 1 to 40 letters, digits, '_', '-' or spaces.")
            }
        }
        guard let bytes = asset.bytes else { return }
        guard bytes.count <= bytesLimit else { throw .invalidParameter("An asset must be at most \(bytesLimit) bytes.") }
        guard looks(bytes, like: asset.fileExtension) else {
            throw .invalidParameter("The \(asset.category) asset is not a \(asset.fileExtension) file.")
        }
    }

    /// Whether the file's first bytes are those of its extension's format.
    static func looks(_ bytes: [UInt8], like fileExtension: String) -> Bool {
        switch fileExtension {
        case "PNG": return bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "JPEG": return bytes.starts(with: [0xFF, 0xD8, 0xFF])
        case "ICO": return bytes.starts(with: [0x00, 0x00, 0x01, 0x00])
        case "WEBP": return bytes.count >= 12 && bytes.starts(with: Array("RIFF".utf8)) && Array(bytes[8..<12]) == Array("WEBP".utf8)
        case "SVG":
            // Text whose first element is <svg (after an XML declaration, comments or a doctype).
            guard let text = String(validating: bytes, as: UTF8.self) else { return false }
            return text.range(of: "<svg") != nil && text.drop(while: \.isWhitespace).hasPrefix("<")
        default: return false
        }
    }

    /// About how many bytes of JSON `value` is (its strings and names, and a few per member).
    static func size(_ value: JSONValue) -> Int {
        switch value {
        case .null, .bool, .number: return 8
        case .string(let text): return text.utf8.count + 2
        case .array(let values): return values.reduce(2) { $0 + size($1) + 1 }
        case .object(let members): return members.reduce(2) { $0 + $1.key.utf8.count + 4 + size($1.value) }
        }
    }

    /// `stored` with `update` merged in, as UpdateManagedLoginBranding does: objects member by
    /// member, anything else replaced.
    static func merge(_ stored: JSONValue?, _ update: JSONValue?) -> JSONValue? {
        guard let update else { return stored }
        guard case .object(var members) = stored, case .object(let changes) = update else { return update }
        for (name, value) in changes { members[name] = merge(members[name], value) }
        return .object(members)
    }

    /// `stored` with each of `update`'s assets replacing the one of its category and color mode.
    static func merge(_ stored: [BrandingAsset], _ update: [BrandingAsset]?) -> [BrandingAsset] {
        guard let update else { return stored }
        let replaced = Set(update.map { $0.category + "/" + $0.colorMode })
        return stored.filter { !replaced.contains($0.category + "/" + $0.colorMode) } + update
    }
}
