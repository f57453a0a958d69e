/*
 * Copy buttons for the replies in script blockquotes (plain JavaScript, no dependencies).
 *
 * A script is a blockquote whose paragraphs open with a bold speaker label and a full-width
 * colon: "**顾客**：" or "**客服**：" (docs/tools/authoring.md). Every 客服 paragraph gets a
 * button that copies the reply alone: the label, the colon and the button's own text are left
 * out. navigator.clipboard is used where the page may use it; otherwise (an old browser, a page
 * opened from disk in some browsers) a hidden textarea and document.execCommand("copy").
 * Nothing is loaded from outside the site. Labels are for staff, in Chinese.
 */
(function () {
  "use strict";

  var LABEL = "复制";
  var TITLE = "复制这条回复（不含“客服：”）";
  var DONE = "已复制";
  var FAILED = "复制失败，请手动选中文字复制";
  var RESET_MS = 2000;

  /* The speaker of a script paragraph ("客服", "顾客") or null */
  function speaker(paragraph) {
    var first = paragraph.firstChild;
    while (first && first.nodeType === 3 && !first.nodeValue.trim()) first = first.nextSibling;
    if (!first || first.nodeType !== 1 || first.tagName !== "STRONG") return null;
    var next = first.nextSibling;
    if (!next || next.nodeType !== 3 || next.nodeValue.replace(/^\s+/, "").charAt(0) !== "：") return null;
    return first.textContent.trim();
  }

  /* The reply text of a 客服 paragraph: without the label, the colon and any copy button */
  function replyText(paragraph) {
    var clone = paragraph.cloneNode(true);
    var strip = clone.querySelectorAll(".kf-copy, .kf-copy-status");
    for (var i = 0; i < strip.length; i++) strip[i].parentNode.removeChild(strip[i]);
    var label = clone.firstChild;
    while (label && label.nodeType === 3 && !label.nodeValue.trim()) label = label.nextSibling;
    if (label) clone.removeChild(label);
    return clone.textContent.replace(/\s*\n\s*/g, "").replace(/^\s*：\s*/, "").trim();
  }

  function copyWithTextarea(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.left = "-9999px";
    area.style.opacity = "0";
    document.body.appendChild(area);
    var selection = document.getSelection();
    var previous = selection && selection.rangeCount ? selection.getRangeAt(0) : null;
    area.select();
    area.setSelectionRange(0, text.length);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    document.body.removeChild(area);
    if (previous && selection) {
      selection.removeAllRanges();
      selection.addRange(previous);
    }
    return ok;
  }

  /* Resolves true when the text is on the clipboard */
  function copy(text) {
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function" && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copyWithTextarea(text); }
      );
    }
    return Promise.resolve(copyWithTextarea(text));
  }

  function addButton(paragraph) {
    if (paragraph.querySelector(".kf-copy")) return;
    paragraph.classList.add("kf-reply");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kf-copy";
    button.title = TITLE;
    button.setAttribute("aria-label", TITLE);
    button.textContent = LABEL;
    var status = document.createElement("span");
    status.className = "kf-copy-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var timer = null;
    button.addEventListener("click", function () {
      copy(replyText(paragraph)).then(function (ok) {
        button.textContent = ok ? DONE : LABEL;
        button.classList.toggle("kf-copy--done", ok);
        status.textContent = ok ? DONE : FAILED;
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = LABEL;
          button.classList.remove("kf-copy--done");
          status.textContent = "";
        }, RESET_MS);
      });
    });
    paragraph.appendChild(document.createTextNode(" "));
    paragraph.appendChild(button);
    paragraph.appendChild(status);
  }

  function init() {
    var quotes = document.querySelectorAll(".md-typeset blockquote");
    for (var i = 0; i < quotes.length; i++) {
      var paragraphs = quotes[i].querySelectorAll(":scope > p");
      var script = false;
      for (var j = 0; j < paragraphs.length; j++) {
        var who = speaker(paragraphs[j]);
        if (who === "客服" || who === "顾客") {
          script = true;
          paragraphs[j].classList.add(who === "客服" ? "kf-says-staff" : "kf-says-customer");
        }
        if (who === "客服") addButton(paragraphs[j]);
      }
      if (script) quotes[i].classList.add("kf-script");
    }
  }

  window.kefuCopyReply = { replyText: replyText, copy: copy };

  window.kefuOnPage(init);
})();
