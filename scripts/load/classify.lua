-- wrk script for scripts/load-test.sh: POST /v1/classify with one text per request, cycling through the bodies
-- in the file given after `--` (one JSON body per line), then prints one RESULT line with the figures.
local bodies = {}
local counter = 0
local headers = {["Content-Type"] = "application/json"}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  counter = math.random(#bodies)
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/v1/classify", headers, bodies[(counter % #bodies) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f requests_per_s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
