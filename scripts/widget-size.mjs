#!/usr/bin/env node
// The widget's size budgets (issue 3), checked on the built files:
//   the loader (widget.js, on every page)                 ≤ 2 KB gzipped
//   everything loaded before the visitor types (+ app)    ≤ 30 KB gzipped
// Run after the build: `cd frontend && npm run build && npm run size`. Exit 1 past a budget.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "frontdesk", "web", "static", "widget");
const KB = 1024;
const LOADER_BUDGET = 2 * KB;
const TOTAL_BUDGET = 30 * KB;

function measure(name) {
  const bytes = readFileSync(join(dir, name));
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (n) => `${(n / KB).toFixed(2)} KB`;
let loader, app;
try {
  loader = measure("widget.js");
  app = measure("widget-app.js");
} catch (error) {
  console.error(`widget-size: ${error.message}\nBuild first: cd frontend && npm run build`);
  process.exit(1);
}
const total = loader.gzip + app.gzip;
console.log("file            raw         gzip");
for (const f of [loader, app]) console.log(`${f.name.padEnd(15)} ${kb(f.raw).padStart(10)}  ${kb(f.gzip).padStart(10)}`);
console.log(`loader budget   ${kb(loader.gzip)} of ${kb(LOADER_BUDGET)}`);
console.log(`total budget    ${kb(total)} of ${kb(TOTAL_BUDGET)} (loader + app: all that loads before the visitor types)`);
const over = [];
if (loader.gzip > LOADER_BUDGET) over.push(`the loader is ${kb(loader.gzip)} gzipped, over ${kb(LOADER_BUDGET)}`);
if (total > TOTAL_BUDGET) over.push(`loader + app are ${kb(total)} gzipped, over ${kb(TOTAL_BUDGET)}`);
if (over.length > 0) {
  console.error(`widget-size: FAILED: ${over.join("; ")}`);
  process.exit(1);
}
console.log("widget-size: within budgets");
