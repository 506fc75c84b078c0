// The widget is two self-contained IIFEs (CSS inlined into the script and adopted by a
// shadow root), built one after the other:
//   --mode loader  widget.js      the embed snippet's tiny script (≤ 2 KB gzipped)
//   --mode app     widget-app.js  the chat, fetched by the loader when it is needed
import { defineConfig } from "vite";

export default defineConfig(({ mode }) => {
  const loader = mode === "loader";
  return {
    publicDir: false,
    build: {
      outDir: "../src/frontdesk/web/static/widget",
      emptyOutDir: loader, // the loader is built first
      target: "es2022",
      cssCodeSplit: false,
      minify: true,
      lib: {
        entry: loader ? "widget/loader.ts" : "widget/main.ts",
        name: loader ? "FrontdeskLoader" : "FrontdeskApp",
        formats: ["iife"],
        fileName: () => (loader ? "widget.js" : "widget-app.js"),
      },
    },
  };
});
