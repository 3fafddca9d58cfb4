// laborlens pages: results filters, upload with progress, job polling by stage. No dependencies.
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

  // ---- results filters: a changed select or checkbox applies at once (the form works without this too)
  var filters = $("#verdict-filters");
  if (filters) {
    $all("select, input[type=checkbox]", filters).forEach(function (el) {
      el.addEventListener("change", function () { filters.requestSubmit ? filters.requestSubmit() : filters.submit(); });
    });
  }

  // ---- job progress -----------------------------------------------------------------------------
  function setBar(bar, fraction) {
    bar.style.width = Math.round(Math.max(0, Math.min(1, fraction)) * 100) + "%";
  }

  // the job's stages as the runner stores them (summary.stages): done, running (with its count), planned
  function showStages(list, stages) {
    if (!list || !stages) { return; }
    list.textContent = "";
    stages.forEach(function (st) {
      var li = document.createElement("li");
      li.className = st.state;
      li.setAttribute("data-stage", st.key);
      var label = document.createElement("span");
      label.textContent = st.label;
      var n = document.createElement("span");
      n.className = "stage-n";
      var count = st.total ? st.done.toLocaleString() + " of " + st.total.toLocaleString() + " " + st.unit : "";
      n.textContent = count + (st.note ? (count ? " · " : "") + st.note : "");
      li.appendChild(label);
      li.appendChild(n);
      list.appendChild(li);
    });
  }

  function pollJob(id, bar, text, onDone, onFail, list) {
    var tick = function () {
      fetch("/api/jobs/" + encodeURIComponent(id), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!res.ok) { onFail(res.body.error ? res.body.error.message : "could not read the job"); return; }
          var job = res.body;
          setBar(bar, job.progress);
          text.textContent = (job.message || job.status) + " · " + Math.round(job.progress * 100) + "%";
          showStages(list, (job.summary || {}).stages);
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
      function () { window.location.reload(); }, $("#job-stages"));
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
          function (message) { fail("Screening failed: " + message); }, $("#upload-stages"));
      });
      xhr.addEventListener("error", function () { fail("The upload was interrupted; check the connection and try again."); });
      xhr.send(new FormData(form));
    });
  }
})();
