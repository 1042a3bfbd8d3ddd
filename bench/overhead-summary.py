#!/usr/bin/env python3
"""Summary of bench/tls-overhead.sh and bench/plaintext-overhead.sh (KIND=plaintext): medians over rounds,
side by side, and the targets of their issues.

Reads, from the run's work directory: runs.tsv (wrk: name requests rps p50 p99 errors), cpu.tsv (name
proc nginx client machine window warm_requests switches steal: seconds of CPU over the timed window, the
machine's context switches in it, the seconds the hypervisor ran others while its CPUs wanted to run),
rate.tsv (h2load at a fixed rate: name requests rps p50 p99 p999 failed), threads.tsv (name event jit gc
other: the agent's CPU over the window by thread group, seconds) and the agents' logs (their exit summary).
"""
import json
import os
import re
import statistics
import sys

check_round = None
if sys.argv[1] == "--disturbed":  # lib.sh round_undisturbed: exits 1 when round N of WORK was disturbed
    work, check_round, rate_goal = sys.argv[2], int(sys.argv[3]), 0.0
else:
    work, rate_goal = sys.argv[1], float(sys.argv[2])
plaintext = os.environ.get("KIND") == "plaintext"
SERVER = os.environ.get("SERVER", "nginx")  # the server process whose CPU the "nginx" column holds
med = statistics.median

# A round any of whose windows lost more than this share of its CPU to the hypervisor (steal, percent of the
# machine's busy time in the window, steal included) compared its variants under different machines (the scripts
# run another in its place: lib.sh run_rounds). A share, not a time per request: steal stretches a saturated
# window by about its share whatever a request costs (HTTP/1.1 plaintext, HTTPS and HTTP/2 differ threefold), and
# a few percent is below the baselines' own spread from round to round (10-20% on the 2-CPU benchmark machine).
# Every round is printed; the comparisons and verdicts are over the undisturbed rounds, when there are any.
STEAL_LIMIT = float(os.environ.get("STEAL_LIMIT") or "3")  # the scripts pass theirs, empty when unset


def rows(name, fields):
    path = os.path.join(work, name)
    out = {}
    for line in open(path).read().splitlines() if os.path.exists(path) else []:
        f = line.split("\t")
        out[f[0]] = dict(zip(fields, [float(x) for x in f[1:]]))
    return out


def agent_summary(variant, rnd):
    log = os.path.join(work, f"agent-{variant}-{rnd}.log")
    tot = {}
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    m = re.search(r"detached[^;\n]*; \{?(events[^}\n]*)\}?", text)
    if m:
        for item in m.group(1).split(", "):
            kv = re.fullmatch(r"\s*(.*?)\s*[= ]\s*(-?\d+)\s*", item)
            if kv:
                tot[kv.group(1)] = int(kv.group(2))
    return tot


def program_costs(variant, rnd):
    """ns per run of each hm_* program, from the bpftool listing BPF_STATS=1 keeps at the agent's stop."""
    path = os.path.join(work, f"agent-{variant}-{rnd}.progs.json")
    if not os.path.exists(path):
        return {}
    out = {}
    for p in json.load(open(path)):
        name, runs = p.get("name", ""), p.get("run_cnt", 0)
        if name.startswith(("hm_", "floor_")) and runs:
            out[name] = (p.get("run_time_ns", 0) / runs, runs)
    return out


runs = rows("runs.tsv", ["requests", "rps", "p50", "p99", "errors"])
cpu = rows("cpu.tsv", ["proc", "nginx", "client", "machine", "window", "warm_requests", "switches", "steal"])
rate = rows("rate.tsv", ["requests", "rps", "p50", "p99", "p999", "failed"])
serial = rows("serial.tsv", ["rps", "p50", "p99"])
# The agent's CPU over each window by thread group (lib.sh jvm_thread_ticks), in seconds.
threads = rows("threads.tsv", ["t_event", "t_jit", "t_gc", "t_other"])

