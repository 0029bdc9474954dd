"""Drives headless Chromium through chromedriver to measure the built page (scripts/measure-page).

One run opens the page at a scenario's link, lets it play, and reads, at 1x and then at 8x:
  * the browser's main thread per wall second, from the DevTools Performance domain (outside the
    app: script, style, layout and all tasks, TaskDuration);
  * the page's own frame work, p50 and p95 (src/ui/frame_stats.rs, reset when the speed changes);
  * whether the simulated clock keeps up: simulated ms per wall ms over the same window;
then a click-latency probe (real clicks through WebDriver actions on the play button, timed by
the page's PerformanceObserver 'event' entries: input to the next paint) and the first
interactive frame split into the .wasm fetch (resource timing), the app's create and the first
frame. With RUNS=N each figure is the median of N runs, each in a fresh browser.
PROFILE=DIR also saves a CPU profile (.cpuprofile, open it in DevTools) for each speed of the
first run and prints the top self-time entries of each profile. Paint and compositing are what
TaskDuration has beyond script, style and layout (a trace through chromedriver's performance log
delivered no events here).

Only the standard library: it talks HTTP to chromedriver.
"""

import json
import os
import statistics
import sys
import time
import urllib.request
from collections import defaultdict

DRIVER = os.environ["DRIVER_URL"]
PAGE = os.environ["PAGE_URL"]
SECONDS = float(os.environ.get("SECONDS_PER_SPEED", "15"))
RUNS = int(os.environ.get("RUNS", "1"))
PROFILE = os.environ.get("PROFILE", "")
SCENARIO = os.environ.get("SCENARIO_NAME", "scenario")
WARMUP = float(os.environ.get("WARMUP", "5"))
CLICKS = int(os.environ.get("CLICKS", "6"))


