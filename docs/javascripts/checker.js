/*
 * 话术自检：边输入边检查一条回复，结果与 kefu-lint 命令行完全相同。
 *
 * The page side of checker/ (the form comes from hooks/checker.py). The checking itself runs in
 * checker-worker.js: kefu_lint in Pyodide, the same Python code as the CLI. This file only
 * sends the text to that worker (in this browser: nothing is sent over the network), debounces
 * typing, and renders the findings:
 *
 *   #kefu-findings > .kefu-finding[data-rule="KF101"]   one element per finding
 *   #kefu-preview                                       the reply, the words found marked
 *   #kefu-fix                                           applies the safe rewrites (--fix)
 *   #kefu-status                                        loading indicator, then readiness
 *
 * window.kefuChecker exposes timings and the URLs fetched, for the browser tests and the
 * figures on the page.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 100; // the pause in typing that starts a check
  var form = document.getElementById("kefu-checker");
  if (!form) return;

  var reply = document.getElementById("kefu-reply");
  var customer = document.getElementById("kefu-customer");
  var scene = document.getElementById("kefu-scene");
  var fixButton = document.getElementById("kefu-fix");
  var statusBox = document.getElementById("kefu-status");
  var statusText = statusBox.querySelector(".kefu-status__text");
  var preview = document.getElementById("kefu-preview");
  var findingsBox = document.getElementById("kefu-findings");

  var state = {
    ready: false,
    failed: false,
    nextId: 1,
    latest: 0, // id of the newest check sent
    pending: {}, // id -> {text, resolve}
    timer: null,
    lastInput: null, // performance.now() of the last keystroke not yet shown
    result: null,
    scheduled: false, // a check is waiting for the typing to pause
    composing: false,
  };
  var api = (window.kefuChecker = {
    timings: {}, // start (of the worker), ready, firstResult: ms since the page started loading
    latencies: [], // ms from a keystroke to its findings on screen
    checks: [], // ms the engine took per check
    resources: resources,
    state: state,
  });

  var worker = null;
  var snapshot = form.dataset.snapshot || "";

  // The worker starts from the build's memory snapshot when there is one; if that fails it is
  // started again without it (slower, same results).
  function start() {
    api.timings.start = performance.now();
    worker = new Worker(new URL(form.dataset.worker, location.href), {type: "module"});
    worker.onmessage = function (event) {
      receive(event.data);
    };
    worker.onerror = function (event) {
      fail(event.message || "后台线程无法启动");
    };
    worker.postMessage({
      type: "init",
      pyodide: new URL(form.dataset.pyodide, location.href).href,
      runtime: new URL(form.dataset.runtime, location.href).href,
      dictionary: new URL(form.dataset.dictionary, location.href).href,
      snapshot: snapshot ? new URL(snapshot, location.href).href : "",
      base: form.dataset.base,
      fsRuntime: form.dataset.fsRuntime,
      fsDictionary: form.dataset.fsDictionary,
    });
  }

  function setStatus(kind, text) {
    statusBox.className = "kefu-status kefu-status--" + kind;
    statusText.textContent = text;
  }

  function fail(message) {
    state.failed = true;
    setStatus("error", "检查引擎加载失败：" + message +
      "。请刷新页面重试；请使用新版 Chrome、Edge 或 Firefox，并通过手册的网址打开（不能直接打开本地文件）。");
  }

  function receive(message) {
    var waiting = state.pending[message.id];
    if (message.type === "progress") {
      setStatus("loading", message.text);
    } else if (message.type === "ready") {
      state.ready = true;
      api.timings.ready = performance.now();
      api.timings.engine = message.timings;
      state.lastInput = null; // typed while loading: not a keystroke's latency
      setStatus("ready", "检查引擎已就绪：检查在这台电脑的浏览器里完成，输入的内容不会发送到任何地方。");
      schedule(0);
    } else if (message.type === "error") {
      if (message.init && snapshot) {
        if (window.console) console.warn("话术自检：快照不可用，改为完整启动：" + message.message);
        snapshot = "";
        api.timings.snapshotFailed = message.message;
        worker.terminate();
        start();
      } else if (waiting) {
        delete state.pending[message.id];
        setStatus("error", "检查出错：" + message.message);
      } else {
        fail(message.message);
      }
    } else if (waiting) {
      delete state.pending[message.id];
      waiting(message);
    }
  }

  function request(message, callback) {
    var id = state.nextId++;
    message.id = id;
    state.pending[id] = callback;
    worker.postMessage(message);
    return id;
  }

  function inputs() {
    return {reply: reply.value, customer: customer ? customer.value : "", scene: scene ? scene.value : ""};
  }

  function schedule(delay) {
    clearTimeout(state.timer);
    state.scheduled = true;
    state.timer = setTimeout(check, delay);
  }

  function onInput(event) {
    if (state.composing || (event && event.isComposing)) return; // pinyin being typed
    if (!state.ready) return render(inputs(), null); // checked as soon as the engine is ready
    state.lastInput = performance.now();
    schedule(DEBOUNCE_MS);
  }

  function check() {
    state.scheduled = false;
    if (!state.ready) return;
    var values = inputs();
    if (!values.reply.trim()) {
      state.latest = 0;
      state.result = null;
      render(values, null);
      return;
    }
    var message = {type: "check", reply: values.reply, customer: values.customer, scene: values.scene};
    var id = request(message, function (answer) {
      if (id !== state.latest) return; // a newer check is on its way
      api.checks.push(answer.ms);
      state.result = answer.result;
      render(values, answer.result);
    });
    state.latest = id;
  }

  function render(values, result) {
    var now = performance.now();
    api.shown = values; // the inputs the findings on screen are for
    clear(findingsBox);
    clear(preview);
    fixButton.disabled = !(result && result.fixable);
    if (!result) {
      preview.hidden = true;
      findingsBox.appendChild(element("p", "kefu-findings__empty", state.ready || !values.reply.trim()
        ? "输入一条回复，这里会显示检查结果。" : "检查引擎加载好后，这里马上显示结果。"));
      return;
    }
    var findings = result.findings.slice().sort(function (a, b) {
      return rank(a.severity) - rank(b.severity) || a.start - b.start || (a.rule < b.rule ? -1 : 1);
    });
    renderPreview(values.reply, findings);
    findingsBox.appendChild(summary(findings));
    if (findings.length) {
      var list = element("ol", "kefu-findings__list");
      findings.forEach(function (finding) {
        list.appendChild(item(values.reply, finding));
      });
      findingsBox.appendChild(list);
    }
    if (api.timings.firstResult === undefined) api.timings.firstResult = now;
    if (state.lastInput !== null) {
      api.latencies.push(now - state.lastInput);
      state.lastInput = null;
    }
  }

  var SEVERITIES = ["error", "warning", "info"];
  function rank(severity) {
    return SEVERITIES.indexOf(severity);
  }

  function summary(findings) {
    if (!findings.length) {
      return element("p", "kefu-findings__summary kefu-findings__summary--clean",
        "没有发现问题：这条回复符合 kefu-lint 的全部规则。");
    }
    var counts = {error: 0, warning: 0, info: 0};
    findings.forEach(function (f) {
      counts[f.severity] += 1;
    });
    return element("p", "kefu-findings__summary",
      "发现 " + findings.length + " 个问题（错误 " + counts.error + "，警告 " + counts.warning +
      "，提示 " + counts.info + "）");
  }

  function item(text, finding) {
    var li = element("li", "kefu-finding kefu-finding--" + finding.severity);
    li.dataset.rule = finding.rule;
    li.dataset.start = finding.start;
    li.dataset.end = finding.end;
    var head = element("div", "kefu-finding__head");
    head.appendChild(element("span", "kefu-badge kefu-badge--" + finding.severity, finding.severityName));
    var link = element("a", "kefu-finding__rule", finding.rule + " " + finding.title);
    link.href = finding.url;
    link.title = "查看这条规则的说明";
    head.appendChild(link);
    li.appendChild(head);
    li.appendChild(element("p", "kefu-finding__message", finding.message));
    var where = element("p", "kefu-finding__where");
    if (finding.whole || finding.start === finding.end) {
      where.appendChild(element("span", "kefu-finding__scope", "针对整条回复"));
    } else {
      var before = text.slice(Math.max(0, finding.start - 10), finding.start);
      var after = text.slice(finding.end, finding.end + 10);
      if (finding.start > 10) before = "…" + before;
      if (finding.end + 10 < text.length) after += "…";
      where.appendChild(document.createTextNode(before));
      var mark = element("mark", "kefu-mark kefu-mark--" + finding.severity, text.slice(finding.start, finding.end));
      mark.title = "点击在输入框中选中";
      mark.addEventListener("click", function () {
        reply.focus();
        reply.setSelectionRange(finding.start, finding.end);
      });
      where.appendChild(mark);
      where.appendChild(document.createTextNode(after));
    }
    if (finding.fix) {
      where.appendChild(element("span", "kefu-finding__fix",
        "可一键修正：「" + finding.fix[0] + "」→「" + finding.fix[1] + "」"));
    }
    li.appendChild(where);
    return li;
  }

  // The whole reply, each span a finding points at marked (the most severe colour wins).
  function renderPreview(text, findings) {
    var spans = findings.filter(function (f) {
      return !f.whole && f.end > f.start;
    });
    preview.hidden = !spans.length;
    if (!spans.length) return;
    var cuts = [0, text.length];
    spans.forEach(function (f) {
      cuts.push(f.start, f.end);
    });
    cuts = cuts.filter(function (c, i) {
      return cuts.indexOf(c) === i;
    }).sort(function (a, b) {
      return a - b;
    });
    preview.appendChild(element("span", "kefu-preview__label", "问题所在："));
    var body = element("span", "kefu-preview__text");
    for (var i = 0; i + 1 < cuts.length; i++) {
      var from = cuts[i], to = cuts[i + 1];
      var covering = spans.filter(function (f) {
        return f.start <= from && to <= f.end;
      });
      var piece = text.slice(from, to);
      if (!covering.length) {
        body.appendChild(document.createTextNode(piece));
        continue;
      }
      covering.sort(function (a, b) {
        return rank(a.severity) - rank(b.severity);
      });
      var mark = element("mark", "kefu-mark kefu-mark--" + covering[0].severity, piece);
      mark.title = covering.map(function (f) {
        return f.rule + " " + f.title;
      }).join("；");
      body.appendChild(mark);
    }
    preview.appendChild(body);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function applyFix() {
    if (!state.ready) return;
    var values = inputs();
    fixButton.disabled = true;
    var message = {type: "fix", reply: values.reply, customer: values.customer, scene: values.scene};
    request(message, function (answer) {
      if (reply.value !== values.reply) return; // typed meanwhile: fix again if needed
      reply.focus();
      reply.select();
      // insertText keeps the browser's undo (Ctrl+Z); the input event it fires checks again.
      var inserted = false;
      try {
        inserted = document.execCommand("insertText", false, answer.reply);
      } catch (e) {
        inserted = false;
      }
      if (!inserted || reply.value !== answer.reply) {
        reply.value = answer.reply;
        reply.dispatchEvent(new Event("input", {bubbles: true}));
      }
    });
  }

  // Every URL this page and its worker fetched (tests: none outside the site's origin).
  function resources() {
    var own = performance.getEntriesByType("resource").map(function (e) {
      return e.name;
    });
    return new Promise(function (resolve) {
      var previous = worker.onmessage;
      worker.onmessage = function (event) {
        if (event.data.type !== "resources") return previous(event);
        worker.onmessage = previous;
        resolve({page: [location.href].concat(own), worker: event.data.entries});
      };
      worker.postMessage({type: "resources"});
    });
  }

  reply.addEventListener("input", onInput);
  if (customer) customer.addEventListener("input", onInput);
  if (scene) scene.addEventListener("change", onInput);
  [reply, customer].forEach(function (box) {
    if (!box) return;
    box.addEventListener("compositionstart", function () {
      state.composing = true;
    });
    box.addEventListener("compositionend", function () {
      state.composing = false;
      onInput();
    });
  });
  fixButton.addEventListener("click", applyFix);
  render(inputs(), null);
  // ?snapshot=0 boots without the snapshot (to compare, or if it ever misbehaves).
  if (/[?&]snapshot=0\b/.test(location.search)) snapshot = "";
  start();
})();