by_variant = {}
for name, r in runs.items():
    variant, rnd = name.rsplit("-", 1)
    r.update(cpu.get(name, {}))
    r.update(threads.get(name, {}))
    r["round"] = int(rnd)
    r.update(agent_summary(variant, rnd))
    by_variant.setdefault(variant, {})[int(rnd)] = r


def us_per_request(r, key):
    return r[key] / r["requests"] * 1e6


def steal_per_request(r):  # cpu.tsv rows before steal was recorded have none
    return us_per_request(r, "steal") if "steal" in r else 0.0


def steal_share(r):
    """Percent of the window's busy machine time (steal included) the hypervisor gave to others."""
    return 100 * r["steal"] / r["machine"] if r.get("steal") and r.get("machine") else 0.0


disturbed = {rnd for rs in by_variant.values() for rnd, r in rs.items() if steal_share(r) > STEAL_LIMIT}
if check_round is not None:
    if check_round in disturbed:
        worst = max(((steal_share(rs[check_round]), v) for v, rs in by_variant.items() if check_round in rs))
        w = by_variant[worst[1]][check_round]
        print(f"  round {check_round} disturbed: {worst[1]}-{check_round} lost {worst[0]:.1f}% of its CPU to steal"
              f" ({steal_per_request(w):.1f} us a request; limit {STEAL_LIMIT:g}%)", file=sys.stderr)
    sys.exit(1 if check_round in disturbed else 0)


def compared(rs, base):
    """The rounds to compare a variant with the baseline over: those both ran in, undisturbed when any are."""
    both = [r for r in rs if r in base]
    calm = [r for r in both if r not in disturbed]
    return calm or both


labels = {"base": "baseline (no agent)",
          "plainserved": "agent --serve (TC + plaintext socket hooks on both ends; flows kept for the Observer API)",
          "server": "agent --serve watching the server alone (nginx's namespace: TC + plaintext socket hooks on"
                    " one end, as the proxy hop sits in front of one end)",
          "server-tc": "agent --serve --plaintext tc watching the server alone (HTTP/1.x read in its TC programs:"
                       " request line and first headers, status, latency; no socket hook)",
          "server-tcn": "the same with --event-thread normal (the event thread at normal priority, not taking"
                        " the workload's idle moments)",
          "tc": "agent --serve --plaintext tc (HTTP/1.x read in the TC programs of both ends; no socket hook)",
          "plainproxy": "HAProxy hop (HTTP mode: parses and re-sends every request)",
          "served": "agent --serve (TC + TLS uprobes on both ends; flows kept for the Observer API; plaintext"
                    " socket hooks detached, as on a node that has seen no plaintext HTTP for --plaintext-idle)",
          "agent": "agent --print jsonl >/dev/null", "piped": "agent --print jsonl | wc -l",
          "notls": "agent --no-tls (TC only)",
          "syscalls": "agent --serve --socket-hooks syscalls (sockets named as on kernels before 6.3)",
          "persite": "agent --serve --uprobe-links per-site (a perf-event link per site, as before 6.6)",
          "multi": "agent --serve --uprobe-links multi (entry and return uprobe_multi links, every call reported"
                   " at its return, as on 6.6 to 6.12)",
          "noplain": "agent --serve --plaintext off (TLS probes only, no plaintext socket hooks)",
          "plainon": "agent --serve --plaintext on (plaintext socket hooks kept attached: a node where some"
                     " workload speaks plaintext HTTP)",
          "evnormal": "agent --serve --event-thread normal (the event thread at normal priority, as before"
                      " it yielded)",
          "proxy": "HAProxy hop (TLS terminated and re-originated)",
          "floor-none": "floor: a loader with nothing attached, no agent (a control)",
          "floor-tp": "floor: socket tracepoints, 16 bytes read and a state write per call, no event, no agent",
          "floor-msg": "floor: sockmap sk_msg on sends only, 16 bytes read and a state write, no agent",
          "floor-skb": "floor: sockmap sk_msg on sends + sk_skb verdict on receives, 16 bytes read and a state"
                       " write, no agent",
          "floor-tc": "floor: agent --no-tls --plaintext off (TC only) + the socket-tracepoint floor",
          "floor-tcmin": "floor: TC on both interfaces, 16 bytes of each segment read and a state write, no agent",
          "floor-all": "floor: the TC floor and the socket-tracepoint floor together, no agent",
          "floor-tcrec": "floor: HTTP read in TC alone on both interfaces, one record per request to a ring"
                         " drained every 10 ms, no agent",
          "floor-tp-server": "floor: socket tracepoints on the server's sockets alone, no event, no agent",
          "floor-all-server": "floor: TC on the server's interface + socket tracepoints on its sockets, no event,"
                              " no agent",
          "floor-tcrec-server": "floor: HTTP read in TC alone on the server's interface, one record per request"
                                " to a ring drained every 10 ms, no agent"}
