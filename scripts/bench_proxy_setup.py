"""For scripts/bench-proxy.sh: signs the demo user in to a running `gatehouse serve` both ways
and writes the credentials the load needs: a session cookie (`cookie.txt`) and an access token
(`bearer.txt`), in WORK_DIR.

  python scripts/bench_proxy_setup.py API_URL POOL_URL APP_ORIGIN DATA_DIR WORK_DIR
"""

import json
import pathlib
import sys

import boto3
import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Interop"))
from test_oidc_flow import login_through_form  # noqa: E402

api, pool_url, app, data_dir, work = sys.argv[1:6]
demo = json.loads((pathlib.Path(data_dir) / "demo-user.json").read_text())
headers = {"X-CSRF": "1", "Origin": app}
start = requests.post(api + "/auth/login/start", headers=headers, timeout=10)
start.raise_for_status()
login_cookie = start.cookies.get("__Host-gatehouse-login") or start.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
done = login_through_form(requests.Session(), start.json()["authorizationUrl"], demo["username"], demo["password"])
end = requests.post(api + "/auth/login/end", headers={**headers, "Cookie": f"__Host-gatehouse-login={login_cookie}"},
                    json={"pageUrl": done.headers["Location"], "loginId": start.json()["loginId"]}, timeout=10)
end.raise_for_status()
cookie = end.headers["Set-Cookie"].split("__Host-gatehouse=")[1].split(";")[0]
(pathlib.Path(work) / "cookie.txt").write_text(cookie)

cognito = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=pool_url,
                       aws_access_key_id="bench", aws_secret_access_key="bench")
pool = cognito.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
spa = next(c["ClientId"] for c in cognito.list_user_pool_clients(UserPoolId=pool)["UserPoolClients"] if c["ClientName"] == "gatehouse-spa")
tokens = cognito.initiate_auth(ClientId=spa, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": demo["username"], "PASSWORD": demo["password"]})["AuthenticationResult"]
(pathlib.Path(work) / "bearer.txt").write_text(tokens["AccessToken"])
