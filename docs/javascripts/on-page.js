/* 每个页面打开时运行一次：普通加载和 Material 的即时加载（document$）都算。
   Run a page script's init on every page: on first load, and on each page Material's instant
   navigation shows (document$). Loaded before the other scripts (mkdocs.yml). */
window.kefuOnPage = function (init) {
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
};
