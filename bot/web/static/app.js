// policybot web chat. Everything the user or the engine wrote is put into the
// page with textContent / createElement only — never parsed as HTML.
"use strict";

(function () {
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("q");
  var send = document.getElementById("send");
  var main = document.getElementById("main");
  var busy = false;

  // The session is the server's: a signed HttpOnly cookie the page never
  // sees. Requests carry it (credentials: "same-origin"); /api/forget ends it
  // and the server issues a fresh one.

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function scrollDown() { main.scrollTop = main.scrollHeight; }

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var err = new Error(data && data.error ? data.error : "请求失败（" + res.status + "）");
          err.status = res.status;
          throw err;
        }
        return data;
      });
    });
  }

  function yuan(n) {
    n = Number(n) || 0;
    if (n !== 0 && n % 10000 === 0) return (n / 10000).toLocaleString("zh-CN") + "万元";
    return n.toLocaleString("zh-CN") + "元";
  }

  function amountText(c) {
    switch (c.kind) {
      case "maximum": return "最高 " + yuan(c.amount_yuan);
      case "unstated": return "条款未明确金额";
      default: return yuan(c.amount_yuan);
    }
  }

  function addUser(text) {
    var m = el("div", "msg user");
    m.appendChild(el("div", "bubble", text));
    log.appendChild(m);
    scrollDown();
    return m;
  }

  function addPending() {
    var m = el("div", "msg bot pending");
    m.appendChild(el("div", "bubble", "正在查找相关条款…"));
    log.appendChild(m);
    scrollDown();
    return m;
  }

  function citationItem(c) {
    var li = el("li", "citation");
    li.appendChild(el("span", "cid", c.id));
    if (c.title) li.appendChild(el("span", "ctitle", c.title));
    if (c.quote) li.appendChild(el("span", "quote", "“" + c.quote + "”"));
    return li;
  }

  // The best two citations show; the rest fold under "其他相关条款".
  function renderCitations(list) {
    var box = el("div", "sources");
    var ul = el("ul", "citations");
    list.slice(0, 2).forEach(function (c) { ul.appendChild(citationItem(c)); });
    box.appendChild(ul);
    if (list.length > 2) {
      var more = el("details", "more-citations");
      more.appendChild(el("summary", null, "其他相关条款（" + (list.length - 2) + "）"));
      var ul2 = el("ul", "citations");
      list.slice(2).forEach(function (c) { ul2.appendChild(citationItem(c)); });
      more.appendChild(ul2);
      box.appendChild(more);
    }
    return box;
  }

  function renderCalc(c) {
    var d = el("details", "calc");
    var label = (c.title || c.rule || "测算") + "：" + amountText(c);
    d.appendChild(el("summary", null, "计算过程 · " + label));
    if (c.steps && c.steps.length) {
      var ol = el("ol");
      c.steps.forEach(function (s) { ol.appendChild(el("li", null, s)); });
      d.appendChild(ol);
    }
    (c.notes || []).forEach(function (n) { d.appendChild(el("p", "calc-meta", n)); });
    if (c.clause) d.appendChild(el("p", "calc-meta", "依据条款：" + c.clause));
    return d;
  }

  function verdictOf(text) {
    if (text.indexOf("👍") >= 0) return "up";
    if (text.indexOf("👎") >= 0) return "down";
    return "";
  }

  function renderButtons(buttons) {
    var box = el("div", "actions");
    var ack = el("span", "ack");
    var all = [];
    function done(msg) {
      all.forEach(function (b) { b.disabled = true; });
      ack.textContent = msg;
    }
    function submit(b, reason) {
      var body = { data: b.data };
      if (reason) body.reason = reason;
      all.forEach(function (x) { x.disabled = true; });
      post("/api/feedback", body).then(function (r) {
        done(r.message || "谢谢反馈！");
      }).catch(function (e) {
        all.forEach(function (x) { x.disabled = false; });
        ack.textContent = e.message;
      });
    }
    buttons.forEach(function (b) {
      var btn = el("button", null, b.text);
      btn.type = "button";
      btn.addEventListener("click", function () {
        if (verdictOf(b.text) === "down") {
          askReason(box, function (reason) { submit(b, reason); });
        } else {
          submit(b, "");
        }
      });
      all.push(btn);
      box.appendChild(btn);
    });
    box.appendChild(ack);
    return box;
  }

  // Replies that settle an ambiguous question ("今年930万"): a click sends
  // the text as the next question, exactly as if it had been typed.
  function renderChoices(choices) {
    var box = el("div", "choices");
    choices.forEach(function (c) {
      var btn = el("button", "choice", c);
      btn.type = "button";
      btn.addEventListener("click", function () { ask(c); });
      box.appendChild(btn);
    });
    return box;
  }

  // 👎 asks for an optional reason in a small inline form.
  function askReason(box, then) {
    if (box.querySelector(".reason")) return;
    var f = el("form", "reason");
    var inp = el("input");
    inp.type = "text";
    inp.maxLength = 500;
    inp.placeholder = "哪里不对或没说清楚？（可不填）";
    var ok = el("button", null, "提交");
    ok.type = "submit";
    var skip = el("button", null, "跳过");
    skip.type = "button";
    f.appendChild(inp); f.appendChild(ok); f.appendChild(skip);
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var r = inp.value.trim();
      f.remove();
      then(r);
    });
    skip.addEventListener("click", function () { f.remove(); then(""); });
    box.appendChild(f);
    inp.focus();
  }

  function renderReply(m, r) {
    m.className = "msg bot" + (r.answered ? "" : " unanswered");
    m.textContent = "";
    var bubble = el("div", "bubble answer", r.answer || "");
    m.appendChild(bubble);
    if (r.choices && r.choices.length) m.appendChild(renderChoices(r.choices));
    if (r.citations && r.citations.length) m.appendChild(renderCitations(r.citations));
    (r.calculations || []).forEach(function (c) { m.appendChild(renderCalc(c)); });
    if (r.buttons && r.buttons.length) m.appendChild(renderButtons(r.buttons));
    scrollDown();
  }

  function renderError(m, msg) {
    m.className = "msg bot error";
    m.textContent = "";
    m.appendChild(el("div", "bubble", msg));
    scrollDown();
  }

  function ask(text) {
    text = (text || "").trim();
    if (!text || busy) return;
    busy = true;
    send.disabled = true;
    addUser(text);
    var pending = addPending();
    post("/api/ask", { q: text }).then(function (r) {
      renderReply(pending, r);
    }).catch(function (e) {
      renderError(pending, e.message || "网络错误，请稍后再试。");
    }).then(function () {
      busy = false;
      send.disabled = false;
      input.focus();
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = "";
    ask(text);
  });

  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll(".example"), function (b) {
    b.addEventListener("click", function () { ask(b.textContent); });
  });

  document.getElementById("forget").addEventListener("click", function () {
    if (!window.confirm("确定删除本会话的全部对话记录吗？本页绑定的企业也将解除绑定，再修改资料需要新的绑定码。")) return;
    post("/api/forget", {}).then(function (r) {
      log.textContent = "";
      var m = el("div", "msg bot");
      m.appendChild(el("div", "bubble", r.message || "已删除。"));
      log.appendChild(m);
    }).catch(function (e) {
      window.alert(e.message);
    });
  });
})();
