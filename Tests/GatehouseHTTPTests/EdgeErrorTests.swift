import GatehouseCore
import GatehouseEdge
import HTTPTypes
import HummingbirdCore
import Testing

/// What the edge makes of the API's errors and of `Authorization`: the status and
/// `WWW-Authenticate` of each error code (RFC 6750), and the bearer token's forms.
struct EdgeErrorTests {
    @Test(
        arguments: [
            (GatehouseError.Code.missingToken, 401, #"Bearer realm="gatehouse""#),
            (.invalidToken, 401, #"Bearer realm="gatehouse", error="invalid_token""#),
            (.expiredToken, 401, #"Bearer realm="gatehouse", error="invalid_token""#),
            (.userDisabled, 401, #"Bearer realm="gatehouse", error="invalid_token""#),
            (.csrfCheckFailed, 403, nil), (.notFound, 404, nil), (.methodNotAllowed, 405, nil),
            (.serviceUnavailable, 503, nil), (.upstreamUnavailable, 502, nil), (.upstreamTimeout, 504, nil), (.internalError, 500, nil),
        ] as [(GatehouseError.Code, Int, String?)]
    )
    func errorCodesMapToStatusesAndChallenges(code: GatehouseError.Code, status: Int, challenge: String?) {
        let error = GatehouseError(code)
        #expect(error.status.code == status)
        #expect(error.response(requestID: "r").headers[.wwwAuthenticate] == challenge)
    }

    @Test(
        arguments: [
            ("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer abc.def.ghi", "abc.def.ghi"), ("abc.def.ghi", "abc.def.ghi"),
            ("  Bearer   abc.def.ghi  ", "abc.def.ghi"), ("Basic dXNlcjpwYXNz", nil), ("Bearer ", nil), ("", nil),
            ("Bearer\tabc.def.ghi", "abc.def.ghi"), ("Bearer abc.def ghi", nil), ("Bearer abc.def\tghi", nil), ("abc def", nil),
            ("Bearer abc.def.ghi\t", "abc.def.ghi"),
        ] as [(String, String?)]
    )
    func authorizationHeaderForms(header: String, token: String?) {
        #expect(BearerToken.parse(header) == token)
    }
}
