import GatehouseCore

/// Groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, AdminAddUserToGroup,
/// AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup.
enum GroupOperations {
    static let handlers: [String: OperationHandler] = [
        CreateGroup.name: CreateGroup.handler, GetGroup.name: GetGroup.handler, UpdateGroup.name: UpdateGroup.handler,
        DeleteGroup.name: DeleteGroup.handler, ListGroups.name: ListGroups.handler,
        AdminAddUserToGroup.name: AdminAddUserToGroup.handler, AdminRemoveUserFromGroup.name: AdminRemoveUserFromGroup.handler,
        AdminListGroupsForUser.name: AdminListGroupsForUser.handler, ListUsersInGroup.name: ListUsersInGroup.handler,
    ]

    /// Cognito's precedence range.
    static let precedences = 0...2_147_483_647

    /// A group's settings, as CreateGroup and UpdateGroup take them.
    struct GroupRequest: Decodable, Sendable {
        var userPoolId: String
        var groupName: String
        var description: String?
        var roleArn: String?
        var precedence: Int?
    }

    /// `{"Group": …}`.
    struct GroupResponse: Encodable, Sendable {
        var group: GroupType
    }

    /// A pool and a group.
    struct GroupNameRequest: Decodable, Sendable {
        var userPoolId: String
        var groupName: String
    }

    /// A pool, a user and a group.
    struct MembershipRequest: Decodable, Sendable {
        var userPoolId: String
        var username: String
        var groupName: String
    }

    /// A page of groups.
    struct GroupsResponse: Encodable, Sendable {
        var groups: [GroupType]
        var nextToken: String?
    }

    static func checked(_ request: GroupRequest) throws(LocalPoolError) -> GroupRequest {
        _ = try Validate.within(request.precedence, precedences, "precedence")
        if let description = request.description, description.count > 2048 {
            throw .invalidParameter(
                "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048"
            )
        }
        return request
    }

    struct CreateGroup: CognitoOperation {
        static let name = "CreateGroup"
        static func run(_ request: GroupRequest, api: CognitoAPI) async throws(LocalPoolError) -> GroupResponse {
            let request = try checked(request)
            let group = try await api.service.groups.createGroup(
                poolID: request.userPoolId,
                name: request.groupName,
                description: request.description,
                roleArn: request.roleArn,
                precedence: request.precedence
            )
            return GroupResponse(group: GroupType(group))
        }
    }

    struct GetGroup: CognitoOperation {
        static let name = "GetGroup"
        static func run(_ request: GroupNameRequest, api: CognitoAPI) async throws(LocalPoolError) -> GroupResponse {
            await GroupResponse(group: GroupType(try api.service.groups.group(poolID: request.userPoolId, name: request.groupName)))
        }
    }

    struct UpdateGroup: CognitoOperation {
        static let name = "UpdateGroup"
        static func run(_ request: GroupRequest, api: CognitoAPI) async throws(LocalPoolError) -> GroupResponse {
            let request = try checked(request)
            let group = try await api.service.groups.updateGroup(
                poolID: request.userPoolId,
                name: request.groupName,
                description: request.description,
                roleArn: request.roleArn,
                precedence: request.precedence
            )
            return GroupResponse(group: GroupType(group))
        }
    }

    struct DeleteGroup: CognitoOperation {
        static let name = "DeleteGroup"
        static func run(_ request: GroupNameRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.groups.deleteGroup(poolID: request.userPoolId, name: request.groupName)
            return EmptyShape()
        }
    }

    struct ListGroups: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var limit: Int?
            var nextToken: String?
        }
        static let name = "ListGroups"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> GroupsResponse {
            let page = try await api.service.groups.groups(
                poolID: request.userPoolId,
                limit: try Validate.pageSize(request.limit),
                after: try PageToken.decode(request.nextToken)
            )
            return GroupsResponse(groups: page.groups.map(GroupType.init), nextToken: page.next.map(PageToken.encode))
        }
    }

    struct AdminAddUserToGroup: CognitoOperation {
        static let name = "AdminAddUserToGroup"
        static func run(_ request: MembershipRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.groups.addUserToGroup(poolID: request.userPoolId, username: request.username, groupName: request.groupName)
            return EmptyShape()
        }
    }

    struct AdminRemoveUserFromGroup: CognitoOperation {
        static let name = "AdminRemoveUserFromGroup"
        static func run(_ request: MembershipRequest, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.groups.removeUserFromGroup(poolID: request.userPoolId, username: request.username, groupName: request.groupName)
            return EmptyShape()
        }
    }

    struct AdminListGroupsForUser: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var limit: Int?
            var nextToken: String?
        }
        static let name = "AdminListGroupsForUser"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> GroupsResponse {
            let page = try await api.service.groups.groups(
                ofUser: request.username,
                poolID: request.userPoolId,
                limit: try Validate.pageSize(request.limit),
                after: try PageToken.decode(request.nextToken)
            )
            return GroupsResponse(groups: page.groups.map(GroupType.init), nextToken: page.next.map(PageToken.encode))
        }
    }

    struct ListUsersInGroup: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var groupName: String
            var limit: Int?
            var nextToken: String?
        }
        struct Response: Encodable, Sendable {
            var users: [UserType]
            var nextToken: String?
        }
        static let name = "ListUsersInGroup"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let page = try await api.service.groups.users(
                inGroup: request.groupName,
                poolID: request.userPoolId,
                limit: try Validate.pageSize(request.limit),
                after: try PageToken.decode(request.nextToken)
            )
            return Response(users: page.users.map(UserType.init), nextToken: page.next.map(PageToken.encode))
        }
    }
}

/// Pagination tokens: the last name of a page, base64url, so that they read as opaque.
enum PageToken {
    static func encode(_ name: String) -> String { Base64URL.encode(Array(name.utf8)) }

    static func decode(_ token: String?) throws(LocalPoolError) -> String? {
        guard let token, !token.isEmpty else { return nil }
        guard let bytes = Base64URL.decode(token), let name = String(validating: bytes, as: UTF8.self) else {
            throw .invalidParameter("The pagination token is not valid.")
        }
        return name
    }
}
