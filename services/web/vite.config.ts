import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import { defineConfig, type HtmlTagDescriptor, type Plugin } from "vite";
import { compression, defineAlgorithm } from "vite-plugin-compression2";

// `pnpm --filter @kepu/web dev` proxies the API to a gateway on 8080; the gateway serves the
// built app (dist/) itself in `npm start`.
//
// The performance budget (issue 17): each page its own chunk (router.ts), Element Plus
// components and their CSS imported where a template uses them (not the whole library), ECharts
// only in the dashboard's chunk (components/BarChart.vue imports echarts/core modules), the
// sign-in page's chunks fetched alongside the entry, and every asset written precompressed next
// to itself (.br and .gz) for the gateway to serve as is.
export default defineConfig({
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: "css" })], dts: false }),
    preloadPage("/src/views/SignIn.vue"),
    compression({ algorithms: [defineAlgorithm("brotliCompress"), defineAlgorithm("gzip", { level: 9 })], include: /\.(js|css|html|svg|json)$/, threshold: 0, deleteOriginalAssets: false }),
  ],
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
  build: { outDir: "dist", emptyOutDir: true },
});

/**
 * index.html asks for one lazily loaded page's chunks (its JS and the chunks it imports, its CSS)
 * while the entry downloads, instead of after the entry has run and the router has asked: one
 * round trip less before the page a newcomer lands on (the sign-in form) can render.
 */
function preloadPage(source: string): Plugin {
  return {
    name: "kepu-preload-page",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(html, { bundle }) {
        if (!bundle) return html;
        const page = Object.values(bundle).find((output) => output.type === "chunk" && output.facadeModuleId?.endsWith(source));
        if (!page || page.type !== "chunk") throw new Error(`preloadPage: no chunk for ${source}`);
        const scripts = new Set<string>();
        const styles = new Set<string>();
        const visit = (fileName: string) => {
          const chunk = bundle[fileName];
          if (scripts.has(fileName) || chunk?.type !== "chunk") return;
          scripts.add(fileName);
          chunk.viteMetadata?.importedCss.forEach((css) => styles.add(css));
          chunk.imports.forEach(visit);
        };
        visit(page.fileName);
        const link = (rel: string, href: string, extra: Record<string, string> = {}): HtmlTagDescriptor => ({ tag: "link", attrs: { rel, href: `/${href}`, crossorigin: "", ...extra }, injectTo: "head" });
        return [...[...scripts].filter((f) => !html.includes(f)).map((f) => link("modulepreload", f)), ...[...styles].filter((f) => !html.includes(f)).map((f) => link("preload", f, { as: "style" }))];
      },
    },
  };
}
