import Foundation

/// Response shapes of the cognito-idp API, as JSON-ready dictionaries.
enum APIShapes {
    static func pool(_ pool: PoolRecord, region: String) -> [String: Any] {
        [
            "Id": pool.id,
            "Name": pool.name,
            "Arn": "arn:aws:cognito-idp:\(region):000000000000:userpool/\(pool.id)",
            "CreationDate": pool.createdAt,
            "LastModifiedDate": pool.updatedAt,
            "Policies": [
                "PasswordPolicy": [
                    "MinimumLength": 8, "RequireUppercase": true, "RequireLowercase": true, "RequireNumbers": true,
                    "RequireSymbols": true, "TemporaryPasswordValidityDays": 7,
                ]
            ],
            "AdminCreateUserConfig": ["AllowAdminCreateUserOnly": pool.allowAdminCreateUserOnly],
            "MfaConfiguration": pool.mfaConfiguration.rawValue,
            "EstimatedNumberOfUsers": 0,
        ]
    }

    static func client(_ client: ClientRecord) -> [String: Any] {
        let settings = client.settings
        var shape: [String: Any] = [
            "UserPoolId": client.poolId,
            "ClientName": client.name,
            "ClientId": client.id,
            "CreationDate": client.createdAt,
            "LastModifiedDate": client.createdAt,
            "ExplicitAuthFlows": settings.explicitAuthFlows,
            "AllowedOAuthFlows": settings.allowedOAuthFlows,
            "AllowedOAuthScopes": settings.allowedOAuthScopes,
            "AllowedOAuthFlowsUserPoolClient": !settings.allowedOAuthFlows.isEmpty,
            "CallbackURLs": settings.callbackURLs,
            "LogoutURLs": settings.logoutURLs,
            "SupportedIdentityProviders": ["COGNITO"],
            "AccessTokenValidity": settings.accessTokenSeconds,
            "IdTokenValidity": settings.idTokenSeconds,
            "RefreshTokenValidity": settings.refreshTokenSeconds,
            "TokenValidityUnits": ["AccessToken": "seconds", "IdToken": "seconds", "RefreshToken": "seconds"],
            "PreventUserExistenceErrors": settings.preventUserExistenceErrors ? "ENABLED" : "LEGACY",
            "EnableTokenRevocation": settings.enableTokenRevocation,
        ]
        if let secret = client.secret { shape["ClientSecret"] = secret }
        if let read = settings.readAttributes { shape["ReadAttributes"] = read }
        if let rotation = settings.refreshTokenRotation {
            shape["RefreshTokenRotation"] = [
                "Feature": rotation.enabled ? "ENABLED" : "DISABLED", "RetryGracePeriodSeconds": rotation.retryGracePeriodSeconds,
            ]
        }
        return shape
    }
}
