import Foundation

extension AuthOperations {
    /// What both sign-in calls answer: tokens, or the next challenge.
    struct Outcome: Encodable, Sendable {
        struct Result: Encodable, Sendable {
            var accessToken: String
            var expiresIn: Int
            var tokenType = "Bearer"
            var refreshToken: String?
            var idToken: String?
            var newDeviceMetadata: NewDevice?
        }
        /// `NewDeviceMetadataType`.
        struct NewDevice: Encodable, Sendable {
            var deviceKey: String
            var deviceGroupKey: String
        }
        var challengeName: String?
        var session: String?
        var challengeParameters: [String: String]
        var authenticationResult: Result?
        var availableChallenges: [String]?

        init(_ outcome: AuthOutcome) {
            switch outcome {
            case .tokens(let access, let id, let refresh, let expiresIn, let device):
                challengeParameters = [:]
                authenticationResult = Result(
                    accessToken: access,
                    expiresIn: expiresIn,
                    refreshToken: refresh,
                    idToken: id,
                    newDeviceMetadata: device.map { NewDevice(deviceKey: $0.deviceKey, deviceGroupKey: $0.deviceGroupKey) }
                )
            case .challenge(let name, let session, let parameters):
                challengeName = name.rawValue
                self.session = session
                challengeParameters = parameters
            case .choice(let session, let available):
                challengeName = ChallengeName.selectChallenge.rawValue
                self.session = session
                challengeParameters = [:]
                availableChallenges = available
            case .newPasswordRequired(let session, let username, let attributes):
                // Cognito lists the user's attributes (not `sub`) as a JSON text.
                let visible = Dictionary(attributes.filter { $0.name != "sub" }.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
                let encoded =
                    (try? JSONSerialization.data(withJSONObject: visible, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
                    ?? "{}"
                challengeName = ChallengeName.newPasswordRequired.rawValue
                self.session = session
                challengeParameters = ["USER_ID_FOR_SRP": username, "requiredAttributes": "[]", "userAttributes": encoded]
            }
        }
    }
}
