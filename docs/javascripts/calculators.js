/*
 * 客服手册的规则计算器（纯 JavaScript，无外部依赖）。
 *
 *  - 7天无理由退货截止时间：#return-signed → #return-deadline
 *    签收当日的第二天零时起算，满 168 小时为 7 天。
 *  - 延迟发货违约金：#late-price + #late-platform → #late-result
 *    淘宝：实际成交金额的 5%，最低 1 元、最高 30 元；
 *    天猫：实际成交金额的 30%，最高 500 元。
 *
 * 页面加载时直接绑定；若主题启用了 navigation.instant，则通过 document$ 重新绑定。
 */
(function () {
  "use strict";

  var HOUR_MS = 60 * 60 * 1000;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* 解析 datetime-local 的值（YYYY-MM-DDTHH:MM[:SS]），返回 {y, m, d} 或 null */
  function parseLocalDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value || "");
    if (!m) return null;
    return { y: +m[1], m: +m[2], d: +m[3] };
  }

  /* 返回截止时间字符串 YYYY-MM-DD HH:MM；计算用 UTC，避免时区与夏令时的影响 */
  function returnDeadline(value) {
    var p = parseLocalDate(value);
    if (!p) return "";
    // 签收当日的第二天零时
    var start = Date.UTC(p.y, p.m - 1, p.d + 1, 0, 0, 0);
    var end = new Date(start + 168 * HOUR_MS);
    return (
      end.getUTCFullYear() + "-" + pad(end.getUTCMonth() + 1) + "-" + pad(end.getUTCDate()) +
      " " + pad(end.getUTCHours()) + ":" + pad(end.getUTCMinutes())
    );
  }

  /* 延迟发货违约金（元）。按“分”做整数运算，四舍五入到分，再去掉多余的 0 */
  function lateCompensation(price, platform) {
    if (!isFinite(price)) return null;
    if (price <= 0) return "成交金额要大于 0";
    var cents = Math.round(price * 100);
    var result;
    if (platform === "tmall") {
      result = Math.round((cents * 30) / 100);
      result = Math.min(result, 50000);
    } else {
      result = Math.round((cents * 5) / 100);
      result = Math.min(Math.max(result, 100), 3000);
    }
    if (result === 0) return "不足 0.01 元（成交金额的 30% 不到 1 分钱）";
    return result / 100 + " 元";
  }

  function bindReturn() {
    var input = document.getElementById("return-signed");
    var out = document.getElementById("return-deadline");
    if (!input || !out || input.dataset.kfBound) return;
    input.dataset.kfBound = "1";
    var update = function () {
      var text = returnDeadline(input.value);
      out.textContent = text || "请先选择签收时间";
    };
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    update();
  }

  function bindLate() {
    var price = document.getElementById("late-price");
    var platform = document.getElementById("late-platform");
    var out = document.getElementById("late-result");
    if (!price || !platform || !out || price.dataset.kfBound) return;
    price.dataset.kfBound = "1";
    var update = function () {
      var raw = String(price.value).trim();
      var amount = raw === "" ? null : lateCompensation(Number(raw), platform.value);
      out.textContent = amount === null ? "请输入实际成交金额" : amount;
    };
    ["input", "change"].forEach(function (ev) {
      price.addEventListener(ev, update);
      platform.addEventListener(ev, update);
    });
    update();
  }

  function init() {
    bindReturn();
    bindLate();
  }

  // 供测试或控制台调用
  window.kefuCalculators = { returnDeadline: returnDeadline, lateCompensation: lateCompensation };

  window.kefuOnPage(init);
})();
