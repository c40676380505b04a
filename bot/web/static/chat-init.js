// The public chat page: starts the self-hosted rasa-webchat widget with the settings the page carries in
// data-* attributes, and adds what a shared school computer and a keyboard or screen-reader user need.
(function () {
  "use strict";
  // rasa-webchat's key for the conversation (its session id and messages) in the chosen Web Storage.
  var SESSION_KEY = "chat_session";
  var ESCAPE_TWICE_MS = 1500;
  var root = document.getElementById("webchat");

  // ---- "Snel weg": a neutral site, replacing this page in the history so Back does not return to it. It is a
  // plain link (it works without JavaScript too); the page sends no referrer, so that site can't see where from.
  var exitLink = document.getElementById("quick-exit");
  function quickExit(event) {
    if (event) { event.preventDefault(); }
    try { sessionStorage.clear(); } catch (e) { /* storage blocked: nothing kept either */ }
    window.location.replace(exitLink ? exitLink.href : "https://www.google.nl/");
  }
  if (exitLink) { exitLink.addEventListener("click", quickExit); }
  var lastEscape = 0;
  window.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape <= ESCAPE_TWICE_MS) { quickExit(null); }
    lastEscape = now;
  }, true);

  // ---- "Wis dit gesprek": forget this tab's conversation and start afresh.
  var clearButton = document.getElementById("clear-chat");
  if (clearButton) {
    clearButton.addEventListener("click", function () {
      try { sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* nothing stored */ }
      window.location.reload();
    });
  }

  // Earlier versions kept the conversation in localStorage, which outlives the browser: remove it.
  try { localStorage.removeItem(SESSION_KEY); } catch (e) { /* storage blocked */ }

  // ---- Keep the open widget below the top bar with the urgent numbers (chat.css reads --topbar).
  var topbar = document.getElementById("topbar");
  function measure() {
    if (topbar) {
      document.documentElement.style.setProperty("--topbar", topbar.getBoundingClientRect().height + "px");
    }
  }
  measure();
  window.addEventListener("resize", measure);
  if (topbar && window.ResizeObserver) { new ResizeObserver(measure).observe(topbar); }

  if (!root || !window.WebChat) { return; }
  window.WebChat.default({
    initPayload: "/greet",
    socketUrl: root.dataset.socketUrl,
    socketPath: "/socket.io/",
    customData: { language: "nl", page: window.location.pathname },
    // Per tab: nothing of the conversation stays on the computer once the tab is closed.
    params: { storage: "session" },
    title: root.dataset.title,
    subtitle: "digitale assistent",
    inputTextFieldHint: "Typ je vraag…",
    mainColor: root.dataset.brand,
    userBackgroundColor: root.dataset.brand,
    userTextColor: root.dataset.onBrand,
    showCloseButton: true,
    showMessageDate: false,
    hideWhenNotConnected: false,
    embedded: root.dataset.embedded === "true"
  }, root);  // inside #webchat (without an element the widget appends its own div to <body>)
})();

