import { createI18n } from "vue-i18n";
import { messages } from "./messages";

export const i18n = createI18n({ legacy: false, locale: localStorage.getItem("kepu.locale") ?? "zh", fallbackLocale: "zh", messages });

export function switchLocale(): void {
  const next = i18n.global.locale.value === "zh" ? "en" : "zh";
  i18n.global.locale.value = next;
  localStorage.setItem("kepu.locale", next);
}
