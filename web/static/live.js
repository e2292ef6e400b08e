// Live updates of a signed-in page, from the server-sent events of
// /api/v1/notifications/stream: the unread counts in the header, new
// notifications on the notifications page, and new messages in the open
// conversation. One stream a page; the server ends it at logout, account
// closure or seat revocation, and the page then stops listening.
(function () {
  "use strict";
  if (!window.EventSource || !window.fetch) {
    return;
  }
  var source = new EventSource("/api/v1/notifications/stream");

  function setCount(name, n) {
    document.querySelectorAll('[data-count="' + name + '"]').forEach(function (el) {
      el.firstChild.nodeValue = String(n);
      el.hidden = n === 0;
    });
  }

  function stamp(iso) {
    return new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  // Message text goes in as text, never as HTML.
  function messageItem(list, m) {
    var li = document.createElement("li");
    li.className = "message" + (m.sender && m.sender.handle === list.dataset.me ? " mine" : "");
    var meta = document.createElement("p");
    meta.className = "meta";
    var who = document.createElement("strong");
    who.textContent = m.sender ? m.sender.display_name : "A former member";
    var when = document.createElement("time");
    when.dateTime = m.created_at;
    when.textContent = stamp(m.created_at);
    meta.append(who, " · ", when);
    var text = document.createElement("p");
    text.className = "text";
    text.textContent = m.body;
    li.append(meta, text);
    return li;
  }

  function refreshThread(list) {
    var path = "/api/v1/messages/" + encodeURIComponent(list.dataset.thread);
    fetch(path, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) {
        if (!t) {
          return;
        }
        list.replaceChildren.apply(list, t.messages.map(function (m) { return messageItem(list, m); }));
        // The member has it before their eyes.
        return fetch(path + "/read", { method: "POST", credentials: "same-origin" });
      });
  }

  function notificationItem(n) {
    var li = document.createElement("li");
    li.className = "entry-row unread";
    var div = document.createElement("div");
    var a = document.createElement("a");
    a.href = n.url;
    a.textContent = n.text;
    var hint = document.createElement("span");
    hint.className = "hint";
    hint.textContent = stamp(n.created_at);
    div.append(a, document.createElement("br"), hint);
    li.append(div);
    return li;
  }

  source.addEventListener("counts", function (e) {
    var c = JSON.parse(e.data);
    setCount("notifications", c.notifications);
    setCount("messages", c.messages);
  });
  source.addEventListener("notification", function (e) {
    var n = JSON.parse(e.data);
    var list = document.getElementById("notification-list");
    if (list) {
      var empty = list.querySelector(".empty");
      if (empty) {
        empty.remove();
      }
      list.insertBefore(notificationItem(n), list.firstChild);
    }
    var thread = document.getElementById("thread-messages");
    if (thread && n.kind === "message" && String(n.thread_id) === thread.dataset.thread) {
      refreshThread(thread);
    }
  });
  source.addEventListener("end", function () {
    source.close();
  });
})();