// Screen readers and keyboards: rasa-webchat's markup lacks names, roles and focusability in places, so patch
// its DOM after each render. Only attributes are added (and phone numbers in messages become tel: links).
(function () {
  "use strict";
  var names = {
    "rw-send": "Verstuur je bericht",
    "rw-close-button": "Sluit de chat",
    "rw-new-message": "Typ je bericht",
    "rw-toggle-fullscreen-button": "Chat op volledig scherm"
  };
  // Dutch phone numbers as the bot writes them: 0800-2000, 030-285 66 16, 0900-111 3 111, and 112/113.
  var PHONE = /(^|[^\d\w])(0\d{1,3}-\d(?:[\d ]{1,10}\d)?|11[23])(?![\d\w]|\.\w)/g;

  function setOnce(node, attribute, value) {
    if (node.getAttribute(attribute) !== value) { node.setAttribute(attribute, value); }
  }

  function linkPhoneNumbers(container) {
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, null);
    var found = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      PHONE.lastIndex = 0;
      if (!node.parentNode.closest("a") && PHONE.test(node.nodeValue)) { found.push(node); }
    }
    found.forEach(function (text) {
      var fragment = document.createDocumentFragment();
      var value = text.nodeValue;
      var at = 0;
      PHONE.lastIndex = 0;
      for (var match = PHONE.exec(value); match; match = PHONE.exec(value)) {
        var start = match.index + match[1].length;
        fragment.appendChild(document.createTextNode(value.slice(at, start)));
        var link = document.createElement("a");
        link.href = "tel:" + match[2].replace(/[^0-9+]/g, "");
        link.textContent = match[2];
        fragment.appendChild(link);
        at = start + match[2].length;
      }
      fragment.appendChild(document.createTextNode(value.slice(at)));
      text.parentNode.replaceChild(fragment, text);
    });
  }

  function patch() {
    Object.keys(names).forEach(function (cls) {
      var nodes = document.getElementsByClassName(cls);
      for (var i = 0; i < nodes.length; i++) { setOnce(nodes[i], "aria-label", names[cls]); }
    });
    var launchers = document.getElementsByClassName("rw-launcher");
    var open = !!document.querySelector(".rw-chat-open, .rw-widget-embedded");
    for (var l = 0; l < launchers.length; l++) {
      setOnce(launchers[l], "aria-label", open ? "Sluit de chat met de helpdesk" : "Open de chat met de helpdesk");
      setOnce(launchers[l], "aria-expanded", open ? "true" : "false");
    }
    var logs = document.getElementsByClassName("rw-messages-container");
    for (var m = 0; m < logs.length; m++) {
      setOnce(logs[m], "role", "log");
      setOnce(logs[m], "aria-live", "polite");
      setOnce(logs[m], "aria-label", "Berichten in de chat");
      setOnce(logs[m], "tabindex", "0");  // scrollable: reachable by keyboard to read back
    }
    var replies = document.querySelectorAll(".rw-reply:not(a)");
    for (var r = 0; r < replies.length; r++) {
      setOnce(replies[r], "role", "button");
      setOnce(replies[r], "tabindex", "0");
    }
    var titles = document.getElementsByClassName("rw-title");  // an <h4> under the page's <h1>: level 2
    for (var h = 0; h < titles.length; h++) { setOnce(titles[h], "aria-level", "2"); }
    // Numbers in the bot's and staff's messages (not in what the user typed) become tap-to-call links.
    var texts = document.querySelectorAll(".rw-response .rw-message-text");
    for (var t = 0; t < texts.length; t++) { linkPhoneNumbers(texts[t]); }
  }

  // Enter or Space on an answer button does what a click does (rasa-webchat only listens for clicks).
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target.classList && target.classList.contains("rw-reply")
        && target.getAttribute("role") === "button") {
      event.preventDefault();
      target.click();
    }
  });

  // Patching only sets attributes that differ and links text not yet linked, so its own changes settle at once.
  new MutationObserver(patch).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  patch();
})();

// rasa-webchat keeps the whole widget hidden (display:none) until its Socket.IO session is confirmed, so an
// unreachable chat server would leave an empty page: say so, with the phone number, until the widget shows.
(function () {
  "use strict";
  var root = document.getElementById("webchat");
  var notice = document.getElementById("chat-unreachable");
  if (!root || !notice) { return; }
  var after = parseInt(root.dataset.unreachableAfterMs, 10) || 8000;
  var started = Date.now();
  function shown() {
    var widget = root.querySelector(".rw-launcher, .rw-widget-embedded, .rw-conversation-container");
    return !!widget && widget.getClientRects().length > 0;
  }
  setInterval(function () {
    if (shown()) { notice.hidden = true; }
    else if (Date.now() - started >= after) { notice.hidden = false; }
  }, 500);
})();
