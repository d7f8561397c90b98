#!/usr/bin/env python3
"""End-to-end test of `storyline serve` and its web UI in headless Chromium.

Drives Debian's chromium through chromedriver with a minimal W3C WebDriver
client (Python standard library only: urllib, json), so CI needs no npm or
pip packages:

  1. ingests the dated seeds plus one crafted article whose title and text
     carry `<script>` and `<img onerror>` payloads into a temporary store;
  2. starts `storyline serve` on a free loopback port (with a token);
  3. in the browser: the story list (one-article stories hidden until
     asked for; outlets, snippet), the seeds' story as a first-time reader
     sees it (headline, summary, key facts with a disagreement: a crafted
     report of the same meeting gives 28,000 troops where the seeds say
     28,500; sources grouped under outlet names; a timeline without the
     background years, which sit in a collapsed list), at desktop width and
     at 390 px, a search for OPCON through the search box (hits must
     include seeds 000 and 001), the crafted article (rendered as text: no
     script ran, no element was injected, the literal markup is visible);
  4. live update: with the story page open, POSTs a copy of a seed with the
     token and waits for the page to show it without a reload.

Screenshots of every step go to OUT_DIR.

    tests/browser/e2e.py [--bin target/release/storyline] [--out DIR]

Without chromium/chromedriver it prints SKIP and exits 0, unless CI is set
(then it fails: CI installs them with apt-get install -y chromium chromium-driver).
"""
import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SEEDS = os.environ.get("SEEDS", os.path.join(REPO, "..", "shared", "data", "seeds-dated.jsonl"))
TOKEN = "e2e-token-" + os.urandom(6).hex()
XSS_ID = "zz_xss_probe"
SCRIPT_PAYLOAD = "<script>window.__xss=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__xss=2">'
SEED_000 = "000_3d5f58d5529388c6"
SEED_001 = "001_cc2096c2dac57694"
LIVE_ID = "005_live_update_copy"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C web element key


def in_ci():
    v = os.environ.get("CI", "")
    return v not in ("", "false", "0")


def fail(msg):
    print("FAIL e2e: " + msg, file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=30):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


def wait_http(url, what, seconds=30):
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            last = e
        time.sleep(0.1)
    fail(f"{what} did not come up at {url} within {seconds}s ({last})")


class Browser:
    """The few WebDriver commands this test needs."""

    def __init__(self, driver_url, chromium, profile):
        self.base = driver_url
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": chromium,
                        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                 "--disable-sync", "--window-size=1200,1400", "--user-data-dir=" + profile],
                    },
                }
            }
        }
        status, resp = http("POST", self.base + "/session", caps, timeout=60)
        if status != 200:
            fail(f"chromedriver refused the session: {resp}")
        self.sid = resp["value"]["sessionId"]
        self.url = f"{self.base}/session/{self.sid}"

    def cmd(self, method, path, body=None):
        status, resp = http(method, self.url + path, body if body is not None else ({} if method == "POST" else None))
        if status != 200:
            raise RuntimeError(f"WebDriver {method} {path}: {resp}")
        return resp["value"]

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        return [e[ELEMENT] for e in self.cmd("POST", "/elements", {"using": "css selector", "value": css})]

    def click(self, element):
        self.cmd("POST", f"/element/{element}/click")

    def type(self, element, text):
        self.cmd("POST", f"/element/{element}/clear")
        self.cmd("POST", f"/element/{element}/value", {"text": text})

    def viewport(self, width, height, mobile=False):
        """Emulates a screen of this size (a window cannot be made 390 px wide)."""
        self.cmd("POST", "/goog/cdp/execute", {"cmd": "Emulation.setDeviceMetricsOverride", "params": {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}})

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as fh:
            fh.write(png)
        return len(png)

    def wait(self, what, script, *args, seconds=15):
        """Polls a JS expression (a function body returning truthy) until it holds."""
        deadline = time.time() + seconds
        value = None
        while time.time() < deadline:
            value = self.js(script, *args)
            if value:
                return value
            time.sleep(0.1)
        body = self.js("return document.getElementById('main') ? document.getElementById('main').innerText.slice(0, 800) : ''")
        fail(f"timed out after {seconds}s waiting for {what}; page shows:\n{body}")

    def close(self):
        try:
            http("DELETE", self.url, timeout=10)
        except Exception:
            pass


