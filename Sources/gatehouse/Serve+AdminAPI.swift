import Foundation
import GatehouseAWS
import Hummingbird
import LocalPool

extension Serve {
    /// The credentials the local pool checks admin calls against: `--aws-credentials`, else
    /// the environment's `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, else none. Without any,
    /// the pool must listen on loopback unless `--insecure-open-admin-api` says otherwise.
    func adminAPICredentials(environment: [String: String]) -> (key: String, secret: String)? {
        if let awsCredentials {
            guard let colon = awsCredentials.firstIndex(of: ":"), colon != awsCredentials.startIndex,
                awsCredentials.index(after: colon) != awsCredentials.endIndex
            else {
                fail("--aws-credentials takes KEY:SECRET")
            }
            return (String(awsCredentials[..<colon]), String(awsCredentials[awsCredentials.index(after: colon)...]))
        }
        if let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty, let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty {
            return (key, secret)
        }
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host.lowercased()) || host.hasPrefix("127.")
        if !loopback && !insecureOpenAdminAPI {
            fail(
                "the local pool's admin API would listen on \(host) unsigned: pass --aws-credentials KEY:SECRET (or set "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) to check SigV4 signatures, listen on 127.0.0.1, or pass "
                    + "--insecure-open-admin-api"
            )
        }
        return nil
    }

    /// Checks an admin call's SigV4 signature against `key`/`secret`, as Cognito does: scoped to
    /// `cognito-idp` in `region`, with `X-Amz-Target` and `Content-Type` among the signed headers.
    static func signatureCheck(key: String, secret: String, region: String) -> AdminAuthenticator {
        let verifier = SigV4Verifier(
            service: "cognito-idp",
            region: region,
            secrets: [key: secret],
            requiredSignedHeaders: SigV4Verifier.jsonProtocolHeaders
        )
        return { request, body in
            // HTTP/1's Host arrives as the authority; the signature covers it as `host`.
            var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
            if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
            let query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
            do throws(SigV4Verifier.Failure) {
                try verifier.verify(
                    method: request.method.rawValue,
                    path: request.uri.path,
                    query: query,
                    headers: headers,
                    body: body,
                    now: Date().timeIntervalSince1970
                )
                return nil
            } catch {
                let (type, message) = error.awsError
                return LocalPoolError(type, message)
            }
        }
    }
}
