/*
 * The after-sales decision tree (docs/rules/aftersale-tree.md), plain JavaScript, no dependencies.
 *
 * The page is complete without this script: every order status is a .kf-status block (an h2)
 * and every situation in it a .kf-branch block (an h3 with the rule, the postage, the deadline
 * and the script). This script turns the #tree box into two questions, order status and reason,
 * and shows only the branch that answers them; "显示全部情况" shows everything again. The branch
 * is kept in the address (#signed-return), so a link opens the same answer with the questions
 * above it, and the table of contents and the summary table's links keep working. Branches marked data-calc get an inline calculator that uses the
 * handbook's own formulas (window.kefuCalculators, docs/javascripts/calculators.js).
 */
(function () {
  "use strict";

  var text = {
    status: "① 订单现在是什么状态？",
    reason: "② 顾客为什么要售后？",
    pickStatus: "先选订单状态，再选顾客的原因。",
    pickReason: "再选顾客的原因；下面先列出这个状态下的全部情况。",
    showAll: "显示全部情况",
    signed: "签收时间",
    deadline: "七天无理由退货截止于：",
    noSigned: "请先选择签收时间",
    price: "实际成交金额（元）",
    platform: "平台",
    taobao: "淘宝",
    tmall: "天猫",
    owed: "应付违约金：",
    noPrice: "请输入实际成交金额"
  };

  function headingText(heading) {
    var clone = heading.cloneNode(true);
    var links = clone.querySelectorAll(".headerlink");
    for (var i = 0; i < links.length; i++) links[i].parentNode.removeChild(links[i]);
    return clone.textContent.trim();
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  /* ---- inline calculators (formulas from calculators.js) ---- */

  function returnCalculator(calc) {
    var input = el("input", { type: "datetime-local", "class": "kf-calc-signed" });
    var output = el("output", { "class": "kf-calc-deadline", text: text.noSigned });
    var update = function () {
      output.textContent = calc.returnDeadline(input.value) || text.noSigned;
    };
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    return [
      el("p", {}, [el("label", {}, [document.createTextNode(text.signed), input])]),
      el("p", {}, [document.createTextNode(text.deadline), output])
    ];
  }

  function lateCalculator(calc) {
    var price = el("input", { type: "number", min: "0", step: "0.01", placeholder: "例如 200", "class": "kf-calc-price" });
    var platform = el("select", { "class": "kf-calc-platform" }, [
      el("option", { value: "taobao", text: text.taobao }),
      el("option", { value: "tmall", text: text.tmall })
    ]);
    var output = el("output", { "class": "kf-calc-owed", text: text.noPrice });
    var update = function () {
      var raw = String(price.value).trim();
      var amount = raw === "" ? null : calc.lateCompensation(Number(raw), platform.value);
      output.textContent = amount === null ? text.noPrice : amount;  // "… 元", or why not
    };
    ["input", "change"].forEach(function (type) {
      price.addEventListener(type, update);
      platform.addEventListener(type, update);
    });
    return [
      el("p", {}, [
        el("label", {}, [document.createTextNode(text.price), price]),
        el("label", {}, [document.createTextNode(text.platform), platform])
      ]),
      el("p", {}, [document.createTextNode(text.owed), output])
    ];
  }

  function addCalculators(root) {
    var calc = window.kefuCalculators;
    if (!calc) return; // the links to the rule pages' calculators stay
    var boxes = root.querySelectorAll(".kf-branch-calc[data-calc]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.dataset.kfBound) continue;
      var make = box.dataset.calc === "return" ? returnCalculator
        : box.dataset.calc === "late" ? lateCalculator : null;
      if (!make) continue;
      box.dataset.kfBound = "1";
      var fallback = box.innerHTML;
      box.innerHTML = "";
      box.classList.add("kf-calc");
      make(calc).forEach(function (node) { box.appendChild(node); });
      var small = el("p", {}, [el("small")]);
      small.firstChild.innerHTML = fallback.replace(/<\/?p>/g, "");
      box.appendChild(small);
    }
  }

  /* ---- the tree ---- */

  function model() {
    var statuses = [];
    var groups = document.querySelectorAll(".kf-status[data-status]");
    for (var i = 0; i < groups.length; i++) {
      var group = groups[i];
      var h2 = group.querySelector("h2");
      var status = { id: group.dataset.status, el: group, heading: h2, label: h2 ? headingText(h2) : group.dataset.status, branches: [] };
      var branches = group.querySelectorAll(".kf-branch[data-reason]");
      for (var j = 0; j < branches.length; j++) {
        var branch = branches[j];
        var h3 = branch.querySelector("h3");
        branch.dataset.branch = h3 && h3.id ? h3.id : status.id + "-" + branch.dataset.reason;
        status.branches.push({ reason: branch.dataset.reason, label: branch.dataset.label || branch.dataset.reason, el: branch, id: branch.dataset.branch });
      }
      statuses.push(status);
    }
    return statuses;
  }

  function radios(name, legend, options, checked, onChange) {
    var fieldset = el("fieldset", { "class": "kf-tree__question" }, [el("legend", { text: legend })]);
    options.forEach(function (option) {
      var input = el("input", { type: "radio", name: name, value: option.value });
      input.checked = option.value === checked;
      input.addEventListener("change", function () { if (input.checked) onChange(option.value); });
      fieldset.appendChild(el("label", { "class": "kf-tree__choice" }, [input, el("span", { text: option.label })]));
    });
    return fieldset;
  }

  /* Check the radio of the value; the chip class is for browsers without :has() */
  function check(box, value) {
    var inputs = box.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].checked = inputs[i].value === value;
      inputs[i].parentNode.classList.toggle("kf-tree__choice--checked", inputs[i].checked);
    }
  }

  function init() {
    var root = document.getElementById("tree");
    if (!root || !root.classList.contains("kf-tree") || root.dataset.kfBound) return;
    var statuses = model();
    if (!statuses.length) return;
    root.dataset.kfBound = "1";
    addCalculators(document);

    var state = { status: null, reason: null };
    var statusBox = el("div");
    var reasonBox = el("div");
    var hint = el("p", { "class": "kf-tree__hint", role: "status", "aria-live": "polite" });
    var reset = el("button", { type: "button", "class": "kf-tree__reset md-button", text: text.showAll });
    root.innerHTML = "";
    root.appendChild(statusBox);
    root.appendChild(reasonBox);
    root.appendChild(el("div", { "class": "kf-tree__footer" }, [hint, reset]));
    root.classList.add("kf-tree--ready");

    function find(statusId) {
      for (var i = 0; i < statuses.length; i++) if (statuses[i].id === statusId) return statuses[i];
      return null;
    }

    // The status question is built once; the reason question again only when the status
    // changes, so a radio keeps the keyboard focus while staff move through the choices.
    statusBox.appendChild(radios("kf-status", text.status, statuses.map(function (s) {
      return { value: s.id, label: s.label };
    }), null, function (value) {
      state.status = value;
      state.reason = null;
      render(true);
    }));
    var reasonsFor = undefined;

    function render(updateAddress) {
      var status = find(state.status);
      check(statusBox, state.status);
      if (reasonsFor !== state.status) {
        reasonsFor = state.status;
        reasonBox.innerHTML = "";
        if (status) {
          reasonBox.appendChild(radios("kf-reason", text.reason, status.branches.map(function (b) {
            return { value: b.reason, label: b.label };
          }), state.reason, function (value) {
            state.reason = value;
            render(true);
          }));
        }
      }
      check(reasonBox, state.reason);
      var shown = null;
      statuses.forEach(function (s) {
        s.el.hidden = !!status && s !== status;
        s.branches.forEach(function (b) {
          var visible = !status || s !== status || !state.reason || b.reason === state.reason;
          b.el.hidden = !visible;
          if (status && s === status && b.reason === state.reason) shown = b;
        });
      });
      hint.textContent = !status ? text.pickStatus : !shown ? text.pickReason : "";
      reset.hidden = !status;
      root.classList.toggle("kf-tree--picked", !!shown);
      if (updateAddress && window.history && history.replaceState) {
        var hash = shown ? "#" + shown.id : status && status.heading && status.heading.id ? "#" + status.heading.id : "";
        history.replaceState(null, "", location.pathname + location.search + hash);
      }
    }

    function fromAddress() {
      var id = decodeURIComponent(location.hash.replace(/^#/, ""));
      state.status = null;
      state.reason = null;
      statuses.forEach(function (s) {
        if (s.heading && s.heading.id === id) state.status = s.id;
        s.branches.forEach(function (b) {
          if (b.id === id) {
            state.status = s.id;
            state.reason = b.reason;
          }
        });
      });
      render(false);
      // the questions and the answer under them are both in view (the other branches are hidden)
      if (state.status) root.scrollIntoView();
    }

    reset.addEventListener("click", function () {
      state.status = null;
      state.reason = null;
      render(true);
      root.scrollIntoView();
    });
    window.addEventListener("hashchange", fromAddress);
    fromAddress();
  }

  window.kefuAftersaleTree = { init: init };

  window.kefuOnPage(init);
})();
