#!/usr/bin/env bash
# tests/observability/run.sh — heartbeat and metrics formatting
# (observability/ in libvysup.a).
#
#   observability/build     the library and the test program build
#   observability/NAME      one line per test function of
#                           tests/observability/metrics.c, which also writes
#                           heartbeat.json and metrics.prom for:
#   observability/heartbeat-json   node parses every heartbeat line as JSON
#                           with the documented keys and types (SKIP without
#                           node)
#   observability/prometheus-node  node re-checks the exposition's line
#                           grammar
#   observability/promtool-format  `promtool check metrics` (Debian
#                           prometheus) finds nothing in metrics.prom, lint
#                           included (SKIP without promtool)
#   observability/live-*, ipc-refused, promtool, http-*, prometheus-scrape,
#   profile-listen          a real vyomad's metrics: vyctl metrics, the
#                           profile's metrics_listen HTTP server, promtool
#                           and a real prometheus scraping it
#                           (tests/observability/vyomad.sh)
# With VYOMA_ASAN=1 the ASan/UBSan build (build/asan) is used, LeakSanitizer
# on, and labels read observability-asan/...  Prints PASS/FAIL/SKIP lines;
# exits 1 if anything failed.
. "$(dirname "$0")/../lib.sh"
t_start observability
label=$T_LABEL
t_make build "$T_BIN/observability-metrics" || { t_end; exit; }
pass build

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
t_relay metrics "$T_LOGS/$label-metrics.log" \
  timeout -k 5 60 "$T_BIN/observability-metrics" "$label" "$out"

if ! command -v node >/dev/null 2>&1; then
  skip heartbeat-json "no node"
  skip prometheus-node "no node"
elif [ ! -s "$out/heartbeat.json" ] || [ ! -s "$out/metrics.prom" ]; then
  fail heartbeat-json "observability-metrics wrote no files"
else
  if why=$(node -e '
    const fs = require("fs");
    const lines = fs.readFileSync(process.argv[1], "utf8").split("\n");
    if (lines.pop() !== "") throw new Error("no final newline");
    if (lines.length !== 3) throw new Error("expected 3 lines");
    const num = ["uptime_s", "restarts", "cpu_ms", "memory", "msgs_in", "msgs_out"];
    for (const l of lines) {
      const h = JSON.parse(l);
      if (typeof h.uptime_s !== "number" || !Array.isArray(h.apps))
        throw new Error("bad top level: " + l);
      for (const a of h.apps) {
        if (typeof a.name !== "string" || typeof a.state !== "string")
          throw new Error("bad app: " + JSON.stringify(a));
        for (const k of num)
          if (typeof a[k] !== "number") throw new Error("bad " + k);
      }
    }
    const first = JSON.parse(lines[0]);
    if (first.apps[0].name !== "ping" || first.apps[1].restarts !== 5 ||
        first.uptime_s !== 12.345 || first.profile !== "server-headless")
      throw new Error("wrong values: " + lines[0]);
    if (JSON.parse(lines[2]).apps[0].name !== "we\"ird\\na\nme\t\u0001")
      throw new Error("escaping lost the name");
  ' "$out/heartbeat.json" 2>&1); then
    pass heartbeat-json
  else
    fail heartbeat-json "$(echo "$why" | grep -m1 Error)"
  fi
  if why=$(node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    if (!text.endsWith("\n")) throw new Error("no final newline");
    const help = new Set(), type = new Set(), done = new Set();
    let cur = null;
    for (const l of text.slice(0, -1).split("\n")) {
      let m;
      if ((m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(l))) {
        const set = m[1] === "HELP" ? help : type;
        if (set.has(m[2])) throw new Error("duplicate " + l);
        if (m[1] === "TYPE" && !/^(counter|gauge)$/.test(m[3])) throw new Error(l);
        set.add(m[2]);
        if (cur !== m[2]) { if (cur) done.add(cur); cur = m[2]; }
        continue;
      }
      m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9]+(?:\.[0-9]+)?)$/.exec(l);
      if (!m) throw new Error("bad line: " + l);
      if (m[1] !== cur || !help.has(cur) || !type.has(cur) || done.has(cur))
        throw new Error("sample outside its family: " + l);
    }
    for (const f of help) if (!type.has(f)) throw new Error("no TYPE for " + f);
  ' "$out/metrics.prom" 2>&1); then
    pass prometheus-node
  else
    fail prometheus-node "$(echo "$why" | grep -m1 Error)"
  fi
fi

if ! command -v promtool >/dev/null 2>&1; then
  skip promtool-format "promtool is not installed (Debian package prometheus)"
elif [ ! -s "$out/metrics.prom" ]; then
  fail promtool-format "observability-metrics wrote no metrics.prom"
elif why=$(promtool check metrics <"$out/metrics.prom" 2>&1) && [ -z "$why" ]; then
  pass promtool-format
else
  fail promtool-format "promtool check metrics found problems"
  detail 10 <<<"$why"
fi

. tests/observability/vyomad.sh
live_main
t_end
