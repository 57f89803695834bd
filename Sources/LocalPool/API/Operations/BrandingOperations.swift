import GatehouseCore

/// Managed login branding: Create/Describe/DescribeByClient/Update/DeleteManagedLoginBranding.
enum BrandingOperations {
    static let handlers: [String: OperationHandler] = [
        CreateManagedLoginBranding.name: CreateManagedLoginBranding.handler,
        DescribeManagedLoginBranding.name: DescribeManagedLoginBranding.handler,
        DescribeManagedLoginBrandingByClient.name: DescribeManagedLoginBrandingByClient.handler,
        UpdateManagedLoginBranding.name: UpdateManagedLoginBranding.handler,
        DeleteManagedLoginBranding.name: DeleteManagedLoginBranding.handler,
    ]

    /// `AssetType`; `Bytes` is base64, as every blob in the JSON protocol.
    struct AssetShape: Codable, Sendable {
        var category: String
        var colorMode: String
        var `extension`: String
        var bytes: String?
        var resourceId: String?

        init(_ asset: BrandingAsset) {
            category = asset.category
            colorMode = asset.colorMode
            self.extension = asset.fileExtension
            bytes = asset.bytes.map { Base64URL.encodeStandard($0) }
            resourceId = asset.resourceId
        }

        /// The asset, its bytes decoded.
        func asset() throws(LocalPoolError) -> BrandingAsset {
            var decoded: [UInt8]?
            if let bytes {
                // Base64 of at most 1,000,000 bytes; anything longer is refused unread.
                guard bytes.utf8.count <= (BrandingRules.bytesLimit + 2) / 3 * 4, let value = Base64URL.decodeEither(bytes) else {
                    throw .invalidParameter("An asset's Bytes must be base64 of at most \(BrandingRules.bytesLimit) bytes.")
                }
                decoded = value
            }
            return BrandingAsset(category: category, colorMode: colorMode, fileExtension: self.extension, bytes: decoded, resourceId: resourceId)
        }

        static func assets(_ shapes: [AssetShape]?) throws(LocalPoolError) -> [BrandingAsset]? {
            guard let shapes else { return nil }
            guard shapes.count <= BrandingRules.assetLimit else {
                throw .invalidParameter("Assets must have at most \(BrandingRules.assetLimit) members.")
            }
            var assets: [BrandingAsset] = []
            for shape in shapes { assets.append(try shape.asset()) }
            return assets
        }
    }

    /// `ManagedLoginBrandingType`.
    struct BrandingType: Encodable, Sendable {
        var managedLoginBrandingId: String
        var userPoolId: String
        var useCognitoProvidedValues: Bool
        var settings: JSONValue?
        var assets: [AssetShape]
        var creationDate: Double
        var lastModifiedDate: Double

        /// The style; `merged`: with the defaults of every setting the pages apply under it.
        init(_ branding: ManagedLoginBrandingRecord, merged: Bool = false) {
            managedLoginBrandingId = branding.brandingId
            userPoolId = branding.poolId
            useCognitoProvidedValues = branding.useCognitoProvidedValues
            settings = merged ? BrandingRules.merge(BrandingStyle.defaults, branding.settings?.document) : branding.settings?.document
            assets = branding.assets.map(AssetShape.init)
            creationDate = branding.createdAt
            lastModifiedDate = branding.updatedAt
        }
    }

    /// `{"ManagedLoginBranding": …}`.
    struct Response: Encodable, Sendable {
        var managedLoginBranding: BrandingType
    }

    struct CreateManagedLoginBranding: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String
            var useCognitoProvidedValues: Bool?
            var settings: JSONValue?
            var assets: [AssetShape]?
        }
        static let name = "CreateManagedLoginBranding"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let branding = try await api.service.pools.createBranding(
                poolID: request.userPoolId,
                clientID: request.clientId,
                useCognitoProvidedValues: request.useCognitoProvidedValues,
                settings: request.settings,
                assets: try AssetShape.assets(request.assets)
            )
            return Response(managedLoginBranding: BrandingType(branding))
        }
    }

    struct DescribeManagedLoginBranding: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var managedLoginBrandingId: String
            var returnMergedResources: Bool?
        }
        static let name = "DescribeManagedLoginBranding"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let branding = try await api.service.pools.branding(poolID: request.userPoolId, id: request.managedLoginBrandingId)
            return Response(managedLoginBranding: BrandingType(branding, merged: request.returnMergedResources ?? false))
        }
    }

    struct DescribeManagedLoginBrandingByClient: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String
            var returnMergedResources: Bool?
        }
        static let name = "DescribeManagedLoginBrandingByClient"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let branding = try await api.service.pools.branding(poolID: request.userPoolId, clientID: request.clientId)
            return Response(managedLoginBranding: BrandingType(branding, merged: request.returnMergedResources ?? false))
        }
    }

    struct UpdateManagedLoginBranding: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String?
            var managedLoginBrandingId: String?
            var useCognitoProvidedValues: Bool?
            var settings: JSONValue?
            var assets: [AssetShape]?
        }
        static let name = "UpdateManagedLoginBranding"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            // Optional in the model, needed all the same: the style is found by both.
            guard let poolID = request.userPoolId, let id = request.managedLoginBrandingId else {
                throw .invalidParameter("UserPoolId and ManagedLoginBrandingId are required.")
            }
            let branding = try await api.service.pools.updateBranding(
                poolID: poolID,
                id: id,
                useCognitoProvidedValues: request.useCognitoProvidedValues,
                settings: request.settings,
                assets: try AssetShape.assets(request.assets)
            )
            return Response(managedLoginBranding: BrandingType(branding))
        }
    }

    struct DeleteManagedLoginBranding: CognitoOperation {
        struct Request: Decodable, Sendable {
            var managedLoginBrandingId: String
            var userPoolId: String
        }
        static let name = "DeleteManagedLoginBranding"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.pools.deleteBranding(poolID: request.userPoolId, id: request.managedLoginBrandingId)
            return EmptyShape()
        }
    }
}
