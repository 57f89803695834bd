/// Remembered devices: ConfirmDevice, GetDevice, ListDevices, ForgetDevice, UpdateDeviceStatus
/// (with the user's access token) and their Admin twins (with the pool and username).
enum DeviceOperations {
    static let handlers: [String: OperationHandler] = [
        ConfirmDevice.name: ConfirmDevice.handler, GetDevice.name: GetDevice.handler, ListDevices.name: ListDevices.handler,
        ForgetDevice.name: ForgetDevice.handler, UpdateDeviceStatus.name: UpdateDeviceStatus.handler,
        AdminGetDevice.name: AdminGetDevice.handler, AdminListDevices.name: AdminListDevices.handler,
        AdminForgetDevice.name: AdminForgetDevice.handler, AdminUpdateDeviceStatus.name: AdminUpdateDeviceStatus.handler,
    ]

    /// `DeviceType`.
    struct DeviceType: Encodable, Sendable {
        var deviceKey: String
        var deviceAttributes: [AttributeType]
        var deviceCreateDate: Double
        var deviceLastModifiedDate: Double
        var deviceLastAuthenticatedDate: Double

        init(_ device: DeviceRecord) {
            deviceKey = device.key
            var attributes = [
                UserRecord.Attribute(name: "device_status", value: "valid"),
                UserRecord.Attribute(name: "dev:device_remembered_status", value: device.remembered ? "remembered" : "not_remembered"),
            ]
            if let name = device.name { attributes.append(.init(name: "device_name", value: name)) }
            if let address = device.lastIPUsed { attributes.append(.init(name: "last_ip_used", value: address)) }
            deviceAttributes = AttributeType.list(attributes)
            deviceCreateDate = device.createdAt
            deviceLastModifiedDate = device.updatedAt
            deviceLastAuthenticatedDate = device.lastAuthenticatedAt
        }
    }

    struct DeviceResponse: Encodable, Sendable {
        var device: DeviceType
    }

    struct ListResponse: Encodable, Sendable {
        var devices: [DeviceType]
        var paginationToken: String?
    }

    /// One page of `devices`.
    static func page(_ devices: [DeviceRecord], limit: Int?, token: String?) throws(LocalPoolError) -> ListResponse {
        let page = IndexPages.page(devices, token: token, maximum: try Validate.pageSize(limit))
        return ListResponse(devices: page.items.map(DeviceType.init), paginationToken: page.next)
    }

    /// `DeviceSecretVerifierConfigType`.
    struct VerifierConfig: Decodable, Sendable {
        var passwordVerifier: String?
        var salt: String?
    }

    struct ConfirmDevice: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var deviceKey: String
            var deviceSecretVerifierConfig: VerifierConfig?
            var deviceName: String?
        }
        struct Response: Encodable, Sendable {
            var userConfirmationNecessary: Bool
        }
        static let name = "ConfirmDevice"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            guard let salt = request.deviceSecretVerifierConfig?.salt, let verifier = request.deviceSecretVerifierConfig?.passwordVerifier else {
                throw .invalidParameter("DeviceSecretVerifierConfig with PasswordVerifier and Salt is required.")
            }
            let necessary = try await api.service.devices.confirm(
                poolID: user.poolId,
                username: user.username,
                deviceKey: request.deviceKey,
                salt: salt,
                verifier: verifier,
                name: request.deviceName
            )
            return Response(userConfirmationNecessary: necessary)
        }
    }

    struct GetDevice: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var deviceKey: String
        }
        static let name = "GetDevice"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> DeviceResponse {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            return DeviceResponse(
                device: DeviceType(try await api.service.devices.device(poolID: user.poolId, username: user.username, deviceKey: request.deviceKey))
            )
        }
    }

    struct ListDevices: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var limit: Int?
            var paginationToken: String?
        }
        static let name = "ListDevices"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> ListResponse {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            let devices = try await api.service.devices.devices(poolID: user.poolId, username: user.username)
            return try page(devices, limit: request.limit, token: request.paginationToken)
        }
    }

    struct ForgetDevice: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var deviceKey: String
        }
        static let name = "ForgetDevice"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            try await api.service.devices.forget(poolID: user.poolId, username: user.username, deviceKey: request.deviceKey)
            return EmptyShape()
        }
    }

    struct UpdateDeviceStatus: CognitoOperation {
        struct Request: Decodable, Sendable {
            var accessToken: String
            var deviceKey: String
            var deviceRememberedStatus: String?
        }
        static let name = "UpdateDeviceStatus"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            let user = try await api.service.tokens.userOfAccessToken(request.accessToken)
            try await api.service.devices.setRemembered(
                poolID: user.poolId,
                username: user.username,
                deviceKey: request.deviceKey,
                status: request.deviceRememberedStatus ?? "not_remembered"
            )
            return EmptyShape()
        }
    }

    struct AdminGetDevice: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var deviceKey: String
        }
        static let name = "AdminGetDevice"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> DeviceResponse {
            let device = try await api.service.devices.device(poolID: request.userPoolId, username: request.username, deviceKey: request.deviceKey)
            return DeviceResponse(device: DeviceType(device))
        }
    }

    struct AdminListDevices: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var limit: Int?
            var paginationToken: String?
        }
        static let name = "AdminListDevices"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> ListResponse {
            let devices = try await api.service.devices.devices(poolID: request.userPoolId, username: request.username)
            return try page(devices, limit: request.limit, token: request.paginationToken)
        }
    }

    struct AdminForgetDevice: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var deviceKey: String
        }
        static let name = "AdminForgetDevice"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.devices.forget(poolID: request.userPoolId, username: request.username, deviceKey: request.deviceKey)
            return EmptyShape()
        }
    }

    struct AdminUpdateDeviceStatus: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var deviceKey: String
            var deviceRememberedStatus: String?
        }
        static let name = "AdminUpdateDeviceStatus"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.devices.setRemembered(
                poolID: request.userPoolId,
                username: request.username,
                deviceKey: request.deviceKey,
                status: request.deviceRememberedStatus ?? "not_remembered"
            )
            return EmptyShape()
        }
    }
}
