// The widget: one self-contained IIFE (its CSS is inlined into the script and adopted by
// the shadow root), so embedding it is a single <script> tag.
import { defineConfig } from "vite";

export default defineConfig({
  publicDir: false,
  build: {
    outDir: "../src/frontdesk/web/static/widget",
    emptyOutDir: true,
    target: "es2022",
    cssCodeSplit: false,
    lib: {
      entry: "widget/main.ts",
      name: "FrontdeskWidget",
      formats: ["iife"],
      fileName: () => "widget.js",
    },
  },
});
