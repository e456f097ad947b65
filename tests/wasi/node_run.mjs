// node_run.mjs — the reference side of the differential WASI harness.
//
// Runs a WASI preview 1 command under Node's node:wasi with the same
// command line shape as `vyoma run`, so run.sh can call both the same way:
//
//   node node_run.mjs [--dir HOST[::GUEST]]... [--env K=V]... [--] APP.wasm [ARGS...]
//
// The app sees argv[0] = the module's base name (as vyoma and wasmtime do),
// only the given environment and preopens, and this process's stdio fds.
// Exit status: the app's exit code; 134 after a trap (message on stderr),
// 1 when the module cannot be loaded, 2 for a bad command line.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { WASI } from 'node:wasi';
import process from 'node:process';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--') { i++; break; }
  if (!a.startsWith('-')) break;
  const val = () => {
    if (a.includes('=') && a.indexOf('=') < a.length) {
      const eq = a.indexOf('=');
      if (a.startsWith('--dir=') || a.startsWith('--env=')) return a.slice(eq + 1);
    }
    if (i + 1 >= argv.length) { console.error(`node_run: ${a} needs a value`); process.exit(2); }
    return argv[++i];
  };
  if (a === '--dir' || a.startsWith('--dir=')) {
    const v = val();
    const sep = v.indexOf('::');
    if (sep >= 0) preopens[v.slice(sep + 2)] = v.slice(0, sep);
    else preopens[v] = v;
  } else if (a === '--env' || a.startsWith('--env=')) {
    const v = val();
    const eq = v.indexOf('=');
    if (eq > 0) env[v.slice(0, eq)] = v.slice(eq + 1);
    else if (process.env[v] !== undefined) env[v] = process.env[v];
  } else {
    console.error(`node_run: unknown option ${a}`);
    process.exit(2);
  }
}
if (i >= argv.length) { console.error('node_run: no module given'); process.exit(2); }
const path = argv[i];
const args = [basename(path), ...argv.slice(i + 1)];

let mod;
try {
  mod = await WebAssembly.compile(readFileSync(path));
} catch (e) {
  console.error(`node_run: ${path}: ${e.message}`);
  process.exit(1);
}

const wasi = new WASI({
  version: 'preview1', args, env, preopens,
  stdin: 0, stdout: 1, stderr: 2, returnOnExit: true,
});
let code;
try {
  const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
  code = wasi.start(inst);
} catch (e) {
  if (e instanceof WebAssembly.RuntimeError) {
    console.error(`error: wasm trap: ${e.message}`);
    process.exit(134);
  }
  console.error(`node_run: ${path}: ${e.message}`);
  process.exit(1);
}
process.exit(code ?? 0);
