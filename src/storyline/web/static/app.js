// storyline's only script: a filter for the who-said-what table, news since the last visit, drag-and-drop,
// job progress.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Who said what: filter rows by speaker or outlet.
  document.querySelectorAll("h2").forEach((h) => {
    if (h.textContent !== "Who said what") return;
    const t = h.nextElementSibling;
    if (!t || t.tagName !== "TABLE") return;
    const input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter by speaker or outlet";
    input.className = "filter-bar";
    input.id = "quote-filter";
    h.after(input);
    input.addEventListener("input", () => {
      const needle = input.value.toLowerCase();
      t.querySelectorAll("tbody tr").forEach((row) => {
        const who = row.cells[0].textContent + " " + row.cells[3].textContent;
        row.hidden = needle !== "" && !who.toLowerCase().includes(needle);
      });
    });
  });
  // What changed since this browser last looked (kept in localStorage; no accounts). Times are the
  // server's (the change log's), so a wrong clock here changes nothing.
  const SEEN = "storyline:seen", SINCE = "storyline:since";
  const seen = () => { try { return JSON.parse(localStorage.getItem(SEEN) || "{}"); } catch { return {}; } };
  const table = document.getElementById("stories-table");
  if (table) {
    const since = localStorage.getItem(SINCE);
    const mine = seen();
    table.querySelectorAll("tbody tr[data-story]").forEach((row) => {
      const last = mine[row.dataset.story] || since;
      const badge = row.querySelector(".news");
      if (badge && last && row.dataset.changed && row.dataset.changed > last) {
        badge.hidden = false;
        const link = row.querySelector("a.story-link");
        link.href = link.pathname + "?changes_since=" + encodeURIComponent(last) + "#changes";
      }
    });
    if (!since && table.dataset.latest) localStorage.setItem(SINCE, table.dataset.latest);
  }
  const changes = document.getElementById("changes");
  if (changes && changes.dataset.story) {
    const mine = seen();
    const last = mine[changes.dataset.story] || localStorage.getItem(SINCE);
    changes.querySelectorAll("li.change").forEach((li) => {
      if (last && li.dataset.at > last) li.classList.add("unseen");
    });
    if (changes.dataset.latest) {
      mine[changes.dataset.story] = changes.dataset.latest;
      localStorage.setItem(SEEN, JSON.stringify(mine));
    }
  }
  // Drag and drop onto the ingest form.
  const drop = document.getElementById("drop");
  const files = document.getElementById("files");
  if (drop && files) {
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      files.files = e.dataTransfer.files;
    });
  }
  // Ingest job progress.
  const job = document.getElementById("job");
  if (job && document.getElementById("status").textContent === "running") {
    const poll = async () => {
      const r = await fetch("/api/jobs/" + encodeURIComponent(job.dataset.job));
      if (!r.ok) return;
      const j = await r.json();
      document.getElementById("status").textContent = j.status;
      document.getElementById("documents").textContent = j.total === null ? j.done : j.done + " of " + j.total;
      document.getElementById("stored").textContent = j.stored;
      const bar = document.getElementById("progress");
      if (j.total) { bar.max = j.total; bar.value = Math.min(j.done, j.total); }
      document.getElementById("summary").textContent = j.summary || "";
      const problems = document.getElementById("problems");
      problems.replaceChildren(...[...j.rejected, ...j.problems].map((p) => {
        const li = document.createElement("li"); li.textContent = p; return li;
      }));
      const stories = document.getElementById("stories");
      stories.replaceChildren(...j.stories.map((s) => {
        const a = document.createElement("a"); a.href = "/stories/" + s; a.textContent = "story " + s + " "; return a;
      }));
      if (j.status === "running") setTimeout(poll, 500);
      else { const p = document.getElementById("progress"); p.max = 1; p.value = 1; }
    };
    poll();
  }
});
