import { provideGlobalConfig } from "element-plus";
import en from "element-plus/es/locale/lang/en";
import zhCn from "element-plus/es/locale/lang/zh-cn";
import "element-plus/es/components/message/style/css";
import { computed, createApp } from "vue";
import App from "./App.vue";
import { i18n } from "./i18n";
import { router } from "./router";
import "./theme.css";

// Element Plus components come with each page that uses them (vite.config.ts). The locale follows
// the app's language switch (zh-CN first, English).
const app = createApp(App).use(i18n).use(router);
provideGlobalConfig(computed(() => ({ locale: i18n.global.locale.value === "en" ? en : zhCn })), app, true);
app.mount("#app");

// The confirmation boxes (ElMessageBox, called from code) arrive after the first page, in a chunk
// of their own; installed on the app so their default buttons read its locale.
const boxStyles = [import("element-plus/theme-chalk/el-overlay.css"), import("element-plus/theme-chalk/el-button.css"), import("element-plus/theme-chalk/el-input.css"), import("element-plus/theme-chalk/el-message-box.css")];
void Promise.all([import("element-plus/es/components/message-box/index.mjs"), ...boxStyles]).then(([{ ElMessageBox }]) => app.use(ElMessageBox));
