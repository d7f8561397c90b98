#!/usr/bin/env python3
"""End-to-end test of `storyline serve` and its web UI in headless Chromium.

Drives Debian's chromium through chromedriver with a minimal W3C WebDriver
client (Python standard library only: urllib, json), so CI needs no npm or
pip packages:

  1. ingests the dated seeds plus one crafted article whose title and text
     carry `<script>` and `<img onerror>` payloads into a temporary store;
  2. starts `storyline serve` on a free loopback port (with a token);
  3. in the browser: the story list, the seeds' story (timeline chart and
     entries), a search for OPCON through the search box (hits must include
     seeds 000 and 001), the crafted article (rendered as text: no script
     ran, no element was injected, the literal markup is visible);
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

        # 1. The story list.
        browser.get(base + "/")
        n = browser.wait("the story list", "return document.querySelectorAll('ol.stories li.story').length")
        titles = browser.js("return [...document.querySelectorAll('a.story-title')].map(a => [a.getAttribute('href'), a.textContent])")
        hrefs = [h for h, _ in titles]
        if f"#/story/{story}" not in hrefs:
            fail(f"story list has no link to {story}: {titles}")
        if not browser.find("ol.stories svg.spark rect.bar"):
            fail("story list shows no coverage sparkline")
        # The crafted title is in the list too: as text.
        if not any(SCRIPT_PAYLOAD in t and IMG_PAYLOAD in t for _, t in titles):
            fail(f"the crafted title is not shown literally in the story list: {titles}")
        no_injection("story list")
        shot("01-stories.png")
        print(f"ok  story list: {n} stories, {story} listed")

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
        shot("02-story.png")
        print(f"ok  story {story}: {page['bars']} bars, {page['marks']} event marks, {len(page['entries'])} timeline entries")

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