if plaintext:
    labels["served"], labels["proxy"] = labels.pop("plainserved"), labels.pop("plainproxy")
    labels["notls"] = "agent --plaintext off --no-tls (TC only)"
    labels["syscalls"] = ("agent --serve --socket-hooks syscalls (plaintext read at the raw sys_enter/sys_exit"
                          " pair, as on kernels before 6.3)")
who = {"served": "agent", "server": "agent", "server-tc": "agent", "server-tcn": "agent", "tc": "agent", "agent": "agent", "piped": "agent", "notls": "agent", "syscalls": "agent",
       "persite": "agent", "multi": "agent", "noplain": "agent", "plainon": "agent", "evnormal": "agent", "proxy": "haproxy",
       "floor-tc": "agent"}
# Every other floor is the floor loader's alone.
who.update({v: "loader" for v in labels if v.startswith("floor-") and v not in who})


def ends(r):  # both ends' own CPU per request: nginx and the load generator
    return us_per_request(r, "nginx") + us_per_request(r, "client")


base = by_variant.get("base", {})
results = {}
if os.environ.get("H2") == "1":
    print(f"HTTP/2: h2load with {os.environ.get('STREAMS', '?')} concurrent streams per connection in place of wrk"
          " below; nginx and the hop speak h2")
server = SERVER if SERVER != "nginx" else "nginx"
print((f"Plaintext HTTP/1.1 keep-alive (wrk -> {server})" if plaintext
       else f"HTTPS keep-alive through TLS (wrk -> {server})")
      + ", medians over rounds. CPU in microseconds per request:"
      " 'added' is what the variant costs more than the baseline of the same round, both ends included"
      f" (agent or HAProxy + the extra time of {server} and wrk, where the probes and hooks run)")
if os.environ.get("WATCH") == "server":
    print("WATCH=server: every agent variant below watches the server's namespace alone, whatever its label says")
known = ["base", "served", "server", "server-tc", "server-tcn", "tc", "proxy", "agent", "piped", "notls", "syscalls",
         "persite", "multi", "noplain", "plainon", "evnormal", "floor-none", "floor-tp", "floor-msg", "floor-skb", "floor-tc",
         "floor-tcmin", "floor-all", "floor-tcrec", "floor-tp-server", "floor-all-server", "floor-tcrec-server"]