def call(method, path, body=None, timeout=300):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(DRIVER + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.load(resp)["value"]


class Browser:
    def __init__(self, profile_dir):
        chrome = {"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--window-size=1280,1000", f"--user-data-dir={profile_dir}"]}
        caps = {"goog:chromeOptions": chrome}
        self.id = call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]

    def js(self, script, *args):
        return call("POST", f"/session/{self.id}/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        return call("POST", f"/session/{self.id}/execute/async", {"script": script, "args": list(args)})

    def cdp(self, cmd, **params):
        return call("POST", f"/session/{self.id}/goog/cdp/execute", {"cmd": cmd, "params": params})

    def go(self, url):
        call("POST", f"/session/{self.id}/url", {"url": url})

    def close(self):
        try:
            call("DELETE", f"/session/{self.id}")
        except Exception:
            pass


METRICS = ["ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration"]


def metrics(b):
    m = {x["name"]: x["value"] for x in b.cdp("Performance.getMetrics")["metrics"]}
    return [m["Timestamp"]] + [m.get(k, 0.0) for k in METRICS]


STATE = """
const a = document.getElementById("shardlab-app");
const clock = document.getElementById("sim-clock");
if (!a || !clock) return null;
return {now: performance.now(), elapsed: Number(clock.dataset.elapsedMs),
  p50: Number(a.dataset.frameP50Ms), p95: Number(a.dataset.frameP95Ms), frames: Number(a.dataset.frames),
  first: Number(a.dataset.firstFrameMs), lanes: document.querySelectorAll(".lanes > .lane").length,
  phases: a.dataset.framePhasesMs, i50: Number(a.dataset.frameIntervalP50Ms), i95: Number(a.dataset.frameIntervalP95Ms)};
"""


def window(b, seconds):
    """Plays for `seconds` and returns the figures of that window."""
    m0, s0 = metrics(b), b.js(STATE)
    time.sleep(seconds)
    m1, s1 = metrics(b), b.js(STATE)
    wall = m1[0] - m0[0]
    per_s = {k: 1000 * (m1[i + 1] - m0[i + 1]) / wall for i, k in enumerate(["script", "style", "layout", "tasks"])}
    return {
        **per_s,
        "p50": s1["p50"], "p95": s1["p95"], "i50": s1["i50"], "i95": s1["i95"],
        "frames": s1["frames"] - s0["frames"], "phases": s1["phases"], "lanes": s1["lanes"],
        # Simulated ms per wall ms, both read in one script so they are taken together.
        "keep_up": (s1["elapsed"] - s0["elapsed"]) / (s1["now"] - s0["now"]),
    }


def press(b, key, times):
    for _ in range(times):
        b.js(f'document.body.dispatchEvent(new KeyboardEvent("keydown", {{key: "{key}", bubbles: true}})); return 1;')


CLICK_SETUP = """
window.__clicks = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) if (e.name === "click" || e.name === "pointerdown")
  window.__clicks.push({name: e.name, duration: e.duration, delay: e.processingStart - e.startTime,
    handler: e.processingEnd - e.processingStart}); }).observe({type: "event", durationThreshold: 16, buffered: false});
return 1;
"""


QUEUED_CLICK = """
const done = arguments[arguments.length - 1];
const delay = arguments[0];
const button = document.getElementById("play");
const due = performance.now() + delay;
setTimeout(() => {
  const ran = performance.now();
  button.click();
  requestAnimationFrame(() => done([ran - due, performance.now() - due]));
}, delay);
"""


def queued_clicks(b):
    """The page's side of a click: a click queued for a moment during play (as a person's
    click is queued behind the frame the main thread is busy with) until the next animation
    frame after its handler, whose paint shows it. Returns (waited, to next frame) in ms per
    click that paused the page (the clicks that resume it are not counted)."""
    call("POST", f"/session/{b.id}/timeouts", {"script": 600000})
    out = []
    for i in range(CLICKS):
        waited, shown = b.js_async(QUEUED_CLICK, 137 + 211 * i % 500)
        if i % 2 == 0:
            out.append((waited, shown))
        time.sleep(0.5)
    return out


def click_probe(b):
    """Clicks the play button CLICKS times (pause, play, ...) through WebDriver actions, which
    the browser treats as real input, and returns the event timing of each click: the time from
    the input to the next frame painted after its handler (the Event Timing API's duration,
    rounded to 8 ms; clicks quicker than 16 ms are not reported and count as 16)."""
    b.js(CLICK_SETUP)
    button = call("POST", f"/session/{b.id}/element", {"using": "css selector", "value": "#play"})
    ref = next(iter(button.values()))
    own = []
    for _ in range(CLICKS):
        # The page's own view: from a click queued behind whatever the main thread is doing
        # to the next animation frame after it ran.
        t0 = time.monotonic()
        call("POST", f"/session/{b.id}/element/{ref}/click", {})
        own.append(1000 * (time.monotonic() - t0))
        time.sleep(0.7)
    time.sleep(1.0)
    seen = b.js("return window.__clicks;")
    clicks = [e["duration"] for e in seen if e["name"] == "click"]
    # A click that finished within 16 ms is below the observer's threshold.
    clicks += [16.0] * max(0, CLICKS - len(clicks))
    delays = [e["delay"] for e in seen if e["name"] == "click"]
    queued = queued_clicks(b)
    return {"queued_wait": statistics.median(q[0] for q in queued),
            "queued_shown": statistics.median(q[1] for q in queued),
            "queued_max": max(q[1] for q in queued),
            "click": statistics.median(clicks), "click_max": max(clicks),
            "click_delay": statistics.median(delays) if delays else 0.0,
            "webdriver_click": statistics.median(own)}


FIRST = """
const wasm = performance.getEntriesByType("resource").find(e => e.name.endsWith(".wasm"));
const nav = performance.getEntriesByType("navigation")[0];
const a = document.getElementById("shardlab-app");
return {wasm_start: wasm ? wasm.fetchStart : 0, wasm_end: wasm ? wasm.responseEnd : 0,
  wasm_bytes: wasm ? wasm.transferSize : 0, dom: nav ? nav.domContentLoadedEventEnd : 0,
  created: (performance.getEntriesByName("shardlab-create")[0] || {startTime: 0}).startTime, first: a ? Number(a.dataset.firstFrameMs) : 0};
"""


def self_times(profile):
    """Self time (ms) per function of a .cpuprofile, by name and script."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    per_node = defaultdict(float)
    samples, deltas = profile.get("samples", []), profile.get("timeDeltas", [])
    for i, node in enumerate(samples):
        # A sample's time is the gap to the next sample.
        if i + 1 < len(deltas):
            per_node[node] += deltas[i + 1] / 1000.0
    total = sum(per_node.values())
    by_fn = defaultdict(float)
    for node, ms in per_node.items():
        f = nodes[node]["callFrame"]
        name = f["functionName"] or "(anonymous)"
        where = f["url"].rsplit("/", 1)[-1]
        by_fn[f"{name}  [{where}]" if where else name] += ms
    return total, sorted(by_fn.items(), key=lambda kv: -kv[1])


def print_top(title, total, entries, n=15):
    print(f"  {title}: {total:.0f} ms sampled")
    for name, ms in entries[:n]:
        print(f"    {ms:8.1f} ms {100 * ms / max(total, 1e-9):5.1f}%  {name}")


def one_run(run, profile_dir):
    profiling = bool(PROFILE) and run == 0
    b = Browser(profile_dir)
    try:
        b.cdp("Performance.enable")
        b.go(PAGE)
        # Until the page draws the running simulation (a big scenario's setup takes a while).
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            s = b.js(STATE)
            if s and (s["frames"] > 0 or s["lanes"] > 0):
                break
            time.sleep(0.2)
        first = b.js(FIRST)
        time.sleep(WARMUP)
        result = {"first": first}
        for speed, plus in (("1x", 0), ("8x", 3)):
            press(b, "+", plus)
            if plus:
                time.sleep(1.0)
            if profiling:
                b.cdp("Profiler.enable")
                b.cdp("Profiler.setSamplingInterval", interval=500)
                b.cdp("Profiler.start")
            result[speed] = window(b, SECONDS)
            if profiling:
                prof = b.cdp("Profiler.stop")["profile"]
                path = os.path.join(PROFILE, f"{SCENARIO}-{speed}.cpuprofile")
                with open(path, "w") as f:
                    json.dump(prof, f)
                total, top = self_times(prof)
                print(f"measure-page: profile {path}")
                print_top(f"{speed} top self time", total, top)
        press(b, "-", 3)
        time.sleep(1.0)
        result["clicks"] = click_probe(b)
        return result
    finally:
        b.close()


def med(values):
    return statistics.median(values)


def main():
    import tempfile
    results = []
    for run in range(RUNS):
        with tempfile.TemporaryDirectory() as d:
            r = one_run(run, d)
        results.append(r)
        f = r["first"]
        print(f"measure-page: run {run + 1}: 1x tasks {r['1x']['tasks']:.0f} ms/s, keeps up {r['1x']['keep_up']:.2f}; "
              f"8x tasks {r['8x']['tasks']:.0f} ms/s, keeps up {r['8x']['keep_up']:.2f}; "
              f"click {r['clicks']['click']:.0f} ms; first frame {f['first']:.0f} ms", flush=True)
    n = len(results)
    label = f"median of {n} runs" if n > 1 else "1 run"
    print(f"measure-page: {SCENARIO}, {results[0]['1x']['lanes']} lanes drawn, {label}")
    for speed in ("1x", "8x"):
        w = [r[speed] for r in results]
        g = lambda k: med([x[k] for x in w])  # noqa: E731
        print(f"measure-page: {speed}: main thread busy {g('tasks'):.0f} ms/s (script {g('script'):.0f}, "
              f"style {g('style'):.0f}, layout {g('layout'):.0f}); simulated clock {g('keep_up'):.2f} "
              f"simulated ms per wall ms (keeps up at {1 if speed == '1x' else 8}); frame work p50 {g('p50'):.1f} ms, "
              f"p95 {g('p95'):.1f} ms; {g('frames') / SECONDS:.1f} frames/s, interval p50 {g('i50'):.1f} ms, "
              f"p95 {g('i95'):.1f} ms")
        print(f"measure-page: {speed}: mean work per frame, ms (last run): {w[-1]['phases']}")
    c = [r["clicks"] for r in results]
    print(f"measure-page: click queued during play (1x) to the next frame: p50 "
          f"{med([x['queued_shown'] for x in c]):.0f} ms, worst {med([x['queued_max'] for x in c]):.0f} ms "
          f"(waiting for the main thread {med([x['queued_wait'] for x in c]):.0f} ms)")
    print(f"measure-page: click on play (1x): input to next paint p50 {med([x['click'] for x in c]):.0f} ms, "
          f"worst {med([x['click_max'] for x in c]):.0f} ms, input delay {med([x['click_delay'] for x in c]):.0f} ms "
          f"(Event Timing; WebDriver's round trip {med([x['webdriver_click'] for x in c]):.0f} ms)")
    f = [r["first"] for r in results]
    g = lambda k: med([x[k] for x in f])  # noqa: E731
    print(f"measure-page: first interactive frame {g('first'):.0f} ms after navigation: .wasm fetch "
          f"{g('wasm_start'):.0f}-{g('wasm_end'):.0f} ms ({g('wasm_bytes'):.0f} bytes on the wire), "
          f"app created at {g('created'):.0f} ms (compile, instantiate, start), first frame "
          f"{g('first') - g('created'):.0f} ms after create")


if __name__ == "__main__":
    sys.exit(main())
