import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import { defineConfig } from "vite";
import { compression, defineAlgorithm } from "vite-plugin-compression2";

// `pnpm --filter @kepu/web dev` proxies the API to a gateway on 8080; the gateway serves the
// built app (dist/) itself in `npm start`.
//
// The performance budget (issue 17): each page its own chunk (router.ts), Element Plus
// components and their CSS imported where a template uses them (not the whole library), ECharts
// only in the dashboard's chunk (components/BarChart.vue imports echarts/core modules), and every
// asset written precompressed next to itself (.br and .gz) for the gateway to serve as is.
export default defineConfig({
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: "css" })], dts: false }),
    compression({ algorithms: [defineAlgorithm("brotliCompress"), defineAlgorithm("gzip", { level: 9 })], include: /\.(js|css|html|svg|json)$/, threshold: 0, deleteOriginalAssets: false }),
  ],
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
  build: { outDir: "dist", emptyOutDir: true },
});
