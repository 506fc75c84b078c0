// The console: a Preact single-page app served by the server at /console (index.html)
// with its assets under /static/console/. No inline scripts, for a strict CSP.
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  root: "console",
  base: "/static/console/",
  publicDir: false,
  plugins: [preact()],
  build: {
    outDir: "../../src/frontdesk/web/static/console",
    emptyOutDir: true,
    target: "es2022",
    // Vite's module-preload polyfill is the only code it could inline; modern browsers need none.
    modulePreload: { polyfill: false },
  },
});
