-- The experiment API that scripts see: experiment, http_probe, fault and the chaos table.
-- It checks every field where the script writes it, so a mistake is reported at the user's
-- file and line; the host's private functions (`host`) do the real work.
local host = ...

local definition

-- Helpers ----------------------------------------------------------------------------------

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local function check_fields(tbl, known_list, what, level)
  local known = set_of(known_list)
  for k in pairs(tbl) do
    if type(k) ~= "string" or not known[k] then
      error(string.format("%s: unknown field '%s' (known: %s)", what, tostring(k),
        table.concat(known_list, ", ")), level + 1)
    end
  end
end

local function check_duration(value, what, level)
  if type(value) ~= "string" then
    error(string.format('%s: expected a duration like "250ms" or "30s", got %s', what,
      type(value)), level + 1)
  end
  local err = host.check_duration(value)
  if err then error(what .. ": " .. err, level + 1) end
  return value
end

local function check_count(value, what, level)
  if math.type(value) ~= "integer" or value < 1 then
    error(what .. ": expected a whole number of at least 1, got " .. tostring(value), level + 1)
  end
  return value
end

-- http_probe "name" { ... } ----------------------------------------------------------------

local PROBE = {}
local COMMON_PROBE_FIELDS = { "every", "min_samples", "expect", "during", "window" }

-- A limit is a number, or a factor of the baseline's value: "1.5x baseline".
local function limit(value, what, level)
  if type(value) == "number" then return value, nil end
  if type(value) == "string" then
    local factor = value:match("^%s*([%d%.]+)%s*x%s*baseline%s*$")
    if factor and tonumber(factor) then return nil, tonumber(factor) end
  end
  error(what .. ': expected a number or a factor of the baseline like "1.5x baseline", got ' ..
    tostring(value), level + 1)
end

