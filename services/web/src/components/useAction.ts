// Runs what a button asks of the API and tells the person how it went, in their language.
import { ElMessage } from "element-plus";
import { useI18n } from "vue-i18n";
import { ApiError } from "../api/client";

export function useAction() {
  const { locale, t } = useI18n();
  return async function act<T>(work: () => Promise<T>, success = "orders.done"): Promise<T | undefined> {
    try {
      const result = await work();
      ElMessage.success(t(success));
      return result;
    } catch (error) {
      const text = error instanceof ApiError ? (locale.value === "zh" ? error.messageZh : error.messageEn) : String(error);
      ElMessage.error(text);
      return undefined;
    }
  };
}
