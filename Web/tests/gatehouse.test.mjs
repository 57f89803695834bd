// Unit tests of the browser client's pure parts: node --test Web/tests
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { after, test } from "node:test";
import {
  GatehouseClient,
  GatehouseError,
  base64url,
  checkIdTokenClaims,
  decodeClaims,
  pkceChallenge,
  randomText,
  redirectParameters,
  refreshDueAt,
  sessionFromTokens,
  stripRedirectParameters,
  timeLeft,
} from "../gatehouse.js";
import { endpointUrl, revokeRefreshToken, tokenRequest } from "../gatehouse-endpoints.js";

// Node 18 (Debian's) has Web Crypto only under node:crypto; browsers and Node 20 have it globally.
globalThis.crypto ??= webcrypto;

const jwt = (claims) => `${base64url(new TextEncoder().encode('{"alg":"RS256"}'))}.${base64url(new TextEncoder().encode(JSON.stringify(claims)))}.c2ln`;

test("PKCE S256 matches RFC 7636 appendix B", async () => {
  assert.equal(await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
});

test("random text is base64url and differs each time", () => {
  const a = randomText(32);
  const b = randomText(32);
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.match(randomText(48), /^[A-Za-z0-9_-]{64}$/);
});

test("base64url has no padding and the URL alphabet", () => {
  assert.equal(base64url(new Uint8Array([0xfb, 0xff, 0xfe])), "-__-");
  assert.equal(base64url(new Uint8Array([0x61])), "YQ");
});

test("ID token claims: nonce, issuer, audience and expiry are all checked", () => {
  const nowMs = 1_800_000_000_000;
  const good = { nonce: "n1", iss: "https://issuer/pool", aud: "client", exp: nowMs / 1000 + 600 };
  const expected = { nonce: "n1", issuer: "https://issuer/pool", clientId: "client", nowMs };
  assert.deepEqual(checkIdTokenClaims(good, expected), good);
  assert.deepEqual(checkIdTokenClaims({ ...good, aud: ["other", "client"] }, expected).aud, ["other", "client"]);
  for (const [change, what] of [
    [{ nonce: "n2" }, "nonce"],
    [{ nonce: undefined }, "nonce"],
    [{ iss: "https://issuer/other" }, "issuer"],
    [{ aud: "someone-else" }, "audience"],
    [{ exp: nowMs / 1000 - 120 }, "expiry"],
    [{ exp: "soon" }, "expiry"],
  ]) {
    assert.throws(() => checkIdTokenClaims({ ...good, ...change }, expected), (error) => {
      assert.ok(error instanceof GatehouseError);
      assert.equal(error.code, "invalid_id_token");
      assert.match(error.message, new RegExp(what));
      return true;
    });
  }
  // Clock skew within the leeway is tolerated.
  assert.ok(checkIdTokenClaims({ ...good, exp: nowMs / 1000 - 30 }, expected));
});

test("claims decode from base64url JSON, garbage is refused", () => {
  assert.deepEqual(decodeClaims(jwt({ sub: "ü-1" })), { sub: "ü-1" });
  assert.throws(() => decodeClaims("a.b"), { code: "invalid_id_token" });
  assert.throws(() => decodeClaims("a.!!!.c"), { code: "invalid_id_token" });
});

test("refresh is due a minute before expiry, or a quarter of a short life before", () => {
  const hour = sessionFromTokens({ access_token: "a", expires_in: 3600 }, 1_000_000);
  assert.equal(hour.expiresAt, 1_000_000 + 3_600_000);
  assert.equal(refreshDueAt(hour), hour.expiresAt - 60_000);
  const short = sessionFromTokens({ access_token: "a", expires_in: 8 }, 0);
  assert.equal(refreshDueAt(short), 6_000);
  assert.equal(timeLeft(short, 5_000), 3_000);
  assert.equal(timeLeft(short, 9_000), 0);
});

test("a refreshed session keeps the refresh token and ID token it was not sent again", () => {
  const first = sessionFromTokens({ access_token: "a1", id_token: "i1", refresh_token: "r1", expires_in: 60 }, 0);
  const second = sessionFromTokens({ access_token: "a2", expires_in: 60 }, 50_000, first);
  assert.equal(second.refreshToken, "r1");
  assert.equal(second.idToken, "i1");
  assert.equal(second.accessToken, "a2");
  assert.throws(() => sessionFromTokens({ expires_in: 60 }, 0), { code: "invalid_token_response" });
});

test("redirect parameters are read and stripped, other parameters kept", () => {
  assert.equal(redirectParameters("https://app.test/"), null);
  assert.deepEqual(redirectParameters("https://app.test/?code=c1&state=s1"), { code: "c1", state: "s1", error: null, errorDescription: null });
  assert.equal(redirectParameters("https://app.test/?error=access_denied").error, "access_denied");
  assert.equal(stripRedirectParameters("https://app.test/page?code=c1&state=s1&tab=2#top"), "/page?tab=2#top");
  assert.equal(stripRedirectParameters("https://app.test/?code=c1&state=s1"), "/");
});

const clients = [];
after(() => clients.forEach((auth) => auth.dispose()));

function client(fetchImpl) {
  globalThis.fetch = fetchImpl;
  const auth = new GatehouseClient({
    domain: "https://pool.test/",
    issuer: "https://pool.test/us-east-1_AAAAAAAAA",
    clientId: "client-1",
    redirectUri: "https://app.test/",
    logoutUri: "https://app.test/",
    apiUrl: "https://api.test",
    storage: "memory",
    now: () => 1_800_000_000_000,
  });
  clients.push(auth);
  return auth;
}

test("a redirect whose state was not issued here is refused, and the pending sign-in is used up", async () => {
  let calls = 0;
  const auth = client(async () => {
    calls += 1;
    throw new Error("must not be called");
  });
  auth.pendingStorage.setItem(auth.pendingKey, JSON.stringify({ state: "s-good", nonce: "n", verifier: "v" }));
  await assert.rejects(auth.handleRedirect("https://app.test/?code=c1&state=s-evil"), { code: "invalid_state" });
  assert.equal(auth.pendingStorage.getItem(auth.pendingKey), null);
  await assert.rejects(auth.handleRedirect("https://app.test/?code=c1&state=s-good"), { code: "invalid_state" });
  assert.equal(calls, 0);
  assert.equal(auth.session(), null);
});

test("a redirect with the right state exchanges the code with the verifier and checks the nonce", async () => {
  const sent = [];
  const idToken = jwt({ nonce: "n-1", iss: "https://pool.test/us-east-1_AAAAAAAAA", aud: "client-1", exp: 1_800_000_600 });
  const auth = client(async (url, init) => {
    sent.push({ url, body: Object.fromEntries(init.body) });
    return new Response(JSON.stringify({ access_token: "at", id_token: idToken, refresh_token: "rt", expires_in: 3600 }), { status: 200 });
  });
  auth.pendingStorage.setItem(auth.pendingKey, JSON.stringify({ state: "s-1", nonce: "n-1", verifier: "v-1" }));
  const session = await auth.handleRedirect("https://app.test/?code=c-1&state=s-1");
  assert.equal(sent[0].url, "https://pool.test/oauth2/token");
  assert.deepEqual(sent[0].body, {
    grant_type: "authorization_code", client_id: "client-1", code: "c-1", redirect_uri: "https://app.test/", code_verifier: "v-1",
  });
  assert.equal(session.accessToken, "at");
  assert.equal(session.expiresAt, 1_800_000_000_000 + 3_600_000);
  assert.deepEqual(auth.session(), session);
  clearTimeout(auth.timer);

  const replay = client(async () => new Response(JSON.stringify({ access_token: "at", id_token: idToken, expires_in: 3600 })));
  replay.pendingStorage.setItem(replay.pendingKey, JSON.stringify({ state: "s-1", nonce: "other-nonce", verifier: "v-1" }));
  await assert.rejects(replay.handleRedirect("https://app.test/?code=c-1&state=s-1"), { code: "invalid_id_token" });
  assert.equal(replay.session(), null);
});

test("API errors surface as typed errors with the server's code and request id", async () => {
  const auth = client(async () =>
    new Response(JSON.stringify({ error: "user_disabled", message: "The user is disabled.", requestId: "req-9" }), { status: 401 }),
  );
  auth.storage.setItem(auth.sessionKey, JSON.stringify({ accessToken: "at", refreshToken: null, issuedAt: 1_800_000_000_000, expiresAt: 1_800_003_600_000 }));
  await assert.rejects(auth.fetchUserInfo(), (error) => {
    assert.ok(error instanceof GatehouseError);
    assert.equal(error.code, "user_disabled");
    assert.equal(error.status, 401);
    assert.equal(error.requestId, "req-9");
    return true;
  });
});

test("a refused refresh signs out cleanly", async () => {
  const auth = client(async () => new Response(JSON.stringify({ error: "invalid_grant" }), { status: 400 }));
  auth.storage.setItem(auth.sessionKey, JSON.stringify({ accessToken: "at", refreshToken: "rt", issuedAt: 0, expiresAt: 1 }));
  let signedOut = null;
  auth.on("signedout", (event) => (signedOut = event.detail.reason));
  await assert.rejects(auth.accessToken(), { code: "session_expired" });
  assert.equal(auth.session(), null);
  assert.equal(signedOut, "refresh_refused");
});

test("configuration mistakes are reported up front", () => {
  assert.throws(() => new GatehouseClient({ domain: "https://pool.test" }), { code: "invalid_configuration" });
  assert.throws(
    () => new GatehouseClient({ domain: "d", issuer: "i", clientId: "c", redirectUri: "r", logoutUri: "l", apiUrl: "a", storage: "cookie" }),
    { code: "invalid_configuration" },
  );
});

test("a token the API refuses is refreshed once and the call retried", async () => {
  const calls = [];
  const auth = client(async (url, init) => {
    calls.push(url);
    if (url === "https://api.test/userinfo") {
      const token = init.headers.Authorization;
      return token === "Bearer at-2"
        ? new Response(JSON.stringify({ sub: "s", nickname: "N" }), { status: 200 })
        : new Response(JSON.stringify({ error: "invalid_token", message: "no" }), { status: 401 });
    }
    return new Response(JSON.stringify({ access_token: "at-2", expires_in: 3600 }), { status: 200 });
  });
  auth.storage.setItem(auth.sessionKey, JSON.stringify({ accessToken: "at-1", refreshToken: "rt", issuedAt: 1_800_000_000_000, expiresAt: 1_800_003_600_000 }));
  assert.deepEqual(await auth.fetchUserInfo(), { sub: "s", nickname: "N" });
  assert.deepEqual(calls, ["https://api.test/userinfo", "https://pool.test/oauth2/token", "https://api.test/userinfo"]);
  assert.equal(auth.session().refreshToken, "rt");
});

test("the endpoint calls: addresses encoded, refusals typed, revocation failures ignored", async () => {
  assert.equal(
    endpointUrl("https://pool.test", "/logout", { client_id: "c", logout_uri: "https://app.test/?a=1&b" }),
    "https://pool.test/logout?client_id=c&logout_uri=https%3A%2F%2Fapp.test%2F%3Fa%3D1%26b",
  );
  globalThis.fetch = async () => new Response(JSON.stringify({ error: "invalid_grant", error_description: "used" }), { status: 400 });
  await assert.rejects(tokenRequest("https://pool.test", { grant_type: "refresh_token" }), { code: "invalid_grant", status: 400 });
  globalThis.fetch = async () => {
    throw new TypeError("offline");
  };
  await assert.rejects(tokenRequest("https://pool.test", {}), { code: "network_error" });
  assert.equal(await revokeRefreshToken("https://pool.test", "c", "rt"), undefined);
});
