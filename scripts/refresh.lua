-- wrk script: refresh-token grants at /oauth2/token. Usage: wrk ... -s scripts/refresh.lua URL -- CLIENT_ID REFRESH_TOKEN
function init(args)
  body = "grant_type=refresh_token&client_id=" .. args[1] .. "&refresh_token=" .. args[2]
  req = wrk.format("POST", "/oauth2/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function request()
  return req
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, non-2xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
