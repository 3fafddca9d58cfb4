// laborlens pages: table filter/sort/search, upload with progress, job polling. No dependencies.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // "Go back" links on error pages.
  $all("[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (history.length > 1) { e.preventDefault(); history.back(); }
    });
  });

  // ---- verdict table: filter by verdict, search, sort --------------------------------------------
  var table = $("#verdicts");
  if (table) {
    var tbody = table.tBodies[0];
    var rows = $all("tr", tbody);
    var filter = "";
    var search = $("#verdict-search");
    var shown = $("#verdict-shown");
    var apply = function () {
      var q = (search.value || "").trim().toLowerCase();
      var n = 0;
      rows.forEach(function (tr) {
        var ok = (!filter || tr.getAttribute("data-verdict") === filter) &&
          (!q || tr.textContent.toLowerCase().indexOf(q) !== -1);
        tr.hidden = !ok;
        if (ok) { n += 1; }
      });
      shown.textContent = n + " of " + rows.length + " shown";
    };
    $all("[data-filter]").forEach(function (b) {
      b.addEventListener("click", function () {
        filter = b.getAttribute("data-filter");
        $all("[data-filter]").forEach(function (o) { o.setAttribute("aria-pressed", String(o === b)); });
        apply();
      });
    });
    search.addEventListener("input", apply);
    $all("th button[data-sort]", table).forEach(function (btn, col) {
      btn.addEventListener("click", function () {
        var kind = btn.getAttribute("data-sort");
        var dir = btn.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        $all("th button[data-sort]", table).forEach(function (o) { o.removeAttribute("aria-sort"); });
        btn.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var idx = btn.closest("th").cellIndex;
        rows.sort(function (a, b) {
          var x = a.cells[idx].getAttribute("data-value") || "";
          var y = b.cells[idx].getAttribute("data-value") || "";
          if (kind === "num" || kind === "rank") { return dir * (parseFloat(x) - parseFloat(y)); }
          return dir * x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
        });
        rows.forEach(function (tr) { tbody.appendChild(tr); });
      });
    });
    apply();
  }

  // ---- job progress -----------------------------------------------------------------------------
  function setBar(bar, fraction) {
    bar.style.width = Math.round(Math.max(0, Math.min(1, fraction)) * 100) + "%";
  }

  function pollJob(id, bar, text, onDone, onFail) {
    var tick = function () {
      fetch("/api/jobs/" + encodeURIComponent(id), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!res.ok) { onFail(res.body.error ? res.body.error.message : "could not read the job"); return; }
          var job = res.body;
          setBar(bar, job.progress);
          text.textContent = (job.message || job.status) + " · " + Math.round(job.progress * 100) + "%";
          if (job.status === "done") { onDone(job); }
          else if (job.status === "failed") { onFail(job.message); }
          else { setTimeout(tick, 800); }
        })
        .catch(function () { setTimeout(tick, 2000); });
    };
    tick();
  }

  var running = $("#job-progress");
  if (running && (running.getAttribute("data-status") === "queued" || running.getAttribute("data-status") === "running")) {
    var jbar = $("#job-bar");
    setBar(jbar, parseFloat(jbar.getAttribute("data-progress") || "0"));
    pollJob(running.getAttribute("data-job"), jbar, $("#job-text"),
      function () { window.location.reload(); },
      function () { window.location.reload(); });
  }

  // ---- upload with progress ---------------------------------------------------------------------
  var form = $("#upload-form");
  if (form && window.FormData && window.XMLHttpRequest) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var err = $("#upload-error");
      var wrap = $("#upload-progress");
      var bar = $("#upload-bar");
      var text = $("#upload-text");
      var submit = $("#upload-submit");
      err.hidden = true;
      wrap.hidden = false;
      submit.disabled = true;
      var fail = function (message) {
        err.textContent = message;
        err.hidden = false;
        submit.disabled = false;
      };
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("data-api"));
      xhr.setRequestHeader("X-CSRF-Token", form.getAttribute("data-csrf"));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) {
          setBar(bar, ev.loaded / ev.total);
          text.textContent = "Uploading… " + Math.round(100 * ev.loaded / ev.total) + "%";
        }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (x) { body = {}; }
        if (xhr.status >= 400) {
          fail(body.error ? body.error.message : "upload failed (" + xhr.status + ")");
          return;
        }
        text.textContent = "Uploaded. Screening…";
        setBar(bar, 0);
        pollJob(body.id, bar, text,
          function () { window.location.href = "/jobs/" + encodeURIComponent(body.id); },
          function (message) { fail("Screening failed: " + message); });
      });
      xhr.addEventListener("error", function () { fail("The upload was interrupted; check the connection and try again."); });
      xhr.send(new FormData(form));
    });
  }
})();
