// Gives the built SPA content-hashed file names, so the server can let browsers keep them for a
// year (`immutable`): a new build has new names, and index.html (never cached) names them.
//
//   node web/assemble.mjs <dist> <bundle>...
//
// Before: <dist>/pkg/<bundle>.js and <bundle>_bg.wasm (wasm-bindgen's output, already through
// wasm-opt), and the stylesheets at <dist>/*.css. After: pkg/<bundle>.<hash>.js, which starts
// the app itself (no inline script: the CSP forbids them), pkg/<bundle>.<hash>.wasm,
// <name>.<hash>.css, index.html linking the hashed stylesheets, and manifest.json naming each
// bundle's files — the server writes the bundle of a page's path into index.html from it
// (credence_shared::bundle, api/src/routes/spa.rs).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [dist, ...bundles] = process.argv.slice(2);
if (!dist || bundles.length === 0) {
  console.error("usage: node web/assemble.mjs <dist> <bundle>...");
  process.exit(2);
}

// 16 hex digits: the server recognises a hashed name by exactly this (routes/spa.rs).
const hash = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
const fail = (message) => {
  console.error(`assemble: ${message}`);
  process.exit(1);
};

const manifest = { bundles: {}, files: {} };

for (const name of bundles) {
  const wasmPath = join(dist, "pkg", `${name}_bg.wasm`);
  const jsPath = join(dist, "pkg", `${name}.js`);
  const wasm = readFileSync(wasmPath);
  const wasmName = `${name}.${hash(wasm)}.wasm`;
  renameSync(wasmPath, join(dist, "pkg", wasmName));

  let js = readFileSync(jsPath, "utf8");
  // wasm-bindgen's `--target web` module exports its init function as the default.
  const init =
    js.match(/export default (\w+);/)?.[1] ?? js.match(/export \{[^}]*\b(\w+) as default\b[^}]*\}/)?.[1];
  if (!init) fail(`${jsPath}: no default export (wasm-bindgen's init) found`);
  js += `\n// Added by web/assemble.mjs: start the app with its hashed wasm.\n${init}({ module_or_path: new URL("./${wasmName}", import.meta.url) });\n`;
  const jsName = `${name}.${hash(js)}.js`;
  writeFileSync(join(dist, "pkg", jsName), js);
  rmSync(jsPath);
  manifest.bundles[name] = { js: `pkg/${jsName}`, wasm: `pkg/${wasmName}` };
}

let index = readFileSync(join(dist, "index.html"), "utf8");
for (const file of readdirSync(dist).filter((f) => f.endsWith(".css"))) {
  const bytes = readFileSync(join(dist, file));
  const hashed = file.replace(/\.css$/, `.${hash(bytes)}.css`);
  renameSync(join(dist, file), join(dist, hashed));
  manifest.files[file] = hashed;
  const link = `href="/${file}"`;
  if (!index.includes(link)) fail(`index.html does not link /${file}`);
  index = index.replaceAll(link, `href="/${hashed}"`);
}
writeFileSync(join(dist, "index.html"), index);
writeFileSync(join(dist, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
