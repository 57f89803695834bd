// Gatehouse browser client, cookie mode: the API is the token handler. It runs the sign-in as a
// confidential client and keeps the tokens on the server; this page holds nothing but what
// `GET /auth/session` says (who, and until when), and the browser holds an HttpOnly cookie that
// JavaScript cannot read. Every call sends the cookie (`credentials: "include"`) and `X-CSRF: 1`.
//
//   import { GatehouseCookieClient } from "./gatehouse.js";
//   const auth = new GatehouseCookieClient({ apiUrl });
//   await auth.handleRedirect();            // on every page load
//   if (!auth.session()) await auth.signIn();
//   const profile = await auth.fetchUserInfo();

import { GatehouseError, redirectParameters, stripRedirectParameters } from "./gatehouse-support.js";

const LOGIN_ID_KEY = "gatehouse.loginId";

export class GatehouseCookieClient {
  /**
   * @param {object} options
   * @param {string} options.apiUrl  base URL of the Gatehouse API (same site as this page)
   * @param {number} [options.refreshMarginSeconds=30]  refresh this long before the access token expires
   */
  constructor(options) {
    if (typeof options?.apiUrl !== "string" || options.apiUrl === "") {
      throw new GatehouseError("invalid_configuration", "apiUrl is required.");
    }
    this.mode = "cookie";
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.refreshMarginMs = (options.refreshMarginSeconds ?? 30) * 1000;
    this.now = options.now ?? (() => Date.now());
    this.current = null;
    this.events = new EventTarget();
    this.timer = null;
  }

  /** Listens for "session" (signed in or refreshed) and "signedout" events. */
  on(type, listener) {
    this.events.addEventListener(type, listener);
    return () => this.events.removeEventListener(type, listener);
  }

  /** Stops the background refresh. */
  dispose() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** What the server last said about the session ({sub, username, issuedAt, expiresAt} in ms), or null. */
  session() {
    return this.current;
  }

  /** Who is signed in ({sub, username}), or null. No token is ever visible here. */
  user() {
    return this.current ? { sub: this.current.sub, username: this.current.username } : null;
  }

  /**
   * Starts a sign-in at the API and goes to the hosted login. Resolves never (the page navigates
   * away). The login id the API hands back stays in this tab's sessionStorage, which belongs to
   * this origin alone (ports included): the API ends only a login whose page sends it back, so a
   * login cookie planted from another port of this host is of no use.
   */
  async signIn() {
    const body = await this.#call("POST", "/auth/login/start");
    globalThis.sessionStorage?.setItem(LOGIN_ID_KEY, body.loginId);
    globalThis.location.assign(body.authorizationUrl);
    return new Promise(() => {});
  }

  /**
   * On every page load: when the hosted login sent the browser here, hands its answer to the API
   * (which checks the state, exchanges the code and sets the session cookie) and cleans the
   * address bar; then asks the API whether there is a session. Returns it, or null.
   */
  async handleRedirect(url = globalThis.location.href) {
    if (redirectParameters(url)) {
      globalThis.history?.replaceState(null, "", stripRedirectParameters(url));
      const loginId = globalThis.sessionStorage?.getItem(LOGIN_ID_KEY) ?? undefined;
      globalThis.sessionStorage?.removeItem(LOGIN_ID_KEY);
      await this.#call("POST", "/auth/login/end", { pageUrl: url, loginId });
    }
    return this.load();
  }

  /** Asks the API whether there is a session (`GET /auth/session`). */
  async load() {
    const body = await this.#call("GET", "/auth/session");
    if (body.isLoggedIn) {
      this.#store({ sub: body.sub, username: body.username, expiresAt: body.expiresAt * 1000 });
    } else if (this.current) {
      this.#clear("expired");
    }
    return this.current;
  }

  /** Refreshes the session's tokens now (the API does it once, however many ask). */
  async refresh() {
    const body = await this.#call("POST", "/auth/refresh");
    this.#store({ ...this.current, expiresAt: body.expiresAt * 1000 });
    return this.current;
  }

  /** `GET {apiUrl}/userinfo` with the session cookie; the API refreshes the tokens when due. */
  async fetchUserInfo() {
    if (!this.current) throw new GatehouseError("not_signed_in", "Nobody is signed in.");
    const profile = await this.#call("GET", "/userinfo");
    if (this.now() >= this.current.expiresAt) await this.load();
    return profile;
  }

  /**
   * Calls the app's own API behind Gatehouse (`path` under an `--upstream` prefix, like
   * `/orders/42`): the cookie goes along with `X-CSRF: 1`, and the API adds the access token and
   * the user's identity before passing the request on. Returns the fetch Response as it came.
   */
  async fetchAPI(path, init = {}) {
    const headers = { ...(init.headers ?? {}), "X-CSRF": "1" };
    try {
      return await fetch(this.apiUrl + path, { ...init, headers, credentials: "include", cache: "no-store" });
    } catch (cause) {
      throw new GatehouseError("network_error", "The API could not be reached.", { cause });
    }
  }

  /** Ends the session at the API (which revokes the refresh token) and goes to the pool's /logout. */
  async signOut() {
    const body = await this.#call("POST", "/auth/logout");
    this.#clear("signout");
    globalThis.location.assign(body.logoutUrl);
  }

  // -------------------------------------------------------------------------------------------

  async #call(method, path, json) {
    const headers = { "X-CSRF": "1" };
    if (json !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(this.apiUrl + path, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        credentials: "include",
        cache: "no-store",
      });
    } catch (cause) {
      throw new GatehouseError("network_error", "The API could not be reached.", { cause });
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new GatehouseError(body.error || `http_${response.status}`, body.message || `The API answered ${response.status}.`, {
        status: response.status,
        requestId: body.requestId ?? response.headers.get("X-Request-Id"),
      });
      if (error.code === "session_expired" || error.code === "not_logged_in") this.#clear("expired");
      throw error;
    }
    return body;
  }

  #store(session) {
    const issuedAt = this.current?.expiresAt === session.expiresAt ? this.current.issuedAt : this.now();
    this.current = { ...session, issuedAt };
    this.#schedule();
    this.events.dispatchEvent(new CustomEvent("session", { detail: this.current }));
  }

  #clear(reason) {
    const had = this.current !== null;
    this.current = null;
    clearTimeout(this.timer);
    this.timer = null;
    if (had) this.events.dispatchEvent(new CustomEvent("signedout", { detail: { reason } }));
  }

  /** Refreshes shortly before the access token expires, so "time left" stays true. */
  #schedule() {
    clearTimeout(this.timer);
    if (!this.current) return;
    const delay = Math.max(1000, this.current.expiresAt - this.refreshMarginMs - this.now());
    this.timer = setTimeout(() => {
      this.refresh().catch((error) => this.events.dispatchEvent(new CustomEvent("error", { detail: error })));
    }, delay);
  }
}