# A variant added to a script for one experiment is printed under its own name, after the known ones.
for v in known + sorted(set(by_variant) - set(known)):
    rs = by_variant.get(v)
    if not rs:
        continue
    print(f"{labels.get(v, v)}:")
    for rnd, d in sorted(rs.items()):
        line = (f"  round {rnd}: {d['rps']:,.0f} req/s, p50 {d['p50']:.0f} us, p99 {d['p99']:.0f} us; cpu/request:"
                f" {SERVER} {us_per_request(d, 'nginx'):.1f}, wrk {us_per_request(d, 'client'):.1f}")
        if v != "base":
            line += f", {who.get(v, 'agent')} {us_per_request(d, 'proc'):.1f}"
        line += f", machine {us_per_request(d, 'machine'):.1f}"
        if "switches" in d:
            line += f"; switches/request {d['switches'] / d['requests']:.2f}"
        if "steal" in d:
            line += f", steal {steal_per_request(d):.1f} us/request ({steal_share(d):.1f}%)"
        if rnd in disturbed:
            line += " (a disturbed round)"
        if "events" in d and who.get(v) == "loader":
            # The loader counts its programs' runs from its start, warm-up included.
            life = d["requests"] + d.get("warm_requests", 0)
            line += f"; program runs {d['events'] / life:.2f}/request"
            if "records" in d:
                line += f", records {d['records'] / life:.2f}/request, lost {d.get('lost', 0)}"
        elif "events" in d:
            # The agent counts from its start: the warm-up's requests are its requests too.
            life = d["requests"] + d.get("warm_requests", 0)
            calls = "socket calls" if plaintext else "TLS calls"
            line += (f"; events {d['events'] / life:.2f}/request, {calls} "
                     f"{d.get(calls, 0) / life:.2f}/request, drops "
                     f"{d.get('events lost (ring buffer full)', 0)}")
        print(line + f", errors {d['errors']:.0f}")
    m = {k: med(d[k] for d in rs.values()) for k in ("rps", "p50", "p99")}
    line = f"  median {m['rps']:,.0f} req/s, p50 {m['p50']:.0f} us, p99 {m['p99']:.0f} us"
    if v != "base" and base:
        use = compared(rs, base)
        both = [r for r in rs if r in base]
        ratio = med(rs[r]["rps"] / base[r]["rps"] for r in use)
        bm = {k: med(d[k] for d in base.values()) for k in ("p50", "p99")}
        line += (f"; throughput vs baseline {ratio:.3f} (median of per-round ratios"
                 + (f" over the {len(use)} undisturbed rounds; {med(rs[r]['rps'] / base[r]['rps'] for r in both):.3f}"
                    f" over all {len(both)}" if len(use) < len(both) else "")
                 + (f"; every round lost more than {STEAL_LIMIT:g}% of a window's CPU to steal"
                    if all(r in disturbed for r in both) else "")
                 + f"); added p50 {m['p50'] - bm['p50']:+.0f} us, p99 {m['p99'] - bm['p99']:+.0f} us")
        results[v] = ratio
        added = [us_per_request(rs[r], "proc") + ends(rs[r]) - ends(base[r]) for r in use]
        added_machine = [us_per_request(rs[r], "machine") - us_per_request(base[r], "machine") for r in use]
        inside = [ends(rs[r]) - ends(base[r]) for r in use]
        results[v + ".added"] = med(added)
        print(line)
        switches = [(rs[r]["switches"] / rs[r]["requests"]) - (base[r]["switches"] / base[r]["requests"])
                    for r in use if "switches" in rs[r] and "switches" in base[r]]
        print(f"  added CPU per request: {med(added):.1f} us ({who.get(v, 'agent')} {med(us_per_request(rs[r], 'proc') for r in use):.1f}"
              f" + {SERVER} and wrk {med(inside):+.1f}); whole machine {med(added_machine):+.1f} us"
              + (f"; context switches {med(switches):+.2f} per request" if switches else ""))
        by_thread = [r for r in use if "t_event" in rs[r]]
        if by_thread:
            print("  the agent's CPU by thread, per request: " + ", ".join(
                f"{label} {med(us_per_request(rs[r], k) for r in by_thread):.1f} us" for k, label in
                (("t_event", "event thread"), ("t_jit", "JIT compilers"), ("t_gc", "GC and VM"), ("t_other", "other"))))
        costs = {}
        for rnd in rs:
            for name, (ns, runs) in program_costs(v, rnd).items():
                life = rs[rnd]["requests"] + rs[rnd].get("warm_requests", 0)
                costs.setdefault(name, []).append((ns, runs / life))
        if costs:
            print("  BPF programs, own time per run (median over rounds; runs per request over the agent's life): "
                  + ", ".join(f"{n} {med(c[0] for c in cs):.0f} ns x {med(c[1] for c in cs):.1f}"
                              for n, cs in sorted(costs.items())))
    else:
        print(line)
        print(f"  CPU per request: {SERVER} + wrk {med(ends(d) for d in rs.values()):.1f} us, whole machine "
              f"{med(us_per_request(d, 'machine') for d in rs.values()):.1f} us")