def find_tool(names, env):
    for n in [os.environ.get(env, "")] + names:
        if n and shutil.which(n):
            return shutil.which(n)
    return None


def crafted_article():
    title = f"Quokka festival {SCRIPT_PAYLOAD} {IMG_PAYLOAD} opens in Perth"
    text = (
        f"PERTH, March 2 - The annual quokka festival opened on Sunday. Organisers wrote {SCRIPT_PAYLOAD} "
        f"on the banner and {IMG_PAYLOAD} on the programme, which puzzled visitors.\n\n"
        "Thousands of visitors came to Rottnest Island for the festival, which runs until Friday. "
        "The island's ranger service said the animals were not to be fed.\n\n"
        "Local businesses reported strong sales of hats and sunscreen during the first weekend."
    )
    return {"id": XSS_ID, "title": title, "text": text, "date": "2024-03-02", "source": "Probe Gazette"}


DISAGREE_ID = "zz_disagreeing_report"
DISAGREE_OUTLET = "Peninsula Ledger"


def disagreeing_article():
    """A report of the seeds' meeting that gives another troop count."""
    text = (
        "SEOUL, November 4 - South Korean Defense Minister Ahn Gyu-back and U.S. Secretary of War Pete Hegseth "
        "held the annual Security Consultative Meeting (SCM) in Seoul on Tuesday, discussing the transfer of "
        "wartime operational control (OPCON) and the role of U.S. Forces Korea (USFK).\n\n"
        "Hegseth said Washington wants South Korea to step up on defense spending. The allies also discussed "
        "extended deterrence against North Korea and cooperation in the defense industry.\n\n"
        "The United States keeps about 28,000 U.S. troops in South Korea, and Washington is considering making "
        "their role more flexible.\n\n"
        "The two ministers agreed to continue talks on the OPCON transfer, the Ministry of National Defense said."
    )
    return {"id": DISAGREE_ID, "title": "Defense chiefs discuss OPCON and troops at Seoul security meeting",
            "text": text, "date": "2025-11-04", "source": DISAGREE_OUTLET}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")), "release", "storyline"))
    ap.add_argument("--out", default=None, help="directory for screenshots (default: a temp dir)")
    args = ap.parse_args()

    chromium = find_tool(["chromium", "chromium-browser"], "CHROMIUM")
    driver = find_tool(["chromedriver"], "CHROMEDRIVER")
    if not chromium or not driver:
        missing = "chromium" if not chromium else "chromedriver"
        if in_ci():
            fail(f"{missing} is not installed (CI must run: apt-get install -y chromium chromium-driver)")
        print(f"SKIP e2e: {missing} is not installed (apt-get install -y chromium chromium-driver)")
        return
    if not os.access(args.bin, os.X_OK):
        fail(f"no storyline binary at {args.bin} (build it, or pass --bin)")
    if not os.path.exists(SEEDS):
        fail(f"no seeds at {SEEDS}")
    out = args.out or tempfile.mkdtemp(prefix="storyline-e2e-")
    os.makedirs(out, exist_ok=True)

    work = tempfile.mkdtemp(prefix="storyline-e2e-work-")
    procs = []
    browser = None
    try:
        db = os.path.join(work, "store.db")
        crafted = os.path.join(work, "crafted.jsonl")
        with open(crafted, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(crafted_article()) + "\n")
            fh.write(json.dumps(disagreeing_article()) + "\n")
        r = subprocess.run([args.bin, "ingest", "--db", db, SEEDS, crafted], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"ingest failed ({r.returncode}): {r.stderr}")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve_log = open(os.path.join(out, "serve.log"), "w")
        procs.append(subprocess.Popen([args.bin, "serve", "--db", db, "--addr", f"127.0.0.1:{port}", "--token", TOKEN],
                                      stdout=serve_log, stderr=subprocess.STDOUT))
        wait_http(base + "/healthz", "storyline serve")

        dport = free_port()
        driver_log = open(os.path.join(work, "chromedriver.log"), "w")
        procs.append(subprocess.Popen([driver, f"--port={dport}"], stdout=driver_log, stderr=subprocess.STDOUT))
        wait_http(f"http://127.0.0.1:{dport}/status", "chromedriver")
        profile = os.path.join(work, "profile")
        browser = Browser(f"http://127.0.0.1:{dport}", chromium, profile)

        status, seed_story = http("GET", f"{base}/api/stories/{SEED_000}")
        if status != 200:
            fail(f"GET /api/stories/{SEED_000}: {status} {seed_story}")
        story = seed_story["id"]
        shots = []

        def shot(name):
            path = os.path.join(out, name)
            n = browser.screenshot(path)
            if n < 10_000:
                fail(f"screenshot {name} is only {n} bytes")
            shots.append(name)

        def no_injection(where):
            state = browser.js(
                "return {xss: typeof window.__xss,"
                " imgs: document.querySelectorAll('img').length,"
                " scripts: [...document.querySelectorAll('script')].map(s => s.getAttribute('src'))};")
            if state["xss"] != "undefined":
                fail(f"{where}: window.__xss is {state['xss']}: injected markup ran")
            if state["imgs"] != 0:
                fail(f"{where}: {state['imgs']} <img> element(s) in the DOM: article markup was parsed as HTML")
            if state["scripts"] != ["/app.js"]:
                fail(f"{where}: unexpected script elements {state['scripts']}")

        # 1. The story list: multi-article stories by default, with outlets
        # and a snippet; one-article stories behind a toggle.
        browser.get(base + "/")
        n = browser.wait("the story list", "return document.querySelectorAll('ol.stories li.story').length")
        titles = browser.js("return [...document.querySelectorAll('a.story-title')].map(a => [a.getAttribute('href'), a.textContent])")
        hrefs = [h for h, _ in titles]
        if f"#/story/{story}" not in hrefs:
            fail(f"story list has no link to {story}: {titles}")
        if any(SCRIPT_PAYLOAD in t for _, t in titles):
            fail(f"the one-article crafted story is listed although one-article stories are hidden by default: {titles}")
        if not browser.find("ol.stories svg.spark rect.bar"):
            fail("story list shows no coverage sparkline")
        item = browser.js("const li = document.querySelector('ol.stories li.story');"
                          " return {meta: li.querySelector('.meta').textContent, snippet: (li.querySelector('.snippet') || {}).textContent || ''};")
        if "outlet" not in item["meta"] or not item["snippet"].strip():
            fail(f"a story in the list shows no outlets count or snippet: {item}")
        shot("01-stories.png")
        browser.click(browser.find("a.toggle-single")[0])
        browser.wait("one-article stories", "return location.hash.includes('all=1') && document.querySelectorAll('ol.stories li.story').length > arguments[0]", n)
        titles = browser.js("return [...document.querySelectorAll('a.story-title')].map(a => [a.getAttribute('href'), a.textContent])")
        # The crafted title is in the list too: as text.
        if not any(SCRIPT_PAYLOAD in t and IMG_PAYLOAD in t for _, t in titles):
            fail(f"the crafted title is not shown literally in the story list: {titles}")
        no_injection("story list")
        shot("01b-stories-all.png")
        print(f"ok  story list: {n} multi-article stories ({story} listed, with outlets and snippet), {len(titles)} with the toggle")

        # 2. Open the seeds' story: timeline chart and entries.
        browser.click(browser.find(f'a.story-title[href="#/story/{story}"]')[0])
        browser.wait("the story page", "return document.querySelector('svg.timeline') && document.querySelectorAll('ol.timeline-list li').length > 0")
        page = browser.js(
            "return {h1: document.querySelector('h1').textContent,"
            " bars: document.querySelectorAll('svg.timeline rect.bar').length,"
            " marks: document.querySelectorAll('svg.timeline line.eventline').length,"
            " entries: [...document.querySelectorAll('ol.timeline-list li')].map(li => li.textContent),"
            " hash: location.hash};")
        if page["hash"] != f"#/story/{story}":
            fail(f"clicking the story went to {page['hash']}")
        if page["bars"] < 1 or page["marks"] < 1:
            fail(f"timeline chart has {page['bars']} bars and {page['marks']} event marks")
        if not any(e.startswith("2025-11-04") for e in page["entries"]):
            fail(f"no 2025-11-04 timeline entry: {page['entries'][:5]}")
        if page["h1"] != seed_story["title"]:
            fail(f"story heading {page['h1']!r} is not the API's title {seed_story['title']!r}")
        reader = browser.js(
            "const q = (s) => [...document.querySelectorAll(s)];"
            " const facts = q('#key-facts li.fact').map(li => ({conflict: li.classList.contains('conflict'),"
            "   subject: li.querySelector('.subject').textContent, verdict: li.querySelector('.verdict').textContent,"
            "   values: [...li.querySelectorAll('li.value')].map(v => ({value: v.querySelector('strong').textContent,"
            "     sources: [...v.querySelectorAll('a.src')].map(a => a.textContent)}))}));"
            " const bg = document.querySelector('details.background');"
            " return {summary: (document.querySelector('p.summary') || {}).textContent || '', facts,"
            "   outlets: q('ul.sources .outlet-group > .outlet').map(d => d.textContent),"
            "   sourceTitles: q('ul.sources a.source-title').map(a => a.textContent),"
            "   dates: q('ol.timeline-list li time').map(t => t.textContent),"
            "   background: bg ? {open: bg.open, dates: [...bg.querySelectorAll('time')].map(t => t.textContent)} : null,"
            "   order: q('main > section, main > h1, main > p.summary').map(e => e.id || (e.querySelector('h2') || e).textContent.slice(0, 20))};")
        if not reader["summary"].strip():
            fail("the story page has no summary under its headline")
        differ = [f for f in reader["facts"] if f["conflict"]]
        if not differ:
            fail(f"the key facts show no disagreement: {reader['facts']}")
        values = {v["value"] for v in differ[0]["values"]}
        if not ({"28,500 troops", "28,000 troops"} <= values) or "differ" not in differ[0]["verdict"]:
            fail(f"the troop count disagreement does not list both values: {differ[0]}")
        named = [src for v in differ[0]["values"] for src in v["sources"]]
        if DISAGREE_OUTLET not in named or "Reuters" not in named:
            fail(f"the differing values are not credited to their outlets: {differ[0]}")
        for f in reader["facts"]:
            if "agree" in f["verdict"] and sum(len(v["sources"]) for v in f["values"]) < 2:
                fail(f"'agree' said of a single source: {f}")
        for want in ("AJP", "Reuters", DISAGREE_OUTLET):
            if want not in reader["outlets"]:
                fail(f"sources are not grouped under outlet {want!r}: {reader['outlets']}")
        if any(not t.strip() or t.startswith("000_") for t in reader["sourceTitles"]):
            fail(f"a source is shown by id or without a headline: {reader['sourceTitles']}")
        early = [d for d in reader["dates"] if d < "2021"]
        if early:
            fail(f"background years on the timeline: {early}")
        bg = reader["background"]
        if not bg or bg["open"] or "1950" not in bg["dates"]:
            fail(f"the background years are not in a collapsed background list: {bg}")
        browser.viewport(1280, 3200)
        time.sleep(0.3)
        shot("02-story-desktop.png")
        browser.viewport(390, 3600, mobile=True)
        time.sleep(0.3)
        shot("02-story-390px.png")
        browser.js("document.querySelectorAll('details').forEach(d => d.open = true)")
        time.sleep(0.2)
        shot("02-story-390px-expanded.png")
        browser.cmd("POST", "/goog/cdp/execute", {"cmd": "Emulation.clearDeviceMetricsOverride", "params": {}})
        print(f"ok  story {story}: {page['bars']} bars, {page['marks']} event marks, {len(page['entries'])} timeline entries;"
              f" key facts differ ({sorted(values)}), outlets {reader['outlets']}, background {bg['dates']} collapsed")

        # 3. Search OPCON through the search box.
        q = browser.find("#q")[0]
        browser.type(q, "OPCON")
        browser.click(browser.find("#search-form button")[0])
        browser.wait("search results", "return location.hash.startsWith('#/search') && document.querySelectorAll('ol.hits li.hit').length > 0")
        hits = browser.js("return [...document.querySelectorAll('ol.hits li.hit a.hit-title')].map(a => a.getAttribute('href'))")
        marks = browser.js("return [...document.querySelectorAll('ol.hits mark')].map(m => m.textContent.toLowerCase())")
        for seed in (SEED_000, SEED_001):
            if f"#/article/{seed}" not in hits:
                fail(f"search OPCON does not list {seed}: {hits}")
        if "opcon" not in marks:
            fail(f"search snippets do not highlight OPCON: {marks}")
        shot("03-search-opcon.png")
        print(f"ok  search OPCON: {len(hits)} hits incl. 000 and 001, highlighted")

        # 4. The crafted article, reached through search, renders as text.
        browser.type(browser.find("#q")[0], "quokka")
        browser.click(browser.find("#search-form button")[0])
        browser.wait("the crafted article's hit", "return document.querySelector('ol.hits a.hit-title[href=\"#/article/' + arguments[0] + '\"]')", XSS_ID)
        no_injection("search results")
        browser.click(browser.find(f'ol.hits a.hit-title[href="#/article/{XSS_ID}"]')[0])
        browser.wait("the crafted article", "return location.hash === '#/article/' + arguments[0] && document.querySelector('.article-text p')", XSS_ID)
        time.sleep(0.3)  # give an injected onerror handler time to fire
        art = browser.js("return {h1: document.querySelector('h1').textContent, text: document.querySelector('.article-text').textContent,"
                         " visible: document.getElementById('main').innerText};")
        no_injection("crafted article")
        for payload in (SCRIPT_PAYLOAD, IMG_PAYLOAD):
            if payload not in art["h1"]:
                fail(f"title does not show {payload!r} literally: {art['h1']!r}")
            if payload not in art["text"] or payload not in art["visible"]:
                fail(f"article text does not show {payload!r} literally")
        shot("04-crafted-article.png")
        print("ok  crafted article: payloads shown as text, window.__xss undefined, no <img>/<script> injected")

        # 5. Live update: a new article for the open story shows up without a reload.
        browser.get(f"{base}/#/story/{story}")
        browser.wait("the story page again", "return document.querySelectorAll('ol.timeline-list li').length > 0 && location.hash === '#/story/' + arguments[0]", story)
        before = browser.js("return document.querySelectorAll('ul.sources a[href=\"#/article/' + arguments[0] + '\"]').length", LIVE_ID)
        if before:
            fail(f"{LIVE_ID} is on the page before it was posted")
        browser.js("window.__noReload = 'still here';")
        with open(SEEDS, encoding="utf-8") as fh:
            seed = next(json.loads(l) for l in fh if json.loads(l)["id"] == SEED_001)
        copy = dict(seed, id=LIVE_ID, source="Live Update Wire")
        status, resp = http("POST", f"{base}/api/articles", copy, {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
        if status != 200 or resp.get("new") != 1:
            fail(f"POST /api/articles: {status} {resp}")
        posted_story = resp["articles"][0]["story"]
        if posted_story != story:
            fail(f"the posted copy joined {posted_story}, not the open story {story}: {resp}")
        t0 = time.time()
        browser.wait(f"{LIVE_ID} to appear on the open story page",
                     "return document.querySelector('ul.sources a[href=\"#/article/' + arguments[0] + '\"]')", LIVE_ID, seconds=20)
        waited = time.time() - t0
        if browser.js("return window.__noReload") != "still here":
            fail("the page was reloaded to show the new article")
        live = browser.js("return document.getElementById('live') ? document.getElementById('live').textContent : ''")
        if "Updated" not in live:
            fail(f"the live note does not say the page was updated: {live!r}")
        browser.js("document.querySelectorAll('details.copies').forEach(d => d.open = true)")
        # The posted article is the seed's text word for word: folded under
        # the seed as an exact copy, and saying so.
        copy_line = browser.js("const li = document.querySelector('details.copies li[data-article=\"' + arguments[0] + '\"]'); return li ? li.textContent : null", LIVE_ID)
        if not copy_line or "exact copy" not in copy_line:
            fail(f"{LIVE_ID} is not listed as an exact copy under its original: {copy_line!r}")
        shot("05-live-update.png")
        print(f"ok  live update: {LIVE_ID} appeared {waited:.1f}s after the POST, without a reload ({live})")
        print(f"OK e2e: {len(shots)} screenshots in {out}: {', '.join(shots)}")
    finally:
        if browser:
            browser.close()
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
