// Gatehouse browser client, storage mode: sign in through a Cognito (or Gatehouse local pool)
// hosted login with the authorization code flow and PKCE, keep the tokens fresh, call the API,
// sign out. The tokens live in browser storage; cookie mode (gatehouse-cookie.js, re-exported
// here) keeps them on the server instead. Dependency-free ES modules; read them top to bottom.
//
//   import { GatehouseClient } from "./gatehouse.js";
//   const auth = new GatehouseClient({ domain, issuer, clientId, redirectUri, logoutUri, apiUrl });
//   await auth.handleRedirect();            // on every page load
//   if (!auth.session()) await auth.signIn();
//   const profile = await auth.fetchUserInfo();

import { endpointUrl, revokeRefreshToken, tokenRequest } from "./gatehouse-endpoints.js";
import {
  GatehouseError,
  checkIdTokenClaims,
  decodeClaims,
  pickStorage,
  pkceChallenge,
  randomText,
  redirectParameters,
  refreshDueAt,
  sessionFromTokens,
  stripRedirectParameters,
} from "./gatehouse-support.js";

export * from "./gatehouse-support.js";
export { GatehouseCookieClient } from "./gatehouse-cookie.js";

// ---------------------------------------------------------------------------------------------
// The client

export class GatehouseClient {
  /**
   * @param {object} options
   * @param {string} options.domain       the hosted login base URL (Cognito domain or local pool)
   * @param {string} options.issuer       the pool's issuer (`iss` of its tokens)
   * @param {string} options.clientId     the public app client
   * @param {string} options.redirectUri  registered callback URL (this app)
   * @param {string} options.logoutUri    registered sign-out URL
   * @param {string} options.apiUrl       base URL of the Gatehouse API (`/userinfo` is appended)
   * @param {"memory"|"session"|"local"} [options.storage="session"]
   * @param {string[]} [options.scopes]   default `openid email profile`
   * @param {number} [options.refreshMarginSeconds=60]
   */
  constructor(options) {
    for (const name of ["domain", "issuer", "clientId", "redirectUri", "logoutUri", "apiUrl"]) {
      if (typeof options?.[name] !== "string" || options[name] === "") {
        throw new GatehouseError("invalid_configuration", `${name} is required.`);
      }
    }
    this.mode = "storage";
    this.domain = options.domain.replace(/\/+$/, "");
    this.issuer = options.issuer;
    this.clientId = options.clientId;
    this.redirectUri = options.redirectUri;
    this.logoutUri = options.logoutUri;
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.scopes = options.scopes ?? ["openid", "email", "profile"];
    this.refreshMarginMs = (options.refreshMarginSeconds ?? 60) * 1000;
    this.storage = pickStorage(options.storage ?? "session");
    // The PKCE verifier, state and nonce must survive the redirect only: always this tab's session.
    this.pendingStorage = options.storage === "memory" ? this.storage : globalThis.sessionStorage;
    this.now = options.now ?? (() => Date.now());
    this.sessionKey = `gatehouse:${this.clientId}:session`;
    this.pendingKey = `gatehouse:${this.clientId}:pending`;
    this.events = new EventTarget();
    this.timer = null;
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(`gatehouse:${this.clientId}`) : null;
    this.channel?.addEventListener("message", (event) => this.#onMessage(event.data));
  }

  /** Stops background refreshes and closes the cross-tab channel (for pages that tear down). */
  dispose() {
    clearTimeout(this.timer);
    this.timer = null;
    this.channel?.close();
    this.channel = null;
  }

  /** Listens for "session" (tokens stored or refreshed) and "signedout" events. */
  on(type, listener) {
    this.events.addEventListener(type, listener);
    return () => this.events.removeEventListener(type, listener);
  }

  /** The stored session ({accessToken, idToken, refreshToken, issuedAt, expiresAt}) or null. */
  session() {
    const text = this.storage.getItem(this.sessionKey);
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      this.storage.removeItem(this.sessionKey);
      return null;
    }
  }