rate_by = {}
for name, r in rate.items():
    variant, rnd = name.rsplit("-", 1)
    r.update(cpu.get(name, {}))
    r.update(agent_summary(variant, rnd))
    rate_by.setdefault(variant, {})[int(rnd)] = r
if rate_by:
    load = ("paced-load: one request every 1/rate s, timed from when it was due" if os.environ.get("RATE_LOAD", "paced")
            == "paced" else "h2load --h1 --rps: every connection sends at once, in bursts")
    print(f"fixed rate ({rate_goal:,.0f} req/s aimed at, {load}; latency of every request; medians over rounds):")
    rb = rate_by.get("ratebase", {})
    for v, label in (("ratebase", "without agent"), ("rateserved", "agent --serve"),
                     ("rateevnormal", "event thread normal"),
                     ("rateproxy", "HAProxy hop")):
        rs = rate_by.get(v)
        if not rs:
            continue
        m = {k: med(d[k] for d in rs.values()) for k in ("rps", "p50", "p99", "p999")}
        line = (f"  {label + ':':16s} {m['rps']:,.0f} req/s, p50 {m['p50']:.0f} us, p99 {m['p99']:.0f} us, "
                f"p99.9 {m['p999']:.0f} us")
        if v != "ratebase" and rb:
            added = med(d["p99"] - rb[r]["p99"] for r, d in rs.items() if r in rb)
            results[v + ".p99"] = added
            line += f"; added p99 {added:+.0f} us (median of per-round differences)"
            cpu_added = med(us_per_request(d, "proc") + ends(d) - ends(rb[r]) for r, d in rs.items() if r in rb)
            line += f", added CPU {cpu_added:.1f} us/request"
        if v == "rateserved":
            drops = sum(d.get("events lost (ring buffer full)", 0) for d in rs.values())
            results["rate.drops"] = drops
            results["rate.rps"] = m["rps"]
            line += f"; ring-buffer drops {drops}"
        print(line + f"; failed {sum(d['failed'] for d in rs.values()):.0f}")

serial_by = {}
for name, r in serial.items():
    variant, rnd = name.rsplit("-", 1)
    serial_by.setdefault(variant, {})[int(rnd)] = r
if serial_by:
    print("one connection, back to back (no idle gaps: the path's own latency, without CPU wake-ups):")
    sb = serial_by.get("serialbase", {})
    for v, label in (("serialbase", "without agent"), ("serialserved", "agent --serve"),
                     ("serialevnormal", "event thread normal"),
                     ("serialproxy", "HAProxy hop")):
        rs = serial_by.get(v)
        if not rs:
            continue
        m = {k: med(d[k] for d in rs.values()) for k in ("rps", "p50", "p99")}
        line = f"  {label + ':':16s} {m['rps']:,.0f} req/s, p50 {m['p50']:.0f} us, p99 {m['p99']:.0f} us"
        if v != "serialbase" and sb:
            line += (f"; added p50 {med(d['p50'] - sb[r]['p50'] for r, d in rs.items() if r in sb):+.0f} us, p99 "
                     f"{med(d['p99'] - sb[r]['p99'] for r, d in rs.items() if r in sb):+.0f} us")
        print(line)


def verdict(ok):
    return "MET" if ok else "NOT MET"


