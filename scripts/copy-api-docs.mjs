#!/usr/bin/env node
// Copies Swagger UI's built files from the pinned npm package swagger-ui-dist into the
// server's static folder, for the API browser at /api/v1/docs (http/api_docs.py): the
// page needs no CDN. Run by `npm run build` (frontend/package.json).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "frontend", "node_modules", "swagger-ui-dist");
const to = join(root, "src", "frontdesk", "web", "static", "api-docs");
mkdirSync(to, { recursive: true });
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"]) {
  copyFileSync(join(from, name), join(to, name));
}
console.log(`API browser: swagger-ui-dist copied to ${to}`);