  /** The ID token's claims of the current session, or null. */
  user() {
    const session = this.session();
    return session?.idToken ? decodeClaims(session.idToken) : null;
  }

  /** Goes to the hosted login. Resolves never (the page navigates away). */
  async signIn() {
    const pending = { state: randomText(), nonce: randomText(), verifier: randomText(48) };
    this.pendingStorage.setItem(this.pendingKey, JSON.stringify(pending));
    const url = endpointUrl(this.domain, "/oauth2/authorize", {
      response_type: "code",
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      scope: this.scopes.join(" "),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await pkceChallenge(pending.verifier),
      code_challenge_method: "S256",
    });
    globalThis.location.assign(url);
    return new Promise(() => {});
  }

  /**
   * Finishes a sign-in when the page was loaded by the hosted login's redirect: checks `state`,
   * exchanges the code, checks the ID token's claims, stores the session and cleans the address
   * bar. Returns the session, or null when this page load is not a redirect.
   */
  async handleRedirect(url = globalThis.location.href) {
    const params = redirectParameters(url);
    if (!params) {
      this.#schedule();
      return null;
    }
    const pendingText = this.pendingStorage.getItem(this.pendingKey);
    this.pendingStorage.removeItem(this.pendingKey);
    globalThis.history?.replaceState(null, "", stripRedirectParameters(url));
    if (params.error) {
      throw new GatehouseError(params.error, params.errorDescription || "The sign-in was not completed.");
    }
    const pending = pendingText ? JSON.parse(pendingText) : null;
    if (!pending || !params.state || params.state !== pending.state) {
      throw new GatehouseError("invalid_state", "This sign-in was not started here (the state does not match). Please sign in again.");
    }
    const response = await tokenRequest(this.domain, {
      grant_type: "authorization_code",
      client_id: this.clientId,
      code: params.code,
      redirect_uri: this.redirectUri,
      code_verifier: pending.verifier,
    });
    const nowMs = this.now();
    if (!response.id_token) throw new GatehouseError("invalid_id_token", "The token endpoint returned no ID token.");
    checkIdTokenClaims(decodeClaims(response.id_token), { nonce: pending.nonce, issuer: this.issuer, clientId: this.clientId, nowMs });
    const session = sessionFromTokens(response, nowMs);
    this.#store(session);
    return session;
  }

  /** A valid access token, refreshed first when it is due. Throws "not_signed_in" without a session. */
  async accessToken() {
    let session = this.session();
    if (!session) throw new GatehouseError("not_signed_in", "Nobody is signed in.");
    if (this.now() >= refreshDueAt(session, this.refreshMarginMs)) session = await this.refresh();
    return session.accessToken;
  }

  /**
   * Refreshes the tokens with the refresh grant, once across all tabs of this origin: the Web
   * Lock serialises tabs, and a tab that finds the tokens already refreshed (shared storage)
   * keeps them. `force` refreshes tokens that are not due yet (the API refused them). A refused
   * refresh token signs the user out; a network failure does not.
   */
  async refresh({ force = false } = {}) {
    const before = this.session()?.accessToken;
    const run = async () => {
      const session = this.session();
      if (!session) throw new GatehouseError("not_signed_in", "Nobody is signed in.");
      const refreshedMeanwhile = session.accessToken !== before;
      if (refreshedMeanwhile || (!force && this.now() < refreshDueAt(session, this.refreshMarginMs))) return session;
      if (!session.refreshToken) {
        this.#clear("expired");
        throw new GatehouseError("session_expired", "The session has expired. Please sign in again.");
      }
      let response;
      try {
        response = await tokenRequest(this.domain, { grant_type: "refresh_token", client_id: this.clientId, refresh_token: session.refreshToken });
      } catch (error) {
        if (error.status === 400 || error.status === 401) {
          this.#clear("refresh_refused");
          throw new GatehouseError("session_expired", "The session has ended. Please sign in again.", { cause: error });
        }
        throw error;
      }
      const refreshed = sessionFromTokens(response, this.now(), session);
      this.#store(refreshed);
      return refreshed;
    };
    if (globalThis.navigator?.locks) {
      return globalThis.navigator.locks.request(`gatehouse:${this.clientId}:refresh`, run);
    }
    return run();
  }

