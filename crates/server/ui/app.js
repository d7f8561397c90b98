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
  for (const c of children.flat(Infinity)) {
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
    bar.appendChild(svg("title", {}, `${date}: ${plural(count, "article")}`));
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

const LIST_FILTERS = ["since", "until", "outlet", "entity"];

// The story list: one-article stories hidden unless asked for (`all=1`),
// filters as in GET /api/stories.
async function storyList(params, gen) {
  const sort = params.get("sort") === "biggest" ? "biggest" : "newest";
  const all = params.get("all") === "1";
  const query = new URLSearchParams({ sort });
  if (!all) query.set("min_articles", "2");
  for (const f of LIST_FILTERS) if (params.get(f)) query.set(f, params.get(f));
  let stories = await api("/api/stories?" + query.toString());
  if (gen !== routeGen) return;
  const filtered = LIST_FILTERS.some((f) => params.get(f));
  // A young store may have no story of two articles yet: show them all
  // rather than an empty page.
  let fellBack = false;
  if (!all && stories.length === 0 && !filtered) {
    query.delete("min_articles");
    stories = await api("/api/stories?" + query.toString());
    if (gen !== routeGen) return;
    fellBack = stories.length > 0;
  }
  const here = (changes) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) p.delete(k);
      else p.set(k, v);
    }
    const q = p.toString();
    return "#/" + (q ? "?" + q : "");
  };
  const toggle = el("p", { class: "sort" }, "Sort: ",
    sort === "newest" ? el("strong", {}, "newest") : link(here({ sort: "newest" }), "newest"), " · ",
    sort === "biggest" ? el("strong", {}, "biggest") : link(here({ sort: "biggest" }), "biggest"), " · ",
    all
      ? link(here({ all: null }), "hide one-article stories", "toggle-single")
      : link(here({ all: "1" }), "show one-article stories too", "toggle-single"));
  const form = el("form", { class: "filters", id: "list-filters" },
    LIST_FILTERS.map((f) => el("label", {}, f + " ", el("input", { name: f, value: params.get(f) || "", placeholder: f === "since" || f === "until" ? "YYYY-MM-DD" : "" }))),
    el("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (sort !== "newest") p.set("sort", sort);
    if (all) p.set("all", "1");
    for (const [k, v] of new FormData(form)) if (String(v).trim()) p.set(k, String(v).trim());
    location.hash = "#/" + (p.toString() ? "?" + p.toString() : "");
  });
  if (stories.length === 0) {
    show(el("h1", {}, "Stories"), toggle, form, el("p", { class: "muted" }, filtered
      ? "No story matches these filters."
      : "No stories yet: ingest articles with `storyline ingest` or POST /api/articles."));
    return;
  }
  const rows = stories.map((s) =>
    el("li", { class: "story" + (s.developing ? " developing" : "") },
      el("div", { class: "story-main" },
        el("div", {}, link(storyHref(s.id), s.title || s.snippet || "(untitled)", "story-title"),
          s.developing ? el("span", { class: "badge developing" }, "developing") : null),
        el("div", { class: "meta" },
          `${plural(s.articles, "article")} · ${outletCount(s.outlets)} · ` +
          (s.last ? "updated " + s.last : "undated") + (s.first && s.first !== s.last ? " · since " + s.first : "")),
        s.snippet ? el("p", { class: "snippet" }, s.snippet) : null),
      sparkline(s.coverage)));
  const note = fellBack ? el("p", { class: "muted" }, "No story has more than one article yet, so all are shown.") : null;
  show(el("h1", {}, "Stories"), toggle, form, note, el("ol", { class: "stories" }, rows));
}

function section(title, ...content) {
  return el("section", {}, el("h2", {}, title), ...content);
}

// A short name for an article in lists of sources: its outlet, else its
// headline cut short, else its id.
function labeller(view) {
  const byId = new Map(view.sources.map((s) => [s.article, s]));
  return (id) => {
    const s = byId.get(id);
    if (!s) return id;
    if (s.outlet) return s.outlet;
    if (s.title) return s.title.length > 40 ? s.title.slice(0, 38) + "…" : s.title;
    return id;
  };
}

function sourceLinks(ids, label) {
  const out = [];
  ids.forEach((id, i) => {
    if (i > 0) out.push(" ");
    out.push(el("a", { href: articleHref(id), class: "src", title: id }, label(id)));
  });
  return el("span", { class: "srcs" }, out);
}

