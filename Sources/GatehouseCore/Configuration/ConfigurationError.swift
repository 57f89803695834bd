/// A configuration value is missing or malformed; the message names the variable.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The environment variable at fault.
    public let variable: String
    /// What is wrong with it (never its value, which may be a secret).
    public let problem: String

    /// An error about `variable`.
    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}