  /**
   * Calls the app's own API (`path` under an `--upstream` prefix, behind Gatehouse or any API
   * that verifies Cognito tokens) with the access token, refreshed first when due. Returns the
   * fetch Response as it came.
   */
  async fetchAPI(path, init = {}) {
    const token = await this.accessToken();
    const headers = { ...(init.headers ?? {}), Authorization: `Bearer ${token}` };
    try {
      return await fetch(this.apiUrl + path, { ...init, headers, cache: "no-store" });
    } catch (cause) {
      throw new GatehouseError("network_error", "The API could not be reached.", { cause });
    }
  }

  /** `GET {apiUrl}/userinfo` with the access token; API errors become GatehouseErrors. */
  async fetchUserInfo() {
    const call = async () => {
      const token = await this.accessToken();
      let response;
      try {
        response = await fetch(`${this.apiUrl}/userinfo`, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
      } catch (cause) {
        throw new GatehouseError("network_error", "The API could not be reached.", { cause });
      }
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        throw new GatehouseError(body.error || `http_${response.status}`, body.message || `The API answered ${response.status}.`, {
          status: response.status,
          requestId: body.requestId ?? response.headers.get("X-Request-Id"),
        });
      }
      return body;
    };
    try {
      return await call();
    } catch (error) {
      // A token that expired or was revoked early: refresh once and try again.
      if ((error.code === "expired_token" || error.code === "invalid_token") && this.session()) {
        await this.refresh({ force: true });
        return call();
      }
      throw error;
    }
  }

  /** Revokes the refresh token, clears storage (in every tab), and goes to the pool's /logout. */
  async signOut() {
    const session = this.session();
    this.#clear("signout");
    if (session?.refreshToken) await revokeRefreshToken(this.domain, this.clientId, session.refreshToken);
    globalThis.location.assign(endpointUrl(this.domain, "/logout", { client_id: this.clientId, logout_uri: this.logoutUri }));
  }

  // -------------------------------------------------------------------------------------------

  #store(session) {
    this.storage.setItem(this.sessionKey, JSON.stringify(session));
    this.#schedule();
    this.channel?.postMessage({ type: "session" });
    this.events.dispatchEvent(new CustomEvent("session", { detail: session }));
  }

  #clear(reason) {
    this.storage.removeItem(this.sessionKey);
    this.pendingStorage.removeItem(this.pendingKey);
    clearTimeout(this.timer);
    this.timer = null;
    this.channel?.postMessage({ type: "signedout", reason });
    this.events.dispatchEvent(new CustomEvent("signedout", { detail: { reason } }));
  }

  /** Refreshes in the background when due, so the page keeps working past expiry. */
  #schedule() {
    clearTimeout(this.timer);
    const session = this.session();
    if (!session) return;
    const delay = Math.max(0, refreshDueAt(session, this.refreshMarginMs) - this.now());
    this.timer = setTimeout(() => {
      this.refresh().catch((error) => this.events.dispatchEvent(new CustomEvent("error", { detail: error })));
    }, delay);
  }

  #onMessage(message) {
    if (message?.type === "signedout") {
      // Another tab signed out: with shared storage the session is gone here too.
      if (!this.session()) {
        clearTimeout(this.timer);
        this.events.dispatchEvent(new CustomEvent("signedout", { detail: { reason: message.reason } }));
      }
    } else if (message?.type === "session") {
      this.#schedule();
      const session = this.session();
      if (session) this.events.dispatchEvent(new CustomEvent("session", { detail: session }));
    }
  }
}
