-- wrk script: every request carries the next token from a file of distinct valid tokens.
-- Usage: wrk ... -s scripts/userinfo.lua URL -- tokens.txt
local tokens = {}
local position = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  -- Each wrk thread walks its own stride of the list.
  local thread_index = tonumber(wrk.thread:get("index")) or 0
  position = thread_index
end

function setup(thread)
  setup_count = (setup_count or 0)
  thread:set("index", setup_count)
  setup_count = setup_count + 1
end

function request()
  position = position % #tokens + 1
  return wrk.format("GET", "/userinfo", { ["Authorization"] = "Bearer " .. tokens[position] })
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, non-2xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
