/// Cognito's shared data types, as the typed operations return them.
struct AttributeType: Codable, Sendable {
    var name: String
    var value: String?

    init(_ attribute: UserRecord.Attribute) {
        name = attribute.name
        value = attribute.value
    }

    static func list(_ attributes: [UserRecord.Attribute]) -> [AttributeType] { attributes.map(AttributeType.init) }
}

/// `UserType`, as ListUsers, ListUsersInGroup and AdminCreateUser return it.
struct UserType: Encodable, Sendable {
    var username: String
    var attributes: [AttributeType]
    var userCreateDate: Double
    var userLastModifiedDate: Double
    var enabled: Bool
    var userStatus: String
    var mfaOptions: [AttributeType] = []

    enum CodingKeys: String, CodingKey {
        case username, attributes, userCreateDate, userLastModifiedDate, enabled, userStatus
        case mfaOptions = "mFAOptions"
    }

    init(_ user: UserRecord) {
        username = user.username
        attributes = AttributeType.list(user.allAttributes)
        userCreateDate = user.createdAt
        userLastModifiedDate = user.updatedAt
        enabled = user.enabled
        userStatus = user.status.rawValue
    }
}

/// `GroupType`.
struct GroupType: Encodable, Sendable {
    var groupName: String
    var userPoolId: String
    var description: String?
    var roleArn: String?
    var precedence: Int?
    var creationDate: Double
    var lastModifiedDate: Double

    init(_ group: GroupRecord) {
        groupName = group.name
        userPoolId = group.poolId
        description = group.groupDescription
        roleArn = group.roleArn
        precedence = group.precedence
        creationDate = group.createdAt
        lastModifiedDate = group.updatedAt
    }
}

/// A request naming a pool's member: `UserPoolId` and `Username`.
struct UserInPoolRequest: Decodable, Sendable {
    var userPoolId: String
    var username: String
}
