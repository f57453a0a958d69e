// Build time (hooks/checker.py runs this with node): a memory snapshot of Pyodide with
// kefu_checker imported and the rules compiled, so that the page's worker starts from it
// instead of initialising CPython and importing the package (about 5 s of CPU on a 2-core
// machine, against about 1 s from the snapshot).
//
//   node checker_snapshot.mjs PYODIDE_DIR RUNTIME_ZIP OUT FS_RUNTIME FS_DICTIONARY BASE
//
// The worker (docs/javascripts/checker-worker.js) writes the same files to the same paths
// after loading the snapshot; the dictionary itself is not in the snapshot (it is loaded on
// the first check that needs it).
import fs from "node:fs";
import path from "node:path";
import {pathToFileURL} from "node:url";

const [pyodideDir, runtimeZip, out, fsRuntime, fsDictionary, base] = process.argv.slice(2);
const {loadPyodide} = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  _makeSnapshot: true,
  env: {KEFU_LINT_DICTIONARY: fsDictionary},
  stdout: (text) => console.log(text),
  stderr: (text) => console.error(text),
});
pyodide.FS.mkdirTree(path.posix.dirname(fsRuntime));
pyodide.FS.writeFile(fsRuntime, fs.readFileSync(runtimeZip));
pyodide.globals.set("runtime_zip", fsRuntime);
pyodide.globals.set("base", base);
pyodide.runPython("import sys\nsys.path.insert(0, runtime_zip)\nimport kefu_checker\nkefu_checker.prepare(base)");
pyodide.globals.delete("runtime_zip");
pyodide.globals.delete("base");
fs.writeFileSync(out, pyodide.makeMemorySnapshot());
