import { ElMessage, ElMessageBox, provideGlobalConfig } from "element-plus";
import en from "element-plus/es/locale/lang/en";
import zhCn from "element-plus/es/locale/lang/zh-cn";
import "element-plus/es/components/message/style/css";
import "element-plus/es/components/message-box/style/css";
import { computed, createApp } from "vue";
import App from "./App.vue";
import { i18n } from "./i18n";
import { router } from "./router";
import "./theme.css";

// Element Plus components come with each page that uses them (vite.config.ts); here only what is
// called from code (ElMessage, ElMessageBox: installed so they read the app's locale) and the
// locale itself, which follows the app's language switch (zh-CN first, English).
const app = createApp(App).use(i18n).use(router).use(ElMessage).use(ElMessageBox);
provideGlobalConfig(computed(() => ({ locale: i18n.global.locale.value === "en" ? en : zhCn })), app, true);
app.mount("#app");
