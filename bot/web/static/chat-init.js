// Starts the self-hosted rasa-webchat widget with the settings the page carries in data-* attributes.
(function () {
  var root = document.getElementById("webchat");
  if (!root || !window.WebChat) { return; }
  window.WebChat.default({
    selector: "#webchat",
    initPayload: "/greet",
    socketUrl: root.dataset.socketUrl,
    socketPath: "/socket.io/",
    customData: { language: "nl", page: window.location.pathname },
    params: { storage: "local" },
    title: "Helpdesk Sociale Veiligheid",
    subtitle: "digitale assistent",
    inputTextFieldHint: "Typ je vraag…",
    showMessageDate: false,
    hideWhenNotConnected: false,
    embedded: root.dataset.embedded === "true"
  }, null);
})();
// Screen readers: the widget's launcher and send buttons carry only icons, so name them.
(function () {
  var names = { "rw-launcher": "Open de chat met de helpdesk", "rw-send": "Verstuur je bericht" };
  function label() {
    Object.keys(names).forEach(function (cls) {
      var nodes = document.getElementsByClassName(cls);
      for (var i = 0; i < nodes.length; i++) {
        if (!nodes[i].getAttribute("aria-label")) { nodes[i].setAttribute("aria-label", names[cls]); }
      }
    });
  }
  new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
  label();
})();
// rasa-webchat keeps the whole widget hidden (display:none) until its Socket.IO session is confirmed, so an
// unreachable chat server would leave an empty page: say so, with the phone number, until the widget shows.
(function () {
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
