// Unit tests of the cookie-mode client: node --test Web/tests
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { GatehouseCookieClient, GatehouseError } from "../gatehouse.js";

const clients = [];
after(() => clients.forEach((auth) => auth.dispose()));

/** A client whose fetch answers from `routes` ("METHOD /path" → [status, body]) and records calls. */
function client(routes) {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    const key = `${init.method} ${new URL(url).pathname}`;
    calls.push({ key, url, init });
    const [status, body] = routes[key] ?? [404, { error: "not_found" }];
    return new Response(JSON.stringify(body), { status, headers: { "X-Request-Id": "req-1" } });
  };
  const auth = new GatehouseCookieClient({ apiUrl: "https://api.test/", now: () => 1_800_000_000_000 });
  clients.push(auth);
  return { auth, calls };
}

test("every call sends the cookie and X-CSRF, and the page keeps no token", async () => {
  const { auth, calls } = client({
    "POST /auth/login/end": [200, { isLoggedIn: true }],
    "GET /auth/session": [200, { isLoggedIn: true, sub: "s-1", username: "alice", expiresAt: 1_800_000_300 }],
    "GET /userinfo": [200, { sub: "s-1", username: "alice" }],
  });
  const session = await auth.handleRedirect("https://app.test/?code=c-1&state=s-1");
  assert.deepEqual(calls.map((call) => call.key), ["POST /auth/login/end", "GET /auth/session"]);
  assert.deepEqual(JSON.parse(calls[0].init.body), { pageUrl: "https://app.test/?code=c-1&state=s-1" });
  for (const call of calls) {
    assert.equal(call.init.credentials, "include");
    assert.equal(call.init.headers["X-CSRF"], "1");
    assert.equal(call.url.startsWith("https://api.test/auth/"), true);
  }
  assert.deepEqual(session, { sub: "s-1", username: "alice", expiresAt: 1_800_000_300_000, issuedAt: 1_800_000_000_000 });
  assert.deepEqual(await auth.fetchUserInfo(), { sub: "s-1", username: "alice" });
  assert.equal(calls.at(-1).init.headers.Authorization, undefined);
  assert.equal(JSON.stringify(auth.session()).includes("token"), false);
});

test("a page load without a redirect only asks whether there is a session", async () => {
  const { auth, calls } = client({ "GET /auth/session": [200, { isLoggedIn: false }] });
  assert.equal(await auth.handleRedirect("https://app.test/"), null);
  assert.deepEqual(calls.map((call) => call.key), ["GET /auth/session"]);
  await assert.rejects(auth.fetchUserInfo(), { code: "not_signed_in" });
});

test("a dead session signs out, with the server's code and request id", async () => {
  const { auth } = client({
    "GET /auth/session": [200, { isLoggedIn: true, sub: "s-1", username: "alice", expiresAt: 1_800_000_300 }],
    "GET /userinfo": [401, { error: "session_expired", message: "The session has ended.", requestId: "req-7" }],
  });
  await auth.load();
  let reason = null;
  auth.on("signedout", (event) => (reason = event.detail.reason));
  await assert.rejects(auth.fetchUserInfo(), (error) => {
    assert.ok(error instanceof GatehouseError);
    assert.equal(error.code, "session_expired");
    assert.equal(error.status, 401);
    assert.equal(error.requestId, "req-7");
    return true;
  });
  assert.equal(auth.session(), null);
  assert.equal(reason, "expired");
});

test("refresh updates the expiry only; a failed login end is an error", async () => {
  const { auth } = client({
    "GET /auth/session": [200, { isLoggedIn: true, sub: "s-1", username: "alice", expiresAt: 1_800_000_300 }],
    "POST /auth/refresh": [200, { expiresAt: 1_800_000_900 }],
    "POST /auth/login/end": [401, { error: "invalid_state", message: "Start again." }],
  });
  await auth.load();
  const refreshed = await auth.refresh();
  assert.equal(refreshed.expiresAt, 1_800_000_900_000);
  assert.equal(refreshed.username, "alice");
  await assert.rejects(auth.handleRedirect("https://app.test/?code=c&state=s"), { code: "invalid_state" });
  assert.throws(() => new GatehouseCookieClient({}), { code: "invalid_configuration" });
});

test("the login id from the start goes back with the end, from this tab's sessionStorage, once", async () => {
  const store = new Map();
  globalThis.sessionStorage = {
    getItem: (key) => (store.has(key) ? store.get(key) : null),
    setItem: (key, value) => store.set(key, String(value)),
    removeItem: (key) => store.delete(key),
  };
  const visited = [];
  globalThis.location = { assign: (url) => visited.push(url) };
  try {
    const { auth, calls } = client({
      "POST /auth/login/start": [200, { authorizationUrl: "https://pool.test/oauth2/authorize?x=1", loginId: "L-123" }],
      "POST /auth/login/end": [200, { isLoggedIn: true }],
      "GET /auth/session": [200, { isLoggedIn: false }],
    });
    auth.signIn();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(visited, ["https://pool.test/oauth2/authorize?x=1"]);
    assert.equal(store.get("gatehouse.loginId"), "L-123");
    await auth.handleRedirect("https://app.test/?code=c-1&state=s-1");
    const end = calls.find((call) => call.key === "POST /auth/login/end");
    assert.deepEqual(JSON.parse(end.init.body), { pageUrl: "https://app.test/?code=c-1&state=s-1", loginId: "L-123" });
    assert.equal(store.has("gatehouse.loginId"), false);
  } finally {
    delete globalThis.sessionStorage;
    delete globalThis.location;
  }
});
