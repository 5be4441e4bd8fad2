// Like useAction, for pages with words of their own (local vue-i18n messages): the success text comes
// already translated, and a failure is answered too (its ApiError), so a page can act on its code.
import { ElMessage } from "element-plus";
import { useI18n } from "vue-i18n";
import { ApiError } from "../api/client";

export type Told<T> = { ok: true; value: T } | { ok: false; error: ApiError | Error };

export function useTold() {
  const { locale } = useI18n({ useScope: "global" });
  const say = (error: unknown) => (error instanceof ApiError ? (locale.value === "zh" ? error.messageZh : error.messageEn) : String(error));
  /** Runs `work`, shows `success` (or the gateway's message in the person's language), answers how it went. */
  return async function told<T>(work: () => Promise<T>, success?: string, quiet: (error: ApiError) => boolean = () => false): Promise<Told<T>> {
    try {
      const value = await work();
      if (success) ElMessage.success(success);
      return { ok: true, value };
    } catch (error) {
      if (!(error instanceof ApiError && quiet(error))) ElMessage.error(say(error));
      return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    }
  };
}
