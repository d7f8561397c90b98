// storyline web UI: plain DOM, no framework, no external asset.
//
// Article text is untrusted. Everything from the API is put on the page as
// text nodes (el(), textContent) or as attributes we build ourselves; HTML
// is never parsed from data. The server's Content-Security-Policy forbids
// inline script as a second line of defence.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const POLL_MS = 2000;
let pollTimer = null;
// Bumped on every navigation: a page whose fetch returns after the reader
// moved on must not draw over the new page (or start polling).
let routeGen = 0;

// el("a", {href: "#/x", class: "c"}, "text", child, ...): text becomes text nodes.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined && v !== false) node.setAttribute(k, String(v));
  }
}

function append(node, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

function main() {
  return document.getElementById("main");
}

function show(...nodes) {
  main().replaceChildren(...nodes.flat().filter(Boolean));
}

function link(href, text, cls) {
  return el("a", { href, class: cls }, text);
}

const storyHref = (id) => "#/story/" + encodeURIComponent(id);
const articleHref = (id) => "#/article/" + encodeURIComponent(id);
const eventHref = (id) => "#/event/" + encodeURIComponent(id);

async function api(path) {
  const resp = await fetch(path, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await resp.json();
  } catch (e) {
    throw new Error("the server sent no JSON (" + resp.status + ")");
  }
  if (!resp.ok) {
    const msg = body && body.error ? body.error.message : "request failed (" + resp.status + ")";
    throw new Error(msg);
  }
  return body;
}

function errorBox(err) {
  return el("p", { class: "error", role: "alert" }, String(err.message || err));
}

function dateRange(first, last) {
  if (!first && !last) return "undated";
  if (first === last || !last) return first;
  return first + " – " + last;
}

// ---- charts -------------------------------------------------------------

function dayNumber(iso) {
  const t = Date.parse(iso.length === 4 ? iso + "-01-01" : iso.length === 7 ? iso + "-01" : iso);
  return Number.isNaN(t) ? null : Math.floor(t / 86400000);
}

// A small bar sparkline of articles per day; bars placed on a time axis.
function sparkline(coverage, width = 120, height = 24) {
  const points = (coverage || []).map((c) => [dayNumber(c.date), c.count, c.date]).filter((p) => p[0] !== null);
  const box = svg("svg", { class: "spark", width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
  if (points.length === 0) return box;
  const min = points[0][0];
  const max = points[points.length - 1][0];
  const span = Math.max(1, max - min);
  const top = Math.max(...points.map((p) => p[1]));
  box.appendChild(svg("title", {}, points.map((p) => p[2] + ": " + p[1]).join(", ")));
  for (const [day, count] of points) {
    const x = points.length === 1 ? width / 2 : 2 + ((day - min) / span) * (width - 6);
    const h = Math.max(2, (count / top) * (height - 2));
    box.appendChild(svg("rect", { x: x.toFixed(1), y: (height - h).toFixed(1), width: 3, height: h.toFixed(1), class: "bar" }));
  }
  return box;
}

// The story's timeline: articles per day as bars, events as labelled marks.
function timelineChart(view) {
  const width = 760;
  const height = 160;
  const pad = { l: 30, r: 20, t: 28, b: 28 };
  const perDay = new Map();
  for (const s of view.sources) {
    if (!s.published) continue;
    perDay.set(s.published, (perDay.get(s.published) || 0) + 1);
  }
  const events = view.events.filter((e) => e.date && dayNumber(e.date) !== null);
  const days = [...perDay.keys(), ...events.map((e) => e.date)].map(dayNumber).filter((d) => d !== null);
  const chart = svg("svg", { class: "timeline", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Coverage over time" });
  if (days.length === 0) {
    chart.appendChild(svg("text", { x: pad.l, y: height / 2, class: "axis" }, "No dated articles"));
    return chart;
  }
  const min = Math.min(...days);
  const max = Math.max(...days);
  const span = Math.max(1, max - min);
  const x = (d) => (days.length === 1 || min === max ? (pad.l + width - pad.r) / 2 : pad.l + ((d - min) / span) * (width - pad.l - pad.r));
  const top = Math.max(1, ...perDay.values());
  const plotH = height - pad.t - pad.b;
  chart.appendChild(svg("line", { x1: pad.l, x2: width - pad.r, y1: height - pad.b, y2: height - pad.b, class: "axisline" }));
  for (const [date, count] of perDay) {
    const d = dayNumber(date);
    if (d === null) continue;
    const h = (count / top) * plotH;
    const bar = svg("rect", { x: (x(d) - 4).toFixed(1), y: (height - pad.b - h).toFixed(1), width: 8, height: h.toFixed(1), class: "bar" });
    bar.appendChild(svg("title", {}, `${date}: ${count} article${count === 1 ? "" : "s"}`));
    chart.appendChild(bar);
  }
  events.forEach((e, i) => {
    const ex = x(dayNumber(e.date));
    chart.appendChild(svg("line", { x1: ex, x2: ex, y1: pad.t - 6, y2: height - pad.b, class: "eventline" }));
    const right = ex > width * 0.7;
    const label = svg("text", { x: right ? ex - 3 : ex + 3, y: 12 + (i % 2) * 11, class: "eventlabel" + (right ? " end" : "") }, e.date);
    label.appendChild(svg("title", {}, e.title));
    chart.appendChild(label);
  });
  chart.appendChild(svg("text", { x: pad.l, y: height - 8, class: "axis" }, new Date(min * 86400000).toISOString().slice(0, 10)));
  chart.appendChild(svg("text", { x: width - pad.r, y: height - 8, class: "axis end" }, new Date(max * 86400000).toISOString().slice(0, 10)));
  return chart;
}

// ---- pages --------------------------------------------------------------

async function storyList(params, gen) {
  const sort = params.get("sort") === "biggest" ? "biggest" : "newest";
  const stories = await api("/api/stories?sort=" + sort);
  if (gen !== routeGen) return;
  const toggle = el("p", { class: "sort" }, "Sort: ",
    sort === "newest" ? el("strong", {}, "newest") : link("#/?sort=newest", "newest"), " · ",
    sort === "biggest" ? el("strong", {}, "biggest") : link("#/?sort=biggest", "biggest"));
  if (stories.length === 0) {
    show(el("h1", {}, "Stories"), el("p", { class: "muted" }, "No stories yet: ingest articles with `storyline ingest` or POST /api/articles."));
    return;
  }
  const rows = stories.map((s) =>
    el("li", { class: "story" },
      el("div", { class: "story-main" },
        link(storyHref(s.id), s.title || "(untitled)", "story-title"),
        el("div", { class: "meta" }, `${s.articles} article${s.articles === 1 ? "" : "s"} · ${s.events} event${s.events === 1 ? "" : "s"} · ${dateRange(s.first, s.last)}`)),
      sparkline(s.coverage)));
  show(el("h1", {}, "Stories"), toggle, el("ol", { class: "stories" }, rows));
}

function section(title, ...content) {
  return el("section", {}, el("h2", {}, title), ...content);
}

function sourcesList(view) {
  const byId = new Map(view.sources.map((s) => [s.article, s]));
  const originals = view.sources.filter((s) => !s.duplicate_of || !byId.has(s.duplicate_of));
  return el("ul", { class: "sources" }, originals.map((s) => {
    const line = el("li", {},
      link(articleHref(s.article), s.article), " ",
      el("span", { class: "outlet" }, s.outlet || "unknown outlet"), " ",
      el("span", { class: "muted" }, s.published || "undated"),
      s.machine_translated ? el("span", { class: "tag" }, "machine-translated") : null,
      s.duplicate_of ? el("span", { class: "tag" }, "copy of " + s.duplicate_of) : null);
    const copies = (s.copies || []).filter((c) => byId.has(c));
    if (copies.length > 0) {
      line.appendChild(el("details", { class: "copies" },
        el("summary", {}, `${copies.length} cop${copies.length === 1 ? "y" : "ies"}`),
        el("ul", {}, copies.map((c) => {
          const cs = byId.get(c);
          return el("li", {}, link(articleHref(c), c), " ", el("span", { class: "outlet" }, cs.outlet || ""), " ", el("span", { class: "muted" }, cs.published || ""));
        }))));
    }
    return line;
  }));
}

function sourceLinks(ids) {
  const out = [];
  ids.forEach((id, i) => {
    if (i > 0) out.push(", ");
    out.push(link(articleHref(id), id));
  });
  return el("span", { class: "src" }, "[", out, "]");
}

function renderStory(view) {
  const parts = [el("h1", {}, view.title || view.id), el("p", { class: "meta" }, view.id + " · " + view.sources.length + " sources · " + view.events.length + " events")];
  if (view.summary) parts.push(el("p", { class: "summary" }, view.summary));
  parts.push(section("Timeline", timelineChart(view),
    el("ol", { class: "timeline-list" }, view.timeline.map((t) => el("li", {}, el("time", {}, t.date), " ", t.text, " ", sourceLinks(t.sources))))));
  parts.push(section("Events", el("ul", {}, view.events.map((e) =>
    el("li", {}, link(eventHref(e.id), e.title || e.id), " ", el("span", { class: "muted" }, (e.date || "undated") + " · " + e.articles.length + " articles"))))));
  parts.push(section("Sources", sourcesList(view)));
  if (view.entities.length) {
    parts.push(section("Entities", el("ul", { class: "entities" }, view.entities.map((e) =>
      el("li", {}, el("span", { class: "tag" }, e.type), " ",
        link("#/search?entity=" + encodeURIComponent(e.canonical), e.canonical), " ",
        e.aliases.filter((a) => a !== e.canonical).length ? el("span", { class: "muted" }, "also: " + e.aliases.filter((a) => a !== e.canonical).join(", ")) : null,
        " ", el("span", { class: "muted" }, e.articles.length + " articles"))))));
  }
  if (view.facts.length) {
    parts.push(section("Facts", el("ul", { class: "facts" }, view.facts.map((f) =>
      el("li", { class: f.conflicts.length ? "conflict" : "agree" },
        el("strong", {}, f.subject + ": " + f.value + " " + f.unit), " ", sourceLinks(f.sources),
        f.conflicts.length ? el("ul", {}, f.conflicts.map((c) => el("li", {}, "differs: " + c.value + " ", sourceLinks(c.sources)))) : el("span", { class: "muted" }, " sources agree"),
        f.text ? el("div", { class: "muted" }, f.text) : null)))));
  }
  if (view.quotes.length) {
    parts.push(section("Quotes", el("ul", { class: "quotes" }, view.quotes.map((q) =>
      el("li", {}, el("blockquote", {}, "\u201c" + q.text + "\u201d"), el("span", {}, q.speaker || "unknown speaker"), " ", sourceLinks(q.sources))))));
  }
  parts.push(el("p", { class: "live muted", id: "live" }, "Updates every " + POLL_MS / 1000 + " s."));
  show(parts);
}

// Live updates: the page polls the story's version (its article count, a
// cheap request) and refetches the whole view only when it changed.
async function storyPage(id, gen) {
  const view = await api("/api/stories/" + encodeURIComponent(id));
  if (gen !== routeGen) return;
  const path = "/api/stories/" + encodeURIComponent(view.id);
  let version = view.sources.length;
  renderStory(view);
  let busy = false;
  pollTimer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const v = await api(path + "/version");
      if (gen !== routeGen || v.articles === version) return;
      const next = await api(path);
      if (gen !== routeGen) return;
      version = v.articles;
      const y = window.scrollY;
      renderStory(next);
      window.scrollTo(0, y);
      const live = document.getElementById("live");
      if (live) live.textContent = "Updated at " + new Date().toLocaleTimeString() + ": " + next.sources.length + " articles.";
    } catch (e) {
      const live = document.getElementById("live");
      if (live && gen === routeGen) live.textContent = "Live update failed: " + e.message;
    } finally {
      busy = false;
    }
  }, POLL_MS);
}

async function eventPage(id, gen) {
  const ev = await api("/api/events/" + encodeURIComponent(id));
  if (gen !== routeGen) return;
  show(el("h1", {}, ev.title || ev.id),
    el("p", { class: "meta" }, ev.id + " · " + (ev.date || "undated") + " · in ", link(storyHref(ev.story), ev.story_title || ev.story)),
    el("ul", { class: "sources" }, ev.articles.map((a) => el("li", {}, link(articleHref(a.id), a.title || a.id), " ",
      el("span", { class: "outlet" }, a.outlet || ""), " ", el("span", { class: "muted" }, a.published || "undated"),
      a.duplicate_of ? el("span", { class: "tag" }, "copy of " + a.duplicate_of) : null))));
}

async function articlePage(id, gen) {
  const a = await api("/api/articles/" + encodeURIComponent(id));
  if (gen !== routeGen) return;
  const paragraphs = a.text.split(/\n\s*\n/).filter((p) => p.trim()).map((p) => el("p", {}, p));
  const meta = [a.id, a.outlet, a.published, a.language, a.machine_translated ? "machine-translated" : null, a.authors.length ? "by " + a.authors.join(", ") : null].filter(Boolean).join(" · ");
  const parts = [el("h1", {}, a.title || a.id), el("p", { class: "meta" }, meta),
    el("p", {}, "Story ", link(storyHref(a.story), a.story), " · event ", link(eventHref(a.event), a.event),
      a.duplicate_of ? el("span", {}, " · copy of ", link(articleHref(a.duplicate_of), a.duplicate_of)) : null)];
  if (a.url && /^https?:\/\//i.test(a.url)) parts.push(el("p", {}, el("a", { href: a.url, rel: "noopener noreferrer nofollow" }, a.url)));
  parts.push(section("Cleaned text", el("div", { class: "article-text" }, paragraphs)));
  parts.push(section("Removed by cleaning (" + a.removed.length + ")", a.removed.length
    ? el("ul", { class: "removed" }, a.removed.map((r) => el("li", {}, el("span", { class: "tag" }, r.reason.replace(/_/g, " ")), " ", el("span", { class: "removed-text" }, r.text))))
    : el("p", { class: "muted" }, "Nothing was removed.")));
  const ents = a.analysis.entities || [];
  if (ents.length) {
    const seen = new Map();
    for (const e of ents) if (!seen.has(e.canonical)) seen.set(e.canonical, e);
    parts.push(section("Entities", el("ul", { class: "entities" }, [...seen.values()].map((e) =>
      el("li", {}, el("span", { class: "tag" }, e.type), " ", link("#/search?entity=" + encodeURIComponent(e.canonical), e.canonical))))));
  }
  show(parts);
}

const FILTERS = ["from", "to", "outlet", "entity", "story", "event"];

async function searchPage(params, gen) {
  const q = params.get("q") || "";
  document.getElementById("q").value = q;
  const form = el("form", { class: "filters", id: "filters" },
    el("label", {}, "Words ", el("input", { name: "q", type: "search", value: q })),
    FILTERS.map((f) => el("label", {}, f + " ", el("input", { name: f, value: params.get(f) || "", placeholder: f === "from" || f === "to" ? "YYYY-MM-DD" : "" }))),
    el("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) p.set(k, String(v).trim());
    location.hash = "#/search?" + p.toString();
  });
  const query = new URLSearchParams();
  for (const k of ["q", ...FILTERS]) if (params.get(k)) query.set(k, params.get(k));
  if ([...query.keys()].length === 0) {
    show(el("h1", {}, "Search"), form);
    return;
  }
  const res = await api("/api/search?" + query.toString());
  if (gen !== routeGen) return;
  const hits = res.hits.map((h) => el("li", { class: "hit" },
    link(articleHref(h.id), h.title || h.id, "hit-title"),
    el("div", { class: "meta" }, [h.outlet, h.published, "score " + h.score.toFixed(2)].filter(Boolean).join(" · "), " · ",
      link(storyHref(h.story), h.story), " · ", link(eventHref(h.event), h.event)),
    el("p", { class: "snippet" }, h.snippet.map((part) => (part.highlight ? el("mark", {}, part.text) : document.createTextNode(part.text))))));
  show(el("h1", {}, "Search"), form, el("p", { class: "muted" }, res.hits.length + " result" + (res.hits.length === 1 ? "" : "s")),
    el("ol", { class: "hits" }, hits));
}

// ---- routing ------------------------------------------------------------

async function route() {
  const gen = ++routeGen;
  if (pollTimer) {
    clearInterval(pollTimer);
    pollTimer = null;
  }
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (seg.length === 0) await storyList(params, gen);
    else if (seg[0] === "story" && seg[1]) await storyPage(seg[1], gen);
    else if (seg[0] === "event" && seg[1]) await eventPage(seg[1], gen);
    else if (seg[0] === "article" && seg[1]) await articlePage(seg[1], gen);
    else if (seg[0] === "search") await searchPage(params, gen);
    else show(el("h1", {}, "Not found"), el("p", {}, link("#/", "All stories")));
  } catch (err) {
    if (gen === routeGen) show(el("h1", {}, "Something went wrong"), errorBox(err), el("p", {}, link("#/", "All stories")));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = document.getElementById("q").value.trim();
    location.hash = "#/search?q=" + encodeURIComponent(q);
  });
  window.addEventListener("hashchange", route);
  route();
});