function originalLink(s) {
  if (!s.url || !/^https?:\/\//i.test(s.url)) return null;
  return el("a", { href: s.url, class: "original", rel: "noopener noreferrer nofollow", target: "_blank" }, "original ↗");
}

// Sources grouped by outlet; each original with its headline, date and
// link to the page it came from; its copies folded under it.
function sourcesList(view) {
  const byId = new Map(view.sources.map((s) => [s.article, s]));
  const originals = view.sources.filter((s) => !s.duplicate_of || !byId.has(s.duplicate_of));
  const groups = new Map();
  for (const s of originals) {
    const k = s.outlet || "";
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(s);
  }
  // Outlets with more articles first; unnamed outlets last.
  const order = [...groups.keys()].sort((a, b) => (a === "") - (b === "") || groups.get(b).length - groups.get(a).length || a.localeCompare(b));
  return el("ul", { class: "sources" }, order.map((outlet) => {
    const items = groups.get(outlet).map((s) => {
      const copies = (s.copies || []).filter((c) => byId.has(c));
      const outlets = new Set(copies.map((c) => byId.get(c).outlet || c));
      const line = el("li", { class: "source", "data-article": s.article },
        link(articleHref(s.article), s.title || s.article, "source-title"), " ",
        el("span", { class: "muted" }, s.published || "undated"), " ",
        originalLink(s),
        s.article === view.read_first ? el("span", { class: "badge" }, "read first") : null,
        s.machine_translated ? el("span", { class: "tag" }, "machine-translated") : null);
      if (copies.length > 0) {
        line.appendChild(el("details", { class: "copies" },
          el("summary", {}, `${plural(outlets.size, "outlet")} ran this copy`),
          el("ul", {}, copies.map((c) => {
            const cs = byId.get(c);
            return el("li", { class: "copy", "data-article": c }, link(articleHref(c), cs.outlet || c), " ",
              el("span", { class: "tag" }, copyLabel(cs.duplicate_kind)), " ",
              el("span", { class: "muted" }, cs.published || ""), " ", originalLink(cs));
          }))));
      }
      return line;
    });
    return el("li", { class: "outlet-group" },
      el("div", { class: "outlet" }, outlet || "Outlet not named in the text"),
      el("ul", {}, items));
  }));
}

const fmtValue = (v) => (Number.isInteger(v) ? v.toLocaleString("en-US") : String(v));

// Who, where and when from the view, and the amounts with where sources
// agree and where they differ (never "agree" for a single source).
function keyFacts(view, label) {
  const names = (type, n) => view.entities.filter((e) => e.type === type).slice(0, n).map((e) => e.canonical);
  const rows = [];
  const who = names("PERSON", 4);
  const orgs = names("ORG", 3);
  const where = names("PLACE", 4);
  if (who.length || orgs.length) rows.push(["Who", [...who, ...orgs].join(", ")]);
  if (where.length) rows.push(["Where", where.join(", ")]);
  const dated = view.events.filter((e) => e.date);
  if (dated.length) {
    const main = dated.reduce((a, b) => (b.articles.length > a.articles.length ? b : a));
    rows.push(["When", main.date + (dated.length > 1 ? ` (${dated.length} events, ${dated[0].date} – ${dated[dated.length - 1].date})` : "")]);
  }
  const box = el("section", { id: "key-facts", class: "card" }, el("h2", {}, "Key facts"),
    el("dl", { class: "kf" }, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
  if (view.facts.length) {
    box.appendChild(el("ul", { class: "facts" }, view.facts.map((f) => {
      const n = f.sources.length;
      const differs = f.conflicts.length > 0;
      const verdict = differs
        ? el("span", { class: "verdict differ" }, "sources differ")
        : (f.stated || []).length
          ? el("span", { class: "verdict differ" }, `${n} sources give ${fmtValue(f.value)}, bounded differently`)
          : n > 1 ? el("span", { class: "verdict agree" }, `${n} sources agree`) : el("span", { class: "verdict single" }, "one source");
      const stated = f.stated || [];
      const values = stated.length && !differs
        // One number, bounded differently: each wording with its sources.
        ? stated.map((st) => el("li", { class: "value" }, el("strong", {}, "\u201c" + st.text + "\u201d"), " ", sourceLinks(st.sources, label)))
        : [el("li", { class: "value" }, el("strong", {}, fmtValue(f.value) + " " + f.unit), " ", sourceLinks(f.sources, label))];
      for (const c of f.conflicts) {
        values.push(el("li", { class: "value" }, el("strong", {}, fmtValue(c.value) + " " + f.unit), " ", sourceLinks(c.sources, label)));
      }
      return el("li", { class: "fact" + (differs ? " conflict" : "") },
        el("div", {}, el("span", { class: "subject" }, f.subject), " ", verdict),
        el("ul", { class: "values" }, values));
    })));
  }
  if ((view.variants || []).length) {
    box.appendChild(el("div", { class: "variants" }, el("h3", {}, "Same thing, different words"),
      el("ul", {}, view.variants.map((x) => el("li", {}, el("strong", {}, x.canonical), ": ",
        x.forms.map((f, i) => [i ? "; " : "", "\u201c" + f.text + "\u201d ", sourceLinks(f.sources, label)]),
        el("span", { class: "muted" }, " (" + x.explained_by + ")"))))));
  }
  return box;
}

function timelineList(entries, label, cls) {
  return el("ol", { class: cls }, entries.map((t) => el("li", {}, el("time", {}, t.date), " ", t.text, " ", sourceLinks(t.sources, label))));
}

// Quotes grouped by who said them; unattributed last.
function quotesBySpeaker(view, label) {
  const groups = new Map();
  for (const q of view.quotes) {
    const k = q.speaker || "";
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(q);
  }
  const order = [...groups.keys()].sort((a, b) => (a === "") - (b === "") || groups.get(b).length - groups.get(a).length);
  return el("ul", { class: "quotes" }, order.map((who) => el("li", { class: "speaker" },
    el("div", { class: "who" }, who || "Unattributed"),
    groups.get(who).map((q) => el("blockquote", {}, "\u201c" + q.text + "\u201d ", sourceLinks(q.sources, label))))));
}

// Entities by how many articles name them; the long tail collapsed.
const TOP_ENTITIES = 8;
function entityList(view) {
  const chip = (e) => el("li", {}, el("span", { class: "tag" }, e.type), " ",
    link("#/search?entity=" + encodeURIComponent(e.canonical), e.canonical), " ",
    el("span", { class: "muted" }, plural(e.articles.length, "article")));
  const top = view.entities.slice(0, TOP_ENTITIES);
  const rest = view.entities.slice(TOP_ENTITIES);
  return [el("ul", { class: "entities top" }, top.map(chip)),
    rest.length ? el("details", { class: "more-entities" }, el("summary", {}, `${rest.length} more names`), el("ul", { class: "entities" }, rest.map(chip))) : null];
}

function renderStory(view) {
  const label = labeller(view);
  const outlets = new Set(view.sources.map((s) => s.outlet).filter(Boolean));
  const dates = view.sources.map((s) => s.published).filter(Boolean).sort();
  const parts = [el("h1", {}, view.title || view.id),
    el("p", { class: "meta" }, `${plural(view.sources.length, "article")} · ${outletCount(outlets.size)} · ${dateRange(dates[0], dates[dates.length - 1])} · ${view.id}`)];
  if (view.summary) parts.push(el("p", { class: "summary" }, view.summary));
  parts.push(keyFacts(view, label));
  const bg = view.background || [];
  parts.push(section("Timeline", timelineChart(view),
    view.timeline.length ? timelineList(view.timeline, label, "timeline-list") : el("p", { class: "muted" }, "No dated happenings."),
    bg.length ? el("details", { class: "background" }, el("summary", {}, `Background: ${plural(bg.length, "earlier date")} mentioned`), timelineList(bg, label, "background-list")) : null));
  const first = view.sources.find((s) => s.article === view.read_first);
  if (first) {
    parts.push(section("Read first", el("p", { class: "read-first" },
      link(articleHref(first.article), first.title || first.article, "source-title"), " ",
      el("span", { class: "muted" }, [first.outlet, first.published].filter(Boolean).join(" · ")), " ",
      originalLink(first), el("br"), el("span", { class: "muted" }, "The most complete original article of the story."))));
  }
  parts.push(section("Sources", sourcesList(view)));
  if (view.quotes.length) parts.push(section("Quotes", quotesBySpeaker(view, label)));
  if (view.entities.length) parts.push(section("Who and what", entityList(view)));
  parts.push(section("Events", el("ul", {}, view.events.map((e) =>
    el("li", {}, link(eventHref(e.id), e.title || e.id), " ", el("span", { class: "muted" }, (e.date || "undated") + " · " + e.articles.length + " articles"))))));
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
      a.duplicate_of ? el("span", { class: "tag" }, copyLabel(a.duplicate_kind) + " of " + a.duplicate_of) : null))));
}

