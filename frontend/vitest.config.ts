import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{shared,widget,console}/**/*.test.{ts,tsx}"],
    environment: "node",
  },
});
