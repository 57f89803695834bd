// The hosted login's OAuth endpoints as the storage-mode client (gatehouse.js) calls them: the
// addresses it sends the browser to, the token request (code and refresh grants) and the
// refresh token's revocation at sign-out.

import { GatehouseError } from "./gatehouse-support.js";

/** `{domain}{path}?{query}`: the authorize or logout address the browser goes to. */
export function endpointUrl(domain, path, query) {
  const url = new URL(`${domain}${path}`);
  url.search = new URLSearchParams(query).toString();
  return url.toString();
}

/** POSTs `fields` to `{domain}/oauth2/token`; a refusal or an unreachable pool becomes a GatehouseError. */
export async function tokenRequest(domain, fields) {
  let response;
  try {
    response = await fetch(`${domain}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });
  } catch (cause) {
    throw new GatehouseError("network_error", "The sign-in service could not be reached.", { cause });
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new GatehouseError(body.error || "token_request_failed", body.error_description || "The sign-in service refused the request.", {
      status: response.status,
    });
  }
  return body;
}

/**
 * Revokes a refresh token at `{domain}/oauth2/revoke`. Failures are ignored: the logout that
 * follows still ends the hosted login's session, and the token expires on its own.
 */
export async function revokeRefreshToken(domain, clientId, token) {
  try {
    await fetch(`${domain}/oauth2/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, client_id: clientId }),
    });
  } catch {
    // Ignored, as said above.
  }
}