if plaintext:
    print("targets (issue 14):")
    if "served" in results:
        s = results["served"]
        print(f"  plaintext keep-alive through nginx at saturation with the agent attached >= 0.90 of baseline: "
              f"{verdict(s >= 0.90)} ({s:.3f}"
              + (f"; the HTTP-mode proxy hop {results['proxy']:.3f}" if "proxy" in results else "") + ")")
        base_rps = [d["rps"] for d in base.values()]
        if len(base_rps) > 1 and max(base_rps) > 1.25 * min(base_rps):
            # Other work on the machine moved the baseline more than the effect measured: say so, and give
            # what the CPU each request costs predicts for a machine the two ends saturate.
            ends_base = med(ends(d) for d in base.values())
            print(f"    not resolved: the baseline's rounds span {min(base_rps):,.0f}-{max(base_rps):,.0f} req/s, "
                  f"so other load on the machine moved the ratio more than the agent did; from CPU per request "
                  f"instead (nginx + wrk {ends_base:.1f} us, the agent path adds {results['served.added']:.1f} us), "
                  f"a saturated machine would give {ends_base / (ends_base + results['served.added']):.2f}")
    if "server" in results:
        # The proxy hop sits in front of the server only: the agent watching the server alone is its like.
        print(f"  the same, the agent watching the server alone (as the proxy hop serves it alone): "
              f"{verdict(results['server'] >= 0.90)} ({results['server']:.3f})")
    for v, what in (("server-tc", "the server alone"), ("server-tcn", "the server alone, event thread normal"),
                    ("tc", "both ends")):
        if v in results:
            print(f"  the same, HTTP/1.x read in the TC programs (--plaintext tc), watching {what}: "
                  f"{verdict(results[v] >= 0.90)} ({results[v]:.3f})")
    for v in ("served", "server", "server-tc", "server-tcn", "tc"):
        if v + ".added" in results and "proxy.added" in results:
            print(f"  added CPU per request ({v}): agent {results[v + '.added']:.1f} us, proxy hop "
                  f"{results['proxy.added']:.1f} us ({results[v + '.added'] / results['proxy.added']:.2f}x)")
    sys.exit(0)
print("targets (issue 12):")
if "served" in results and "proxy" in results:
    s, p = results["served"], results["proxy"]
    print(f"  throughput with the agent >= 0.55 of baseline and above the proxy hop's: "
          f"{verdict(s >= 0.55 and s > p)} ({s:.3f} against {p:.3f}; moonshot 0.85)")
    sa, pa = results["served.added"], results["proxy.added"]
    print(f"  added CPU per request <= 0.7x the proxy hop's: {verdict(sa <= 0.7 * pa)} "
          f"({sa:.1f} us against {pa:.1f} us = {sa / pa:.2f}x; moonshot 0.3x)")
if "rateserved.p99" in results:
    reached = results["rate.rps"] >= 0.95 * rate_goal
    # The baseline's own spread of p99 over rounds: a difference smaller than that is not resolved here.
    base_p99 = [d["p99"] for d in rate_by.get("ratebase", {}).values()]
    spread = max(base_p99) - min(base_p99) if len(base_p99) > 1 else 0
    resolved = abs(results["rateserved.p99"]) > spread
    print(f"  at {rate_goal:,.0f} req/s: added p99 <= 150 us and no ring-buffer drops: "
          f"{verdict(results['rateserved.p99'] <= 150 and results['rate.drops'] == 0 and reached)} "
          f"({results['rateserved.p99']:+.0f} us, {results['rate.drops']:.0f} drops"
          + (f"; the proxy hop adds {results['rateproxy.p99']:+.0f} us" if "rateproxy.p99" in results else "")
          + ("" if reached else f"; only {results['rate.rps'] / rate_goal:.0%} of the rate was reached") + ")"
          + ("" if resolved else f"\n    the baseline's p99 alone spans {spread:.0f} us over the rounds: a difference "
             "this small is not resolved on this machine (see the back-to-back latency above)"))
