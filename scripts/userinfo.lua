-- wrk script: every request carries the next token from a file of distinct valid tokens, or with
-- `cookie` the next session cookie value (sent as the session cookie with X-CSRF: 1).
-- Usage: wrk ... -s scripts/userinfo.lua URL -- tokens.txt [cookie]
-- Requests are formatted once in init, so the load generator spends its CPU on sending,
-- not on building strings (it shares the machine with the server).
local requests = {}
local position = 0

function setup(thread)
  thread_count = (thread_count or 0) + 1
  thread:set("index", thread_count)
end

function init(args)
  local index = tonumber(wrk.thread:get("index")) or 1
  local n = 0
  for line in io.lines(args[1]) do
    if #line > 0 then
      n = n + 1
      -- Thread k takes every other token, so no two threads send the same one.
      if n % 2 == index % 2 then
        local headers
        if args[2] == "cookie" then
          headers = { ["Cookie"] = "__Host-gatehouse=" .. line, ["X-CSRF"] = "1" }
        else
          headers = { ["Authorization"] = "Bearer " .. line }
        end
        requests[#requests + 1] = wrk.format("GET", os.getenv("WRK_PATH") or "/userinfo", headers)
      end
    end
  end
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, non-2xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