async function articlePage(id, gen) {
  const a = await api("/api/articles/" + encodeURIComponent(id));
  if (gen !== routeGen) return;
  const paragraphs = a.text.split(/\n\s*\n/).filter((p) => p.trim()).map((p) => el("p", {}, p));
  const meta = [a.id, a.outlet, a.published, a.language, a.machine_translated ? "machine-translated" : null, a.authors.length ? "by " + a.authors.join(", ") : null].filter(Boolean).join(" · ");
  const parts = [el("h1", {}, a.title || a.id), el("p", { class: "meta" }, meta),
    el("p", {}, "Story ", link(storyHref(a.story), a.story), " · event ", link(eventHref(a.event), a.event),
      a.duplicate_of ? el("span", {}, ` · ${copyLabel(a.duplicate_kind)} of `, link(articleHref(a.duplicate_of), a.duplicate_of)) : null)];
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
  show(el("h1", {}, "Search"), form, el("p", { class: "muted" }, plural(res.hits.length, "result")),
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

// "0 outlets" read as "nobody ran this": when no article names its
// outlet, say that the outlets are unknown.
function outletCount(n) {
  return n === 0 ? "outlets unknown" : plural(n, "outlet");
}

// "1 article", "2 articles": the one place a count meets its noun
// (`many` for plurals that are not the noun plus "s").
function plural(n, one, many = one + "s") {
  return `${n} ${n === 1 ? one : many}`;
}

// What kind of copy: an exact copy is the same text, an excerpt is part
// of it (a teaser), an extended copy adds to it.
function copyLabel(kind) {
  return { exact: "exact copy", near: "reworded copy", excerpt: "excerpt", extended: "extended copy" }[kind] || "copy";
}
