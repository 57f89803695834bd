#!/usr/bin/env python3
"""Prepares the cookie-session load run against `gatehouse serve`'s local pool, and times logins.

Usage: bench_sessions.py API_URL APP_ORIGIN STATE_DIR OUT_DIR SESSIONS LOGINS_TIMED
Signs in SESSIONS times through the real hosted login form (the demo user, one session each) and
writes OUT_DIR/cookies.txt (one session cookie value per line) and OUT_DIR/tokens.txt (each
session's access token, opened from the SQLite store with the data directory's key: the bearer
run then sends exactly the tokens the cookie run uses). Then times LOGINS_TIMED more logins step
by step (start, the login page, the form POST, end) and prints the medians.
"""

import hashlib
import json
import pathlib
import sqlite3
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Interop"))
from jwt_helpers import b64url_decode  # noqa: E402
from test_oidc_flow import login_through_form  # noqa: E402


def login(api, origin, demo, timings=None):
    headers = {"X-CSRF": "1", "Origin": origin}
    started = time.perf_counter()
    start = requests.post(api + "/auth/login/start", headers=headers, timeout=30)
    login_cookie = start.cookies.get("__Host-gatehouse-login") or start.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    after_start = time.perf_counter()
    browser = requests.Session()
    page = browser.get(start.json()["authorizationUrl"], timeout=30)
    after_page = time.perf_counter()
    done = login_through_form(browser, start.json()["authorizationUrl"], demo["username"], demo["password"])
    after_form = time.perf_counter()
    assert page.status_code == 200 and done.status_code == 302, done.text
    # The page keeps the login id of its start (issue 22: a login ends only on the page that began it).
    end = requests.post(api + "/auth/login/end", json={"pageUrl": done.headers["Location"], "loginId": start.json()["loginId"]}, timeout=30,
                        headers={**headers, "Cookie": "__Host-gatehouse-login=" + login_cookie})
    finished = time.perf_counter()
    assert end.status_code == 200, end.text
    if timings is not None:
        # The form helper fetches the page again before posting: that second fetch is not counted.
        timings.append({"start": after_start - started, "page": after_page - after_start,
                        "form": after_form - after_page - (after_page - after_start), "end": finished - after_form})
    return end.headers["Set-Cookie"].split("__Host-gatehouse=")[1].split(";")[0]


def main():
    api, origin, state, out, sessions, timed = sys.argv[1:7]
    state, out = pathlib.Path(state), pathlib.Path(out)
    demo = json.loads((state / "demo-user.json").read_text())
    with ThreadPoolExecutor(4) as pool:
        cookies = list(pool.map(lambda _: login(api, origin, demo), range(int(sessions))))
    key = AESGCM(b64url_decode((state / "session-key").read_text().strip()))
    tokens = []
    with sqlite3.connect(state / "sessions.sqlite3") as db:
        for cookie in cookies:
            sealed = db.execute("SELECT tokens FROM session WHERE id = ?", (hashlib.sha256(cookie.encode()).hexdigest(),)).fetchone()[0]
            tokens.append(json.loads(key.decrypt(sealed[:12], sealed[12:], b"gatehouse-session-v1"))["access"])
    (out / "cookies.txt").write_text("\n".join(cookies) + "\n")
    (out / "tokens.txt").write_text("\n".join(tokens) + "\n")
    timings = []
    for _ in range(int(timed)):
        login(api, origin, demo, timings)
    median = {step: statistics.median(t[step] for t in timings) * 1000 for step in ("start", "page", "form", "end")}
    total = statistics.median(sum(t.values()) for t in timings) * 1000
    print(f"login over {timed} runs, median ms: total {total:.1f} = start {median['start']:.1f} + login page "
          f"{median['page']:.1f} + form POST {median['form']:.1f} (bcrypt inside) + end {median['end']:.1f}")
    print(f"login median total {total:.1f}")


if __name__ == "__main__":
    main()
