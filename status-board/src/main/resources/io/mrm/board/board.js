// Keeps the status board live: each "application" event carries an application's card, rendered and escaped
// by the server, which replaces the card on the page. Without this script the page is still complete; it is
// only not live.
(function () {
  "use strict";
  if (!window.EventSource) {
    return;
  }
  var live = document.getElementById("live");
  function say(text, cls) {
    if (live) {
      live.textContent = text;
      live.className = cls;
    }
  }
  var source = new EventSource("events");
  source.onopen = function () {
    say("live", "online");
  };
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) {
      say("not live (reload to try again)", "offline"); // refused, e.g. too many live pages
    } else {
      say("reconnecting…", "offline");
    }
  };
  source.addEventListener("heartbeat", function (e) {
    var data = JSON.parse(e.data);
    say("live (heartbeat " + data.time + ")", "online");
  });
  source.addEventListener("application", function (e) {
    var data = JSON.parse(e.data);
    var id = "app-" + data.application;
    var old = document.getElementById(id);
    if (old) {
      var shown = Number(old.getAttribute("data-version"));
      if (shown > data.version) {
        return; // an older state than the one on the page
      }
      old.outerHTML = data.html;
    } else {
      var none = document.getElementById("none");
      if (none) {
        none.remove();
      }
      document.getElementById("applications").insertAdjacentHTML("beforeend", data.html);
    }
  });
})();
