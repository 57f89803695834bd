import GatehouseCore
import Logging

extension PoolAdministration {
    /// `details` with the endpoints it does not give taken from the issuer's discovery document
    /// (`{oidc_issuer}/.well-known/openid-configuration`), whose `issuer` must be `oidc_issuer`.
    func discover(_ details: [String: String]) async throws(LocalPoolError) -> [String: String] {
        let missing = IdentityProviderRules.discovered.filter { details[$0.0] == nil }
        guard !missing.isEmpty, let issuer = details["oidc_issuer"] else { return details }
        guard let upstream = context.upstream else {
            throw .invalidParameter("This pool cannot reach \(issuer) for discovery: give authorize_url, token_url, attributes_url and jwks_uri.")
        }
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await upstream.send(
                method: "GET",
                url: base + "/.well-known/openid-configuration",
                headers: [(name: "Accept", value: "application/json")],
                body: []
            )
        } catch {
            context.logger.info("gatehouse.pool.oidc_discovery_failed", metadata: ["gatehouse.error": "\(error)"])
            throw .invalidParameter("The OIDC discovery document of \(issuer) could not be fetched.")
        }
        guard answer.status == 200, let document = (try? JSONParser.parse(answer.body))?.objectValue,
            document["issuer"]?.stringValue == issuer
        else { throw .invalidParameter("\(issuer) did not answer an OIDC discovery document with that issuer.") }
        var filled = details
        for (name, member) in missing {
            guard let url = document[member]?.stringValue, IdentityProviderRules.isAllowedURL(url) else {
                throw .invalidParameter("The discovery document of \(issuer) has no usable \(member).")
            }
            filled[name] = url
        }
        return filled
    }
}
