// A countdown in whole seconds (获取验证码 waits 60 s before it may be asked again): `left` is 0 when
// the button may be pressed; it stops by itself and when the page goes.
import { onBeforeUnmount, ref } from "vue";

export function useCountdown(seconds: number) {
  const left = ref(0);
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  function start() {
    stop();
    const until = Date.now() + seconds * 1000;
    left.value = seconds;
    timer = setInterval(() => {
      left.value = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      if (left.value === 0) stop();
    }, 250);
  }
  onBeforeUnmount(stop);
  return { left, start };
}