local function expectations(expect, what, level)
  if type(expect) ~= "table" or next(expect) == nil then
    error(what .. ": 'expect' is required, like expect = { p99_ms = { max = 300 }, " ..
      "error_ratio = { max = 0.01 } }, or a function(w) returning true when w is healthy",
      level + 1)
  end
  local list = {}
  for name, bound in pairs(expect) do
    local err = host.check_aggregate(tostring(name))
    if err then error(what .. ": expect: " .. err, level + 1) end
    local e = { aggregate = name }
    if type(bound) == "number" then
      e.max = bound
    elseif type(bound) == "table" then
      check_fields(bound, { "min", "max" }, what .. ": expect." .. name, level + 1)
      if bound.min == nil and bound.max == nil then
        error(what .. ": expect." .. name .. ": give a min, a max or both", level + 1)
      end
      for _, side in ipairs({ "min", "max" }) do
        if bound[side] ~= nil then
          local absolute, factor = limit(bound[side], what .. ": expect." .. name .. "." .. side,
            level + 1)
          e[side], e[side .. "_x_baseline"] = absolute, factor
        end
      end
    else
      error(what .. ": expect." .. name .. ": expected a number (the maximum) or " ..
        "{ min = ..., max = ... }", level + 1)
    end
    list[#list + 1] = e
  end
  table.sort(list, function(a, b) return a.aggregate < b.aggregate end)
  return list
end

local function check_url(value, what, field, level)
  if type(value) ~= "string" or not value:match("^https?://") then
    error(what .. ": '" .. field .. "' is required and must start with http:// or https://",
      level + 1)
  end
  return value
end

local function check_on_error(value, what, level)
  if value == nil then return "fail" end
  if value ~= "fail" and value ~= "ignore" then
    error(what .. ': on_error: expected "fail" (a failed reading fails the check; the default) ' ..
      'or "ignore"', level + 1)
  end
  return value
end

-- Makes a probe constructor: kind "name" { fields }. `build` checks and copies the kind's own
-- fields; it reports errors at level 3 (build, the constructor, the user's line).
local function probe_constructor(kind, kind_fields, default_every, build)
  local fields = {}
  for _, f in ipairs(COMMON_PROBE_FIELDS) do fields[#fields + 1] = f end
  for _, f in ipairs(kind_fields) do fields[#fields + 1] = f end
  return function(name)
    if type(name) ~= "string" or name == "" then
      error(kind .. ': give the probe a name, like ' .. kind .. ' "checkout" { ... }', 2)
    end
    return function(spec)
      local what = kind .. ' "' .. name .. '"'
      if type(spec) ~= "table" then error(what .. ": expected a table of settings", 2) end
      check_fields(spec, fields, what, 2)
      local p = {
        kind = kind,
        name = name,
        every = check_duration(spec.every or default_every, what .. ": every", 2),
        min_samples = check_count(spec.min_samples or 10, what .. ": min_samples", 2),
        min_samples_given = spec.min_samples ~= nil,
        during = spec.during ~= false,
        window = check_duration(spec.window or "2s", what .. ": window", 2),
        where = host.where(2),
      }
      -- expect: a table of bounds, or a function(w) returning ok [, why] (the escape hatch).
      if type(spec.expect) == "function" then
        local predicate = spec.expect
        p.predicate = host.keep(function()
          local ok, why = predicate(host.window())
          return ok and true or false, why ~= nil and tostring(why) or nil
        end)
        p.expect = {}
      else
        p.expect = expectations(spec.expect, what, 2)
      end
      build(p, spec, what)
      return setmetatable(p, PROBE)
    end
  end
end

-- http_probe "checkout" { url = ..., expect = { p99_ms = 300 } }: latency in ms per request.
http_probe = probe_constructor("http_probe",
  { "url", "method", "timeout", "status", "body_contains" }, "250ms",
  function(p, spec, what)
    p.url = check_url(spec.url, what, "url", 3)
    if spec.status ~= nil and (math.type(spec.status) ~= "integer" or spec.status < 100 or
        spec.status > 599) then
      error(what .. ": status: expected an HTTP status code like 200", 3)
    end
    if spec.body_contains ~= nil and type(spec.body_contains) ~= "string" then
      error(what .. ": body_contains: expected a string", 3)
    end
    p.method = spec.method or "GET"
    p.timeout = check_duration(spec.timeout or "2s", what .. ": timeout", 3)
    p.status, p.body_contains = spec.status, spec.body_contains
  end)

-- scrape_probe "p99" { url = ".../metrics", histogram = "x_seconds", quantile = 0.99, over = "30s" }
-- One of: gauge = "sel", rate = "sel", histogram = "name" (+ quantile), ratio = { "num", "den" }.
scrape_probe = probe_constructor("scrape_probe",
  { "url", "gauge", "rate", "histogram", "quantile", "ratio", "selector", "over", "timeout",
    "on_error", "unit" }, "250ms",
  function(p, spec, what)
    p.url = check_url(spec.url, what, "url", 3)
    local chosen = {}
    for _, k in ipairs({ "gauge", "rate", "histogram", "ratio" }) do
      if spec[k] ~= nil then chosen[#chosen + 1] = k end
    end
    if #chosen ~= 1 then
      error(what .. ": give exactly one of gauge = \"metric\", rate = \"metric\", " ..
        "histogram = \"metric\" (with quantile), ratio = { \"numerator\", \"denominator\" }", 3)
    end
    p.what = chosen[1] == "histogram" and "quantile" or chosen[1]
    if p.what == "ratio" then
      if type(spec.ratio) ~= "table" or type(spec.ratio[1]) ~= "string" or
          type(spec.ratio[2]) ~= "string" then
        error(what .. ': ratio: expected { "numerator selector", "denominator selector" }', 3)
      end
      p.numerator, p.denominator = spec.ratio[1], spec.ratio[2]
    else
      if type(spec[chosen[1]]) ~= "string" then
        error(what .. ": " .. chosen[1] .. ": expected a metric name or selector", 3)
      end
      p.metric = spec[chosen[1]]
    end
    if spec.quantile ~= nil and (type(spec.quantile) ~= "number" or spec.quantile < 0 or
        spec.quantile > 1 or p.what ~= "quantile") then
      error(what .. ": quantile: a number from 0 to 1, with histogram = ...", 3)
    end
    p.quantile = spec.quantile or 0.99
    if spec.selector ~= nil and type(spec.selector) ~= "string" then
      error(what .. ": selector: expected extra matchers like 'code=~\"5..\"'", 3)
    end
    p.selector = spec.selector
    p.over = check_duration(spec.over or "30s", what .. ": over", 3)
    p.timeout = check_duration(spec.timeout or "2s", what .. ": timeout", 3)
    p.on_error = check_on_error(spec.on_error, what, 3)
    p.unit = spec.unit
  end)

-- prometheus_probe "p99" { url = "http://127.0.0.1:9090", query = "..." [, range = "30s",
-- step = "1s", reduce = "max"] }
prometheus_probe = probe_constructor("prometheus_probe",
  { "url", "query", "range", "step", "reduce", "timeout", "on_error", "unit" }, "1s",
  function(p, spec, what)
    p.url = check_url(spec.url, what, "url", 3)
    if type(spec.query) ~= "string" or spec.query == "" then
      error(what .. ": 'query' is required (PromQL)", 3)
    end
    p.query = spec.query
    if spec.range ~= nil then p.range = check_duration(spec.range, what .. ": range", 3) end
    if spec.step ~= nil then p.step = check_duration(spec.step, what .. ": step", 3) end
    if spec.reduce ~= nil and spec.range == nil then
      error(what .. ": reduce applies to range queries: give range = \"30s\" too", 3)
    end
    local reduce = spec.reduce or "last"
    if reduce ~= "last" and reduce ~= "min" and reduce ~= "max" and reduce ~= "mean" then
      error(what .. ': reduce: expected "last", "min", "max" or "mean"', 3)
    end
    p.reduce = reduce
    p.timeout = check_duration(spec.timeout or "2s", what .. ": timeout", 3)
    p.on_error = check_on_error(spec.on_error, what, 3)
    p.unit = spec.unit
  end)

-- fault "kind" { ..., duration = "10s" } -------------------------------------------------

local STEP = {}
local STEP_KEYS = set_of({ "duration", "after", "name" })

function fault(kind)
  if type(kind) ~= "string" or kind == "" then
    error('fault: give the fault kind, like fault "latency" { delay = "200ms", ... }', 2)
  end
  return function(spec)
    local what = 'fault "' .. kind .. '"'
    if type(spec) ~= "table" then error(what .. ": expected a table of parameters", 2) end
    if spec.duration == nil then
      error(what .. ": 'duration' is required (how long the fault stays on), like " ..
        'duration = "30s"', 2)
    end
    local params = {}
    for k, v in pairs(spec) do
      if not STEP_KEYS[k] then params[k] = v end
    end
    return setmetatable({
      kind = kind,
      params = params,
      duration = check_duration(spec.duration, what .. ": duration", 2),
      after = check_duration(spec.after or "0s", what .. ": after", 2),
      name = spec.name,
      where = host.where(2),
    }, STEP)
  end
end

-- experiment { ... } ------------------------------------------------------------------------

local EXPERIMENT_FIELDS = { "title", "description", "seed", "proxies", "steady_state",
  "guardrails", "method", "rollbacks", "recovery", "baseline" }

local function check_proxies(proxies, level)
  if proxies == nil then return {} end
  if type(proxies) ~= "table" then
    error("experiment: proxies: expected a table like { db = { listen = ..., upstream = ... } }",
      level + 1)
  end
  for name, p in pairs(proxies) do
    local what = "experiment: proxies." .. tostring(name)
    if type(name) ~= "string" or type(p) ~= "table" then
      error(what .. ": expected name = { listen = \"127.0.0.1:PORT\", upstream = ... }", level + 1)
    end
    check_fields(p, { "listen", "upstream" }, what, level + 1)
    for _, field in ipairs({ "listen", "upstream" }) do
      if type(p[field]) ~= "string" then
        error(what .. ": '" .. field .. "' is required (host:port)", level + 1)
      end
    end
  end
  return proxies
end

local function check_settings(tbl, fields, what, level)
  if tbl == nil then return {} end
  if type(tbl) ~= "table" then error(what .. ": expected a table", level + 1) end
  check_fields(tbl, fields, what, level + 1)
  for _, f in ipairs(fields) do
    if tbl[f] ~= nil then check_duration(tbl[f], what .. "." .. f, level + 1) end
  end
  return tbl
end

function experiment(def)
  if type(def) ~= "table" then
    error('experiment: expected a table, like experiment { title = "...", method = ... }', 2)
  end
  if definition then error("experiment: defined twice; a file holds one experiment", 2) end
  check_fields(def, EXPERIMENT_FIELDS, "experiment", 2)
  if type(def.title) ~= "string" or def.title == "" then
    error("experiment: 'title' is required (a short sentence)", 2)
  end
  if def.description ~= nil and type(def.description) ~= "string" then
    error("experiment: description: expected a string", 2)
  end
  if def.seed ~= nil and math.type(def.seed) ~= "integer" then
    error("experiment: seed: expected a whole number", 2)
  end
  check_proxies(def.proxies, 2)
  local names = {}
  local function check_probes(field)
    local list = def[field] or {}
    if type(list) ~= "table" then error("experiment: " .. field .. ": expected a list of probes", 3) end
    for i, p in ipairs(list) do
      if getmetatable(p) ~= PROBE then
        error("experiment: " .. field .. "[" .. i .. "] is not a probe (make it with http_probe, " ..
          "scrape_probe or prometheus_probe)", 3)
      end
      if names[p.name] then error("experiment: two probes are named '" .. p.name .. "'", 3) end
      names[p.name] = true
    end
    return list
  end
  local probes = check_probes("steady_state")
  local guardrails = check_probes("guardrails")
  -- A guardrail acts on a short window; unless told otherwise, 3 samples are enough.
  for _, g in ipairs(guardrails) do
    if not g.min_samples_given then g.min_samples = 3 end
  end
  if type(def.method) == "table" then
    if #def.method == 0 then error("experiment: method: the list is empty", 2) end
    for i, step in ipairs(def.method) do
      if getmetatable(step) ~= STEP then
        error("experiment: method[" .. i .. '] is not a fault (make it with fault "kind" {...})', 2)
      end
    end
  elseif type(def.method) ~= "function" then
    error("experiment: 'method' is required: a list of faults or a function", 2)
  end
  if def.rollbacks ~= nil and type(def.rollbacks) ~= "function" then
    error("experiment: rollbacks: expected a function", 2)
  end
  check_settings(def.recovery, { "within" }, "experiment: recovery", 2)
  check_settings(def.baseline, { "timeout" }, "experiment: baseline", 2)
  def.proxies = def.proxies or {}
  def.steady_state = probes
  def.guardrails = guardrails
  def.where = host.where(2)
  definition = def
  host.define(def)
end

-- chaos.* ---------------------------------------------------------------------------------

-- A fault with `proxy = "db"` acts on the proxy declared under that name.
local function resolve_proxy(params)
  if params.proxy == nil then return params end
  local p = definition and definition.proxies[params.proxy]
  if not p then
    return nil, "unknown proxy '" .. tostring(params.proxy) ..
        "' (declare it in experiment { proxies = { name = { listen = ..., upstream = ... } } })"
  end
  local out = {}
  for k, v in pairs(params) do
    if k ~= "proxy" then out[k] = v end
  end
  out.listen = out.listen or p.listen
  out.upstream = out.upstream or p.upstream
  return out
end

local function start_fault(kind, params, duration, name)
  local resolved, err = resolve_proxy(params)
  if not resolved then return nil, kind .. ": " .. err end
  return host.inject(kind, resolved, duration, name)
end

local Fault = {}
Fault.__index = Fault

function Fault:stop()
  local ok, err = host.stop(self.id)
  if not ok then error(err, 2) end
end

-- Changes a running fault: the given fields replace the current ones.
function Fault:update(changes)
  if type(changes) ~= "table" then error("update: expected a table of parameters", 2) end
  local params = {}
  for k, v in pairs(self.params) do params[k] = v end
  for k, v in pairs(changes) do params[k] = v end
  local resolved, err = resolve_proxy(params)
  if not resolved then error(self.kind .. ": " .. err, 2) end
  local ok, update_err = host.update(self.id, resolved)
  if not ok then error(update_err, 2) end
  self.params = params
end

chaos = {}

-- chaos.inject(kind, params [, { duration = "10s", name = "db-latency" }]) -> fault
function chaos.inject(kind, params, options)
  if type(kind) ~= "string" or type(params) ~= "table" then
    error("chaos.inject(kind, params [, options]): expected a kind name and a table", 2)
  end
  options = options or {}
  if type(options) ~= "table" then error("chaos.inject: options: expected a table", 2) end
  check_fields(options, { "duration", "name" }, "chaos.inject: options", 2)
  if options.duration ~= nil then check_duration(options.duration, "chaos.inject: duration", 2) end
  local id, err = start_fault(kind, params, options.duration, options.name)
  if not id then error(err, 2) end
  return setmetatable({ id = id, kind = kind, params = params }, Fault)
end

chaos.sleep = host.sleep
chaos.log = host.log
chaos.now = host.now

-- A misspelt chaos.* name is an error at the user's line, not a silent nil.
setmetatable(chaos, {
  __index = function(_, name)
    error("chaos." .. tostring(name) .. " does not exist (known: inject, sleep, log, now)", 2)
  end,
})

function print(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  host.log(table.concat(parts, "\t"))
end

-- Runs a method list: every fault starts at its `after` and the host stops it when its
-- duration is over; the method ends when the last one has.
local function run_steps(steps)
  local order = {}
  for i, step in ipairs(steps) do
    order[i] = { at = host.micros(step.after), step = step }
  end
  table.sort(order, function(a, b) return a.at < b.at end)
  local now, finish = 0, 0
  for _, e in ipairs(order) do
    if e.at > now then
      host.sleep(math.tointeger(e.at - now) .. "us")
      now = e.at
    end
    local step = e.step
    local id, err = start_fault(step.kind, step.params, step.duration, step.name)
    if not id then error(step.where .. ": " .. err, 0) end
    finish = math.max(finish, e.at + host.micros(step.duration))
  end
  if finish > now then host.sleep(math.tointeger(finish - now) .. "us") end
end

host.entry_points({
  method = function()
    if type(definition.method) == "function" then
      definition.method()
    else
      run_steps(definition.method)
    end
  end,
  rollbacks = function()
    if definition.rollbacks then definition.rollbacks() end
  end,
})
