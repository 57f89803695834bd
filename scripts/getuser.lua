-- wrk script: GetUser on the local pool with one access token. Usage: wrk ... -s scripts/getuser.lua URL -- ACCESS_TOKEN
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService.GetUser"
function init(args) wrk.body = '{"AccessToken":"' .. args[1] .. '"}' end
function done(s, l, r) io.write(string.format("p50 %.2f ms, non-2xx %d\n", l:percentile(50)/1000, s.errors.status)) end
