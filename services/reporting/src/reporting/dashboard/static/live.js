// Live updates: listen for "changed" events and swap in the page's fresh fragment.
// Without JavaScript (or EventSource) the page still reads; a reload shows the latest.
(function () {
  "use strict";
  var region = document.getElementById("live");
  if (!region || !window.EventSource || !window.fetch) return;
  var status = document.getElementById("live-status");
  var since = region.getAttribute("data-live-since") || "";
  var busy = false, again = false;

  function say(text) { if (status) status.textContent = text; }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    // keep keyboard focus on the same link after the swap
    var focused = document.activeElement && region.contains(document.activeElement)
      ? document.activeElement.getAttribute("href") : null;
    fetch(region.getAttribute("data-live-src"), { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        region.innerHTML = html;
        if (focused) {
          var again_ = region.querySelector('a[href="' + focused.replace(/"/g, '\\"') + '"]');
          if (again_) again_.focus();
        }
        say("Updated at " + new Date().toLocaleTimeString());
      })
      .catch(function () { say("Live updates paused: reload the page to see the latest."); })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  var source = new EventSource("/dashboard/events?since=" + encodeURIComponent(since));
  source.addEventListener("changed", function (event) {
    if (event.data !== since) { since = event.data; refresh(); }
  });
  document.documentElement.setAttribute("data-live", "on");
})();
