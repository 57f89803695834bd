import GatehouseCore

/// The classic hosted UI's customization: SetUICustomization and GetUICustomization.
enum UICustomizationOperations {
    static let handlers: [String: OperationHandler] = [
        SetUICustomization.name: SetUICustomization.handler, GetUICustomization.name: GetUICustomization.handler,
    ]

    /// `UICustomizationType`; the logo's `ImageUrl` is a `data:` URL (no CDN here).
    struct UICustomizationType: Encodable, Sendable {
        var userPoolId: String
        var clientId: String
        var imageUrl: String?
        var cSS: String?
        var cSSVersion: String?
        var creationDate: Double?
        var lastModifiedDate: Double?

        init(poolID: String, key: String, _ customization: UICustomization?) {
            userPoolId = poolID
            clientId = key
            guard let customization else { return }
            imageUrl = customization.imageURL
            cSS = customization.css
            cSSVersion = String(Int(customization.updatedAt * 1000))
            creationDate = customization.createdAt
            lastModifiedDate = customization.updatedAt
        }
    }

    struct Response: Encodable, Sendable {
        var uICustomization: UICustomizationType
    }

    struct SetUICustomization: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String?
            var cSS: String?
            var imageFile: String?
        }
        static let name = "SetUICustomization"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            var image: [UInt8]?
            if let file = request.imageFile {
                guard file.utf8.count <= 140_000, let bytes = Base64URL.decodeEither(file) else {
                    throw .invalidParameter("ImageFile must be a base64-encoded PNG or JPEG of at most 100 KB.")
                }
                image = bytes
            }
            let (key, stored) = try await api.service.pools.setUICustomization(
                poolID: request.userPoolId,
                clientID: request.clientId,
                css: request.cSS,
                image: image
            )
            return Response(uICustomization: UICustomizationType(poolID: request.userPoolId, key: key, stored))
        }
    }

    struct GetUICustomization: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String?
        }
        static let name = "GetUICustomization"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let (key, stored) = try await api.service.pools.uiCustomization(poolID: request.userPoolId, clientID: request.clientId)
            return Response(uICustomization: UICustomizationType(poolID: request.userPoolId, key: key, stored))
        }
    }
}
