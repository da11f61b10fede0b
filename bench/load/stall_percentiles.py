"""The flood's whole-run percentiles under a 1 s server stall, through `chaosctl run`, against an
independent open-loop reference measuring the same stall (bench/load/open_loop.cpp).

Each run: `chaosctl run` of an experiment that floods nginx at RATE/s for SECONDS, and at the
same time the reference client at the same rate on the same nginx; halfway through, the nginx
worker is SIGSTOPped for 1 s. Both clients measure latency from the intended send time, so both
see the stall as users would. The flood's figures are its final status as `chaosctl show --json`
gives it (faults[].final_status.latency), taken after its stop. Used by bench/load/run.
"""
import json, os, statistics, subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOLERANCE = 0.10  # the flood's p99 and p99.9 within ±10 % of the reference's


def build_reference(build_dir):
    out = f"{build_dir}/bench/open_loop"
    src = f"{ROOT}/bench/load/open_loop.cpp"
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.check_call(["g++", "-std=c++20", "-O2", src, "-o", out])
    return out


def one_run(chaosctl, reference, nginx, stall_after, workdir, index, rate, seconds, connections):
    db = f"{workdir}/stall-{index}.db"
    experiment = f"{workdir}/stall-{index}.lua"
    with open(experiment, "w") as f:
        f.write(f"""experiment {{
  title = "flood at {rate}/s while the server stalls 1 s",
  method = {{ fault "flood" {{ name = "flood", target = "{nginx.url()}", rate = {rate},
                              connections = {connections}, duration = "{seconds}s" }} }},
}}
""")
    with open(f"{workdir}/stall-{index}.log", "w") as log:
        run = subprocess.Popen([chaosctl, "--db", db, "--no-color", "run", experiment], stdout=log,
                               stderr=subprocess.STDOUT)
        ref = subprocess.Popen([reference, "127.0.0.1", str(nginx.port), "/", str(rate), str(seconds),
                                str(connections)], stdout=subprocess.PIPE, text=True)
        stall = stall_after(nginx, seconds / 2)
        ref_out, _ = ref.communicate(timeout=seconds + 30)
        code = run.wait(timeout=seconds + 60)
        stall.join()
    if code != 0:
        raise RuntimeError(f"chaosctl run exited {code}: see {workdir}/stall-{index}.log")
    shown = json.loads(subprocess.check_output([chaosctl, "--db", db, "show", "1", "--json"]))
    flood = next(f for f in shown["faults"] if f["kind"] == "flood")
    started = next(e["unix_ms"] for e in shown["events"] if e["kind"] == "fault_start")
    reference_figures = json.loads(ref_out)
    return {"flood": flood["final_status"], "reference": reference_figures,
            "flood_started_after_ms": started - reference_figures["start_unix_ms"]}


def check(build_dir, nginx, stall_after, workdir, runs=5, rate=1000, seconds=10, connections=2000):
    """Prints the comparison; returns False when the median ratio of p99 or p99.9 is off by more
    than TOLERANCE."""
    chaosctl = f"{build_dir}/bin/chaosctl"
    if not os.access(chaosctl, os.X_OK):
        raise SystemExit(f"{chaosctl} not built: ninja -C {build_dir} chaosctl chaos_load")
    reference = build_reference(build_dir)
    load_before = os.getloadavg()
    rows = []
    for i in range(runs):
        r = one_run(chaosctl, reference, nginx, stall_after, workdir, i, rate, seconds, connections)
        f, ref = r["flood"]["latency"], r["reference"]
        rows.append((f["p99_ms"], ref["p99_ms"], f["p999_ms"], ref["p999_ms"]))
        print(f"  run {i+1}: chaosctl flood p50 {f['p50_ms']:.1f} p90 {f['p90_ms']:.1f} p99 {f['p99_ms']:.1f} "
              f"p99.9 {f['p999_ms']:.1f} max {f['max_ms']:.1f} ms ({f['count']} responses) | reference "
              f"p50 {ref['p50_ms']:.1f} p90 {ref['p90_ms']:.1f} p99 {ref['p99_ms']:.1f} p99.9 {ref['p999_ms']:.1f} "
              f"max {ref['max_ms']:.1f} ms ({ref['count']} responses, {ref['errors']} errors); flood started "
              f"{r['flood_started_after_ms']} ms after the reference")
    load_after = os.getloadavg()
    ratio99 = statistics.median(x[0] / x[1] for x in rows)
    ratio999 = statistics.median(x[2] / x[3] for x in rows)
    within = sum(abs(x[0] / x[1] - 1) <= TOLERANCE and abs(x[2] / x[3] - 1) <= TOLERANCE for x in rows)
    ok = abs(ratio99 - 1) <= TOLERANCE and abs(ratio999 - 1) <= TOLERANCE
    med = lambda k: statistics.median(x[k] for x in rows)
    print(f"5. whole-run percentiles through chaosctl run, 1 s stall at {rate}/s in {seconds} s (medians of {runs}): "
          f"flood p99 {med(0):.0f} ms vs open-loop reference {med(1):.0f} ms (ratio {ratio99:.3f}), "
          f"p99.9 {med(2):.0f} vs {med(3):.0f} ms (ratio {ratio999:.3f}); both within ±{TOLERANCE:.0%} in "
          f"{within}/{runs} runs: {'OK' if ok else 'FAILED'}; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after")
    return ok
