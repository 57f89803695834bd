// The demo app: sign in, show the profile from GET /userinfo, the token's time left, sign out.
// Cookie mode (no token in the page) when the configuration says so (`gatehouse serve`'s default).
import { GatehouseClient, GatehouseCookieClient, GatehouseError, timeLeft } from "./gatehouse.js";

const $ = (id) => document.getElementById(id);
const states = ["loading", "signed-out", "profile", "error"];
let auth;
let ticker;

function show(state) {
  for (const name of states) $(name).hidden = name !== state;
  $("main").setAttribute("aria-busy", String(state === "loading"));
  document.body.dataset.state = state;
  const heading = $(state).querySelector("h1, button");
  heading?.setAttribute("tabindex", "-1");
  if (state !== "loading") heading?.focus({ preventScroll: true });
}

function showError(error) {
  const known = error instanceof GatehouseError;
  $("error-message").textContent = known ? error.message : "An unexpected error occurred.";
  $("error-code").textContent = known ? error.code : "unexpected";
  $("error-request").textContent = known && error.requestId ? `request ${error.requestId}` : "";
  show("error");
  if (!known) console.error(error);
}

function formatDuration(ms) {
  const seconds = Math.ceil(ms / 1000);
  if (seconds <= 0) return "expired (refreshing)";
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${String(seconds % 60).padStart(2, "0")} s` : `${seconds} s`;
}

function tick() {
  const session = auth.session();
  $("time-left").textContent = session ? formatDuration(timeLeft(session, Date.now())) : "—";
}

async function loadProfile() {
  show("loading");
  try {
    const profile = await auth.fetchUserInfo();
    $("greeting").textContent = profile.nickname || profile.name || profile.username;
    $("field-name").textContent = profile.name ?? "—";
    $("field-email").textContent = profile.email ?? "—";
    $("field-nickname").textContent = profile.nickname ?? "—";
    $("field-username").textContent = profile.username ?? "—";
    tick();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    show("profile");
  } catch (error) {
    if (["not_signed_in", "not_logged_in", "session_expired"].includes(error.code)) {
      show("signed-out");
    } else {
      showError(error);
    }
  }
}

/** The second panel: the app's own API, called through Gatehouse. */
async function callOwnAPI(path) {
  $("api-answer").textContent = "…";
  try {
    const response = await auth.fetchAPI(path);
    const body = await response.json().catch(() => ({}));
    $("api-answer").textContent = response.ok ? body.message : `${response.status} ${body.error ?? ""}`;
    $("api-answer").dataset.status = String(response.status);
  } catch (error) {
    $("api-answer").textContent = error.message;
    $("api-answer").dataset.status = "error";
  }
}

async function start() {
  const config = await fetch("config.json", { cache: "no-store" }).then((response) => {
    if (!response.ok) throw new GatehouseError("invalid_configuration", "The app's configuration could not be loaded.");
    return response.json();
  });
  // The API answers this page's origin only (CORS): say which address to open instead of
  // letting every call fail as "could not be reached".
  if (config.appOrigin && globalThis.location.origin !== config.appOrigin) {
    throw new GatehouseError("wrong_origin", `Open ${config.appOrigin}/ instead: the API allows that address only.`);
  }
  const mode = config.mode === "cookie" ? "cookie" : "storage";
  auth = mode === "cookie" ? new GatehouseCookieClient(config) : new GatehouseClient(config);
  $("mode").textContent =
    mode === "cookie"
      ? "Cookie mode: the API keeps the tokens; this page holds only an HttpOnly cookie it cannot read."
      : "Storage mode: tokens stay in this tab's session storage. The API verifies every token.";
  document.body.dataset.mode = mode;
  auth.on("signedout", () => {
    clearInterval(ticker);
    show("signed-out");
  });
  auth.on("session", tick);
  $("sign-in").addEventListener("click", () => auth.signIn());
  $("error-sign-in").addEventListener("click", () => auth.signIn());
  $("sign-out").addEventListener("click", () => auth.signOut());
  $("reload-profile").addEventListener("click", loadProfile);
  $("retry").addEventListener("click", () => (auth.session() ? loadProfile() : show("signed-out")));
  if (config.demoApi) {
    $("own-api").hidden = false;
    $("call-api").addEventListener("click", () => callOwnAPI(config.demoApi));
  }

  await auth.handleRedirect();
  if (auth.session()) {
    await loadProfile();
  } else {
    show("signed-out");
  }
}

start().catch(showError);
