/// The `/userinfo` response: fixed fields first, then configured attributes.
public struct UserProfile: Sendable, Equatable {
    /// The user's `sub`.
    public let subject: String
    /// The username.
    public let username: String
    /// The `name` attribute, or the username when there is none.
    public let name: String
    /// Further attributes in configured order (`email`, `nickname`, …); nil when the user has none.
    public let attributes: [Attribute]

    /// One attribute of the profile.
    public struct Attribute: Sendable, Equatable {
        /// The attribute name.
        public let name: String
        /// Its value, or nil when the user has no such attribute.
        public let value: String?
        /// A list instead of a value (`groups`).
        public let list: [String]?

        /// An attribute.
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
            self.list = nil
        }

        /// An attribute whose value is a list.
        public init(name: String, list: [String]) {
            self.name = name
            self.value = nil
            self.list = list
        }
    }

    /// A profile.
    public init(subject: String, username: String, name: String, attributes: [Attribute]) {
        self.subject = subject
        self.username = username
        self.name = name
        self.attributes = attributes
    }

    /// The JSON body: `{"sub","username","name",<attributes>…}`.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter()
        writer.add("sub", subject)
        writer.add("username", username)
        writer.add("name", name)
        for attribute in attributes {
            if let list = attribute.list {
                writer.add(attribute.name, list)
            } else {
                writer.add(attribute.name, attribute.value)
            }
        }
        return writer.finish()
    }
}
