// The staff console, live: one EventSource per page (GET /live, bot/web/live.py). On every `change` the page
// fetches itself again and swaps in the parts marked data-live, so forms being typed in are left alone.
// Also: the number of people waiting in the tab title, and an opt-in sound when someone new is waiting.
(function () {
  "use strict";
  var body = document.body;
  var title = document.title.replace(/^\(\d+\) /, "");
  var waiting = parseInt(body.dataset.waiting || "0", 10);
  var soundBox = document.getElementById("sound");
  var SOUND_KEY = "doorvraag-console-sound";

  function showCount(count) {
    document.title = count > 0 ? "(" + count + ") " + title : title;
  }

  function beep() {
    if (!soundBox || !soundBox.checked) { return; }
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var audio = new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 660;
      gain.gain.value = 0.15;
      tone.connect(gain); gain.connect(audio.destination);
      tone.start(); tone.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound on this device */ }
  }

  function refresh() {
    return fetch(window.location.href, { headers: { "X-Doorvraag-Live": "1" }, credentials: "same-origin" })
      .then(function (answer) {
        if (answer.redirected || !answer.ok) { return null; }
        return answer.text();
      })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (part) {
          var next = fresh.getElementById(part.id);
          if (next && next.innerHTML !== part.innerHTML) { part.innerHTML = next.innerHTML; }
        });
        body.dataset.refreshed = String(parseInt(body.dataset.refreshed || "0", 10) + 1);
      })
      .catch(function () { /* the next change tries again */ });
  }

  function listen() {
    if (!window.EventSource || !body.dataset.live) { return; }
    var url = "/live" + (body.dataset.contact ? "?contact=" + encodeURIComponent(body.dataset.contact) : "");
    var source = new EventSource(url);
    source.addEventListener("change", function (event) {
      var state = JSON.parse(event.data);
      if (state.waiting > waiting) { beep(); }
      waiting = state.waiting;
      showCount(waiting);
      body.dataset.connected = "1";
      refresh();
    });
  }

  if (soundBox) {
    soundBox.checked = window.localStorage.getItem(SOUND_KEY) === "1";
    soundBox.addEventListener("change", function () {
      window.localStorage.setItem(SOUND_KEY, soundBox.checked ? "1" : "0");
      if (soundBox.checked) { beep(); }
    });
  }

  // Canned replies: one choice puts the text in the reply box, where it can still be edited.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-canned]") : null;
    if (!button) { return; }
    var box = document.getElementById("reply");
    if (!box) { return; }
    box.value = button.getAttribute("data-canned");
    box.focus();
  });

  showCount(waiting);
  listen();
})();
