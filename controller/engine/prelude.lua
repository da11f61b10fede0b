-- The experiment API that scripts see: experiment, the probe constructors (http_probe, ...),
-- fault and the chaos table.
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

-- Makes a probe constructor: kind "name" { fields }. The common fields are checked here; the
-- kind's own fields by the kind itself (host.check_probe), which the engine's registry of probe
-- kinds provides. Fields left out stay nil: the engine fills in the defaults.
local function probe_constructor(kind, kind_fields)
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
        during = spec.during ~= false,
        where = host.where(2),
      }
      if spec.every ~= nil then p.every = check_duration(spec.every, what .. ": every", 2) end
      if spec.min_samples ~= nil then
        p.min_samples = check_count(spec.min_samples, what .. ": min_samples", 2)
      end
      if spec.window ~= nil then p.window = check_duration(spec.window, what .. ": window", 2) end
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
      local config = {}
      for _, f in ipairs(kind_fields) do config[f] = spec[f] end
      local err = host.check_probe(kind, config)
      if err then error(what .. ": " .. err, 2) end
      p.config = config
      return setmetatable(p, PROBE)
    end
  end
end

-- One constructor per probe kind: http_probe, scrape_probe, prometheus_probe, ...
local PROBE_KINDS = {}
for _, k in ipairs(host.probe_kinds()) do
  _ENV[k.name] = probe_constructor(k.name, k.fields)
  PROBE_KINDS[#PROBE_KINDS + 1] = k.name
end

-- fault "kind" { ..., duration = "10s" } -------------------------------------------------

local STEP = {}
-- Tables that are a whole method by themselves (a sweep), by metatable: their runner.
local METHODS = {}
-- plugin_host/step_keys.h lists the same keys: a kind may not declare one as a parameter.
local STEP_KEYS = set_of({ "duration", "after", "name" })

function fault(kind)
  if type(kind) ~= "string" or kind == "" then
    error('fault: give the fault kind, like fault "latency" { delay = "200ms", ... }', 2)
  end
  return function(spec)
    local what = 'fault "' .. kind .. '"'
    if type(spec) ~= "table" then error(what .. ": expected a table of parameters", 2) end
    local params = {}
    for k, v in pairs(spec) do
      if not STEP_KEYS[k] then params[k] = v end
    end
    -- A method list needs the duration (experiment checks it); a sweep sets it itself.
    return setmetatable({
      kind = kind,
      params = params,
      duration = spec.duration ~= nil and check_duration(spec.duration, what .. ": duration", 2)
        or nil,
      after = check_duration(spec.after or "0s", what .. ": after", 2),
      name = spec.name,
      where = host.where(2),
    }, STEP)
  end
end

-- experiment { ... } ------------------------------------------------------------------------

local EXPERIMENT_FIELDS = { "title", "description", "seed", "proxies", "steady_state",
  "guardrails", "method", "rollbacks", "recovery", "baseline" }

-- proxies = { name = { ...parameters... } }: the shape here, the parameters by the kind that
-- provides proxies (the engine checks them against its schema).
local function check_proxies(proxies, level)
  if proxies == nil then return {} end
  if type(proxies) ~= "table" then
    error("experiment: proxies: expected a table like { db = { ...the proxy's parameters... } }",
      level + 1)
  end
  for name, p in pairs(proxies) do
    if type(name) ~= "string" or type(p) ~= "table" then
      error("experiment: proxies." .. tostring(name) .. ": expected name = { ...parameters... }",
        level + 1)
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
        error("experiment: " .. field .. "[" .. i .. "] is not a probe (make it with " ..
          table.concat(PROBE_KINDS, ", ") .. ")", 3)
      end
      if names[p.name] then error("experiment: two probes are named '" .. p.name .. "'", 3) end
      names[p.name] = true
    end
    return list
  end
  local probes = check_probes("steady_state")
  local guardrails = check_probes("guardrails")
  if type(def.method) == "table" and METHODS[getmetatable(def.method)] then
    -- a method of its own, like sweep { ... } (engine/sweep.lua)
  elseif type(def.method) == "table" then
    if #def.method == 0 then error("experiment: method: the list is empty", 2) end
    for i, step in ipairs(def.method) do
      if getmetatable(step) ~= STEP then
        error("experiment: method[" .. i .. '] is not a fault (make it with fault "kind" {...})', 2)
      end
      if step.duration == nil then
        error(step.where .. ': fault "' .. step.kind .. "\": 'duration' is required (how long " ..
          'the fault stays on), like duration = "30s"', 0)
      end
    end
  elseif type(def.method) ~= "function" then
    error("experiment: 'method' is required: a list of faults, a function or a sweep", 2)
  end
  if def.rollbacks ~= nil and type(def.rollbacks) ~= "function" then
    error("experiment: rollbacks: expected a function", 2)
  end
  check_settings(def.recovery, { "within" }, "experiment: recovery", 2)
  check_settings(def.baseline, { "warmup", "min", "timeout" }, "experiment: baseline", 2)
  def.proxies = def.proxies or {}
  def.steady_state = probes
  def.guardrails = guardrails
  def.where = host.where(2)
  definition = def
  host.define(def)
end

-- chaos.* ---------------------------------------------------------------------------------

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
  -- The host resolves `proxy = "db"`, validates and starts; a fault comes back (a userdata:
  -- f.id, f.kind, f.name, f:update{...}, f:stop()).
  local fault, err = host.inject(kind, params, options.duration, options.name)
  if not fault then error(err, 2) end
  return fault
end

chaos.sleep = host.sleep
chaos.log = host.log
chaos.now = host.now

-- The names of every probe the experiment declares, sorted, for chaos.probe's errors.
local function probe_names()
  local list = {}
  for _, field in ipairs({ "steady_state", "guardrails" }) do
    for _, p in ipairs(definition[field]) do list[#list + 1] = p.name end
  end
  table.sort(list)
  return list
end

-- chaos.probe("checkout" [, { window = "5s" }]) -> the probe's recent samples as a table:
-- count, errors, error_ratio, p50 ... p999, min, max, mean, last (each also as NAME_ms), over
-- its last `window` (default: the probe's own, 2s). NaN where the window has no value.
function chaos.probe(name, options)
  if type(name) ~= "string" then
    error('chaos.probe(name [, { window = "5s" }]): expected a probe\'s name, got ' .. type(name), 2)
  end
  if not definition then error("chaos.probe: call experiment { ... } first", 2) end
  options = options or {}
  if type(options) ~= "table" then error("chaos.probe: options: expected a table", 2) end
  check_fields(options, { "window" }, "chaos.probe: options", 2)
  if options.window ~= nil then check_duration(options.window, "chaos.probe: window", 2) end
  local known = false
  for _, n in ipairs(probe_names()) do known = known or n == name end
  if not known then
    local names = probe_names()
    error(string.format("chaos.probe: the experiment has no probe named '%s' (%s)", name,
      #names == 0 and "it declares none" or "its probes: " .. table.concat(names, ", ")), 2)
  end
  local reading, err = host.probe(name, options.window)
  if not reading then error(err, 2) end
  return reading
end

-- chaos.wait_for(function() ... end, { timeout = "30s" [, every = "250ms"] }) -> true as soon
-- as the function returns a true value, false once `timeout` has passed without. Between two
-- tries it sleeps (chaos.sleep), so sampling, guardrails and aborts go on while it waits; the
-- CPU budget holds for each try, as for any code between two waits.
function chaos.wait_for(condition, options)
  local usage = 'chaos.wait_for(condition, { timeout = "30s" [, every = "250ms"] })'
  if type(condition) ~= "function" then
    error(usage .. ": condition: expected a function that returns true when the wait is over, " ..
      "got " .. type(condition), 2)
  end
  if type(options) ~= "table" or options.timeout == nil then
    error(usage .. ": 'timeout' is required (how long to wait at most)", 2)
  end
  check_fields(options, { "timeout", "every" }, "chaos.wait_for: options", 2)
  local timeout = host.micros(check_duration(options.timeout, "chaos.wait_for: timeout", 2))
  local every = host.micros(check_duration(options.every or "250ms", "chaos.wait_for: every", 2))
  if every < 10000 then error("chaos.wait_for: every: at least 10ms, got " .. options.every, 2) end
  if not host.may_wait() then
    error("chaos.wait_for can only be used inside the method or rollbacks, not at the top of " ..
      "the file", 2)
  end
  -- The dry run samples nothing: one try for errors, then as if the wait had succeeded, so
  -- the steps after it are checked too.
  if host.dry_run() then
    condition()
    return true
  end
  local deadline = host.now() + timeout / 1e6
  while true do
    if condition() then return true end
    local left = math.floor((deadline - host.now()) * 1e6)
    if left <= 0 then return false end
    host.sleep(math.min(every, left) .. "us")
  end
end

-- A misspelt chaos.* name is an error at the user's line, not a silent nil.
setmetatable(chaos, {
  __index = function(_, name)
    error("chaos." .. tostring(name) .. " does not exist (known: inject, sleep, probe, " ..
      "wait_for, sweep, log, now)", 2)
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
    local fault, err = host.inject(step.kind, step.params, step.duration, step.name)
    if not fault then error(step.where .. ": " .. err, 0) end
    finish = math.max(finish, e.at + host.micros(step.duration))
  end
  if finish > now then host.sleep(math.tointeger(finish - now) .. "us") end
end

-- What extensions loaded after this file (engine/sweep.lua) share with it.
host.prelude = {
  STEP = STEP,
  methods = METHODS,
  check_fields = check_fields,
  check_duration = check_duration,
  -- Whether `name` is a steady-state probe judged while the faults are on.
  is_steady_state_probe = function(name)
    for _, p in ipairs(definition and definition.steady_state or {}) do
      if p.name == name then return p.during end
    end
    return false
  end,
}

host.entry_points({
  method = function()
    local runner = METHODS[getmetatable(definition.method) or false]
    if runner then
      runner(definition.method)
    elseif type(definition.method) == "function" then
      definition.method()
    else
      run_steps(definition.method)
    end
  end,
  rollbacks = function()
    if definition.rollbacks then definition.rollbacks() end
  end,
})
