-- sweep { ... }: raises one parameter of one fault step by step, live (fault:update, no
-- restart), judges the hypothesis over each step's window alone, and stops at the first step
-- that breaks: the tipping point lies between the last magnitude that held and that one.
-- Loaded right after the prelude (engine/prelude.lua), which hands over what it shares in
-- `prelude`; the host's sweep_step and sweep_end judge and store each step (lua_sweep_api.h).
local host, prelude = ...

local SWEEP = {}
local FIELDS = { "fault", "param", "from", "to", "step", "factor", "hold", "settle", "until",
  "max_steps" }
local DEFAULT_MAX_STEPS = 100
local sweeps_run = 0

-- "150ms" for 150000 µs: the largest unit that writes it whole.
local function format_micros(us)
  if us % 1000000 == 0 then return math.tointeger(us // 1000000) .. "s" end
  if us % 1000 == 0 then return math.tointeger(us // 1000) .. "ms" end
  return math.tointeger(us) .. "us"
end

local function is_duration(value) return type(value) == "string" end

-- The magnitudes from `from` up to `to`, `to` itself last, each as the fault is given it
-- (`given`), as people read it (`text`) and as a number for curves (`value`, ms for durations).
local function magnitudes(s, what, level)
  local list = {}
  local function add(x)
    local m
    if s.durations then
      x = math.floor(x + 0.5)
      m = { given = format_micros(x), value = x / 1000, unit = "ms" }
    else
      if s.integers then x = math.floor(x + 0.5) end
      m = { given = x, value = x, unit = "" }
    end
    m.text = tostring(m.given)
    if #list > 0 and list[#list].value == m.value then return end  -- rounding made a repeat
    list[#list + 1] = m
    if #list > s.max_steps then  -- level + 2: add, magnitudes, then the caller's caller
      error(string.format("%s: more than %d steps from %s to %s; take a bigger step or factor, " ..
        "or raise max_steps", what, s.max_steps, tostring(s.from), tostring(s.to)), level + 2)
    end
  end
  local from, to = s.from_n, s.to_n
  local i = 0
  while true do
    local x = s.factor and from * s.factor ^ i or from + i * s.step_n
    -- A hair of tolerance, so 0.1 + 0.1 + 0.1 still reaches 0.3.
    if x > to * (1 + 1e-9) + 1e-12 then break end
    add(x)
    i = i + 1
  end
  if list[#list].value < (s.durations and to / 1000 or to) then add(to) end
  return list
end

local function number_of(value, durations, what, level)
  if durations then
    if type(value) ~= "string" then
      error(what .. ': expected a duration like "50ms" (as from is), got ' .. type(value),
        level + 1)
    end
    local us, err = host.micros(value)
    if not us then error(what .. ": " .. err, level + 1) end
    return us
  end
  if type(value) ~= "number" then
    error(what .. ": expected a number (as from is), got " .. type(value), level + 1)
  end
  return value
end

-- sweep { fault = fault "latency" {...}, param = "delay", from = "50ms", to = "1s",
--         step = "50ms" | factor = 2, hold = "10s", settle = "0s", until = "steady_state" }
function sweep(spec)
  local what = "sweep"
  if type(spec) ~= "table" then
    error('sweep: expected a table, like sweep { fault = fault "latency" { proxy = "db" }, ' ..
      'param = "delay", from = "50ms", to = "1s", step = "50ms", hold = "10s" }', 2)
  end
  prelude.check_fields(spec, FIELDS, what, 2)
  local f = spec.fault
  if getmetatable(f) ~= prelude.STEP then
    error('sweep: fault: expected a fault, like fault = fault "latency" { proxy = "db" }', 2)
  end
  if f.duration ~= nil then
    error("sweep: fault: leave out 'duration': the sweep holds the fault for as many steps " ..
      "as it takes (hold each)", 2)
  end
  if type(spec.param) ~= "string" or spec.param == "" then
    error('sweep: param: the parameter to raise is required, like param = "delay"', 2)
  end
  if f.params[spec.param] ~= nil then
    error("sweep: the fault sets '" .. spec.param .. "' itself; leave it to the sweep's " ..
      "from and to", 2)
  end
  if spec.from == nil or spec.to == nil then
    error("sweep: from and to are required: the first and the last magnitude", 2)
  end
  local s = {
    fault = f, param = spec.param, from = spec.from, to = spec.to, where = host.where(2),
    durations = is_duration(spec.from),
    max_steps = spec.max_steps or DEFAULT_MAX_STEPS,
  }
  if type(spec.from) ~= "string" and type(spec.from) ~= "number" then
    error('sweep: from: expected a duration like "50ms" or a number, got ' .. type(spec.from), 2)
  end
  s.from_n = number_of(spec.from, s.durations, "sweep: from", 2)
  s.to_n = number_of(spec.to, s.durations, "sweep: to", 2)
  if s.to_n <= s.from_n then error("sweep: to must be above from (a sweep raises)", 2) end
  if (spec.step == nil) == (spec.factor == nil) then
    error("sweep: give step (added each time) or factor (multiplied each time), not both", 2)
  end
  if spec.step ~= nil then
    s.step_n = number_of(spec.step, s.durations, "sweep: step", 2)
    if s.step_n <= 0 then error("sweep: step must be above 0", 2) end
  else
    if type(spec.factor) ~= "number" or spec.factor <= 1 then
      error("sweep: factor: expected a number above 1, like factor = 2", 2)
    end
    if s.from_n <= 0 then error("sweep: factor needs from above 0", 2) end
    s.factor = spec.factor
  end
  s.integers = not s.durations and math.type(spec.from) == "integer" and
    math.type(spec.to) == "integer" and (spec.step == nil or math.type(spec.step) == "integer")
  if spec.hold == nil then
    error('sweep: hold is required: how long each step lasts, like hold = "10s"', 2)
  end
  s.hold = prelude.check_duration(spec.hold, "sweep: hold", 2)
  s.settle = prelude.check_duration(spec.settle or "0s", "sweep: settle", 2)
  if host.micros(s.settle) >= host.micros(s.hold) then
    error("sweep: settle must be shorter than hold (it is the start of each step left unjudged)", 2)
  end
  if spec["until"] ~= nil and type(spec["until"]) ~= "string" then
    error('sweep: until: expected "steady_state" or the name of a steady-state probe', 2)
  end
  s["until"] = spec["until"] or "steady_state"
  if math.type(s.max_steps) ~= "integer" or s.max_steps < 1 or s.max_steps > 1000 then
    error("sweep: max_steps: expected a whole number from 1 to 1000", 2)
  end
  s.magnitudes = magnitudes(s, what, 2)
  return setmetatable(s, SWEEP)
end

local function copy(t)
  local out = {}
  for k, v in pairs(t) do out[k] = v end
  return out
end

-- "exp.lua:12: x" -> "x": the sweep names its own line instead.
local function without_where(message)
  return (tostring(message):gsub("^[^\n]-:%d+: ", "", 1))
end

-- Runs a sweep; returns what it found:
--   { steps = { { step, magnitude, outcome, reason, checks }, ... },
--     last_good = magnitude or nil, first_bad = magnitude or nil, broke = bool }
local function run(s)
  local where = s.where
  local probe = s["until"]
  if probe ~= "steady_state" and not prelude.is_steady_state_probe(probe) then
    error(where .. ": sweep: until: '" .. probe .. "' is not a steady-state probe judged " ..
      "while faults are on (give \"steady_state\" or one of its probes' names)", 0)
  end
  sweeps_run = sweeps_run + 1
  local n = sweeps_run
  local settle = host.micros(s.settle) / 1e6
  local params = copy(s.fault.params)
  params[s.param] = s.magnitudes[1].given
  local f, err = host.inject(s.fault.kind, params, nil, s.fault.name)
  if not f then error(where .. ": sweep: " .. err, 0) end
  local result = { steps = {}, broke = false }
  local inconclusive = false
  for i, m in ipairs(s.magnitudes) do
    if i > 1 then
      local ok, update_err = pcall(f.update, f, { [s.param] = m.given })
      if not ok then
        error(where .. ": sweep step " .. i .. " (" .. s.param .. " " .. m.text .. "): " ..
          without_where(update_err), 0)
      end
    end
    local started = host.now()
    host.sleep(s.hold)
    local verdict, judge_err = host.sweep_step({
      sweep = n, step = i, fault_id = f.id, fault = f.name, kind = f.kind, param = s.param,
      magnitude = m.text, value = m.value, unit = m.unit,
      from = started + settle, to = host.now(),
      ["until"] = probe ~= "steady_state" and probe or nil,
    })
    if not verdict then error(where .. ": sweep step " .. i .. ": " .. judge_err, 0) end
    result.steps[i] = { step = i, magnitude = m.given, outcome = verdict.outcome,
      reason = verdict.reason, checks = verdict.checks }
    if verdict.outcome == "held" then
      result.last_good = m.given
    else
      if verdict.outcome == "broke" then
        result.first_bad, result.broke = m.given, true
      else
        inconclusive = true
      end
      break
    end
  end
  f:stop()
  host.sweep_end({ sweep = n, fault = f.name, kind = f.kind, param = s.param,
    steps = #result.steps, last_good = result.last_good and tostring(result.last_good),
    first_bad = result.first_bad and tostring(result.first_bad), inconclusive = inconclusive })
  return result
end

prelude.methods[SWEEP] = run

-- chaos.sweep { ... } in a method function: the same, run at once, returning what it found.
rawset(chaos, "sweep", function(spec)
  if getmetatable(spec) ~= SWEEP then
    local ok, made = pcall(sweep, spec)
    if not ok then error(without_where(made), 2) end
    spec = made
    spec.where = host.where(2)
  end
  return run(spec)
end)
