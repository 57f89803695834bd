-- wrk script: client_credentials grants at /oauth2/token, the client authenticated by its Basic header.
-- Usage: wrk ... -s scripts/client-credentials.lua URL -- BASIC_CREDENTIALS (base64 of id:secret)
function init(args)
  req = wrk.format("POST", "/oauth2/token", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic " .. args[1],
  }, "grant_type=client_credentials")
end

function request()
  return req
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, non-2xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
