-- wrk.lua - wrk's figures as one line for bench/run.sh, and Range requests on demand.
--
--   wrk ... -s bench/wrk.lua URL                        plain GETs of URL
--   wrk ... -s bench/wrk.lua URL -- range SIZE [LEN]    GETs of LEN-byte ranges (1 MiB) of a
--                                                      SIZE-byte file, stepping through it
--
-- At the end prints "BENCH requests duration_us bytes p50_us p99_us socket_errors status_errors".
function init(args)
   if args[1] == "range" then
      local size = tonumber(args[2])
      local len = tonumber(args[3] or 1048576)
      local slots = math.max(1, math.floor(size / len))
      local n = 0
      -- Every thread walks the slots in the same order, a prime step apart, so that the ranges
      -- spread over the whole file alike on every run and for every server.
      request = function()
         local first = ((n * 7919) % slots) * len
         local last = math.min(first + len, size) - 1
         n = n + 1
         return wrk.format(nil, nil, { ["Range"] = "bytes=" .. first .. "-" .. last })
      end
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("BENCH %d %d %d %.0f %.0f %d %d\n", summary.requests, summary.duration,
      summary.bytes, latency:percentile(50), latency:percentile(99),
      e.connect + e.read + e.write + e.timeout, e.status))
end
