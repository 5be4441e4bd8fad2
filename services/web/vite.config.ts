import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// `pnpm --filter @kepu/web dev` proxies the API to a gateway on 8080; the gateway serves the
// built app (dist/) itself in `npm start`.
export default defineConfig({
  plugins: [vue()],
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
