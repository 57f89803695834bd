import ArgumentParser
import LocalPool

extension UsersCommand {
    /// `gatehouse users codes NAME`: the codes the pool "sent" (it sends no mail).
    struct Codes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a user's live one-time codes, newest first, one per line as PURPOSE CODE.",
            discussion: "Purposes: SIGN_UP (ConfirmSignUp), FORGOT_PASSWORD (ConfirmForgotPassword), VERIFY_EMAIL (VerifyUserAttribute)."
        )
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String

        func run() async throws {
            let codes = try await options.run { (service, pool) throws(LocalPoolError) in
                try await service.accounts.liveCodes(poolID: pool.id, username: username)
            }
            for code in codes { print("\(code.purpose.rawValue) \(code.code)") }
        }
    }
}
