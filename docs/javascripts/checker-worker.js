/*
 * 话术自检的后台线程（module Web Worker）：在 Pyodide 里运行 kefu_lint 本身。
 *
 * The worker of the 话术自检 page (checker.js starts it). It loads Pyodide, the kefu_lint zip
 * and the word-boundary dictionary from the site itself (URLs given by the page, built by
 * hooks/checker.py), then answers messages by calling kefu_checker (hooks/checker_runtime.py):
 *
 *   {type: "init", pyodide, runtime, dictionary, snapshot, base, fsRuntime, fsDictionary}
 *                                                       -> progress..., {type: "ready"} | {type: "error"}
 *   {type: "check", id, reply, customer, scene}         -> {type: "result", id, result, ms}
 *   {type: "fix", id, reply, customer, scene}           -> {type: "fixed", id, reply}
 *   {type: "resources"}                                 -> {type: "resources", entries}
 *
 * With a snapshot (made at build time by hooks/checker_snapshot.mjs) Pyodide starts with
 * kefu_checker already imported; if it cannot be used, the error says so ("snapshot") and the
 * page starts a new worker without it.
 *
 * No rule is implemented here: every finding comes from the Python package the CLI runs.
 */
let checker = null; // kefu_checker, once loaded
let base = ".";

function post(message) {
  self.postMessage(message);
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// The dictionary is served zlib-compressed; the browser inflates it (DecompressionStream
// "deflate" is the zlib format) while it downloads.
async function fetchInflated(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const inflated = response.body.pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

async function init(message) {
  const t0 = performance.now();
  base = message.base;
  // Start every download at once; Pyodide boots while the others arrive.
  const runtime = fetchBytes(message.runtime);
  const dictionary = fetchInflated(message.dictionary);
  const snapshot = message.snapshot ? fetchInflated(message.snapshot) : null;
  runtime.catch(() => {});
  dictionary.catch(() => {});
  post({type: "progress", text: "正在加载 Python 运行环境……"});
  const {loadPyodide} = await import(new URL("pyodide.mjs", message.pyodide).href);
  const options = {
    indexURL: message.pyodide,
    env: {KEFU_LINT_DICTIONARY: message.fsDictionary},
    stdout: (text) => console.log(text),
    stderr: (text) => console.warn(text),
  };
  let pyodide;
  if (snapshot) {
    try {
      pyodide = await loadPyodide({...options, _loadSnapshot: await snapshot});
    } catch (error) {
      throw new Error("snapshot: " + String(error && error.message || error));
    }
  } else {
    pyodide = await loadPyodide(options);
  }
  const booted = performance.now();
  post({type: "progress", text: "正在载入检查规则和词典……"});
  pyodide.FS.mkdirTree(message.fsRuntime.replace(/\/[^/]*$/, ""));
  pyodide.FS.writeFile(message.fsRuntime, await runtime);
  pyodide.FS.writeFile(message.fsDictionary, await dictionary);
  pyodide.globals.set("runtime_zip", message.fsRuntime);
  pyodide.runPython("import sys\nif runtime_zip not in sys.path: sys.path.insert(0, runtime_zip)");
  checker = pyodide.pyimport("kefu_checker");
  checker.warm_up(base);
  const ready = performance.now();
  post({type: "ready", timings: {boot: booted - t0, total: ready - t0, snapshot: Boolean(snapshot)}});
}

function check(message) {
  const t0 = performance.now();
  const result = JSON.parse(checker.check(message.reply, message.customer, message.scene, base));
  post({type: "result", id: message.id, result, ms: performance.now() - t0});
}

function fix(message) {
  post({type: "fixed", id: message.id, reply: checker.fix(message.reply, message.customer, message.scene, base)});
}

self.onmessage = async ({data}) => {
  try {
    if (data.type === "init") await init(data);
    else if (data.type === "check") check(data);
    else if (data.type === "fix") fix(data);
    else if (data.type === "resources") {
      // Every URL this worker fetched (the page adds its own): the tests check all are same-origin.
      post({type: "resources", entries: performance.getEntriesByType("resource").map((e) => e.name)});
    }
  } catch (error) {
    post({type: "error", id: data.id, init: data.type === "init", message: String(error && error.message || error)});
  }
};
