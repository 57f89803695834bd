// Gatehouse browser client, the pure parts: errors, encodings, PKCE, token claims, session
// timing and redirect parameters. gatehouse.js (the client) re-exports all of it.

/** An error with a machine-readable `code` (the server's `error` when it sent one). */
export class GatehouseError extends Error {
  constructor(code, message, { status = 0, requestId = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "GatehouseError";
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for tests)

/** base64url without padding, from bytes. */
export function base64url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Random base64url text from `size` random bytes. */
export function randomText(size = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(size)));
}

/** The PKCE S256 challenge of `verifier` (RFC 7636 §4.2). */
export async function pkceChallenge(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The claims of a JWT, without checking its signature (the server does that). */
export function decodeClaims(jwt) {
  const parts = typeof jwt === "string" ? jwt.split(".") : [];
  if (parts.length !== 3) throw new GatehouseError("invalid_id_token", "The ID token is not a JWT.");
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new GatehouseError("invalid_id_token", "The ID token's claims cannot be read.", { cause });
  }
}

/**
 * Checks an ID token's claims against what this sign-in expects: `nonce`, `iss`, `aud` and `exp`
 * (with `leewaySeconds` of clock skew). Throws GatehouseError("invalid_id_token") when one is off.
 */
export function checkIdTokenClaims(claims, { nonce, issuer, clientId, nowMs, leewaySeconds = 60 }) {
  const fail = (what) => {
    throw new GatehouseError("invalid_id_token", `The ID token's ${what} does not match this sign-in.`);
  };
  if (typeof claims.nonce !== "string" || claims.nonce !== nonce) fail("nonce");
  if (claims.iss !== issuer) fail("issuer");
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(clientId)) fail("audience");
  if (typeof claims.exp !== "number" || claims.exp * 1000 + leewaySeconds * 1000 <= nowMs) fail("expiry");
  return claims;
}

/** A session from a token response received at `nowMs`. */
export function sessionFromTokens(response, nowMs, previous = null) {
  const lifetime = Number(response.expires_in);
  if (!response.access_token || !Number.isFinite(lifetime) || lifetime <= 0) {
    throw new GatehouseError("invalid_token_response", "The token endpoint's answer lacks tokens.");
  }
  return {
    accessToken: response.access_token,
    idToken: response.id_token ?? previous?.idToken ?? null,
    // Cognito only returns a refresh token on the code grant (or when rotation is on).
    refreshToken: response.refresh_token ?? previous?.refreshToken ?? null,
    issuedAt: nowMs,
    expiresAt: nowMs + lifetime * 1000,
  };
}

/**
 * When to refresh `session`: `marginMs` before expiry, but never earlier than three quarters of
 * the way through the token's life (so very short lifetimes still get used).
 */
export function refreshDueAt(session, marginMs = 60_000) {
  const lifetime = session.expiresAt - session.issuedAt;
  return session.expiresAt - Math.min(marginMs, lifetime / 4);
}

/** Milliseconds of validity left at `nowMs` (never negative). */
export function timeLeft(session, nowMs) {
  return Math.max(0, session.expiresAt - nowMs);
}

/** Parameters of a redirect back from the hosted login, or null when the URL is not one. */
export function redirectParameters(url) {
  const parsed = new URL(url);
  const params = parsed.searchParams;
  if (!params.has("code") && !params.has("error")) return null;
  return {
    code: params.get("code"),
    state: params.get("state"),
    error: params.get("error"),
    errorDescription: params.get("error_description"),
  };
}

/** `url` without the parameters the hosted login added. */
export function stripRedirectParameters(url) {
  const parsed = new URL(url);
  for (const name of ["code", "state", "error", "error_description"]) parsed.searchParams.delete(name);
  return parsed.pathname + (parsed.searchParams.toString() ? `?${parsed.searchParams}` : "") + parsed.hash;
}

// ---------------------------------------------------------------------------------------------
// Storage

/** A storage object (getItem, setItem, removeItem) that lives as long as the page. */
export function memoryStorage() {
  const values = new Map();
  return {
    getItem: (key) => (values.has(key) ? values.get(key) : null),
    setItem: (key, value) => values.set(key, String(value)),
    removeItem: (key) => values.delete(key),
  };
}

/** The storage a client option names: "memory", "session" or "local". */
export function pickStorage(choice) {
  switch (choice) {
    case "memory":
      return memoryStorage();
    case "session":
      return globalThis.sessionStorage;
    case "local":
      return globalThis.localStorage;
    default:
      throw new GatehouseError("invalid_configuration", `storage must be "memory", "session" or "local", not ${choice}.`);
  }
}
