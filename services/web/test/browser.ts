// Debian's Chromium driven by playwright-core, with the flags this offline machine needs (without
// them Chromium keeps trying to reach Google's hosts and start-up stalls). Playwright gives each
// launch a fresh, empty profile of its own.
import { chromium, type Browser } from "playwright-core";

/** `extraArgs`: e.g. a fake camera that films a file (--use-file-for-fake-video-capture=…). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...extraArgs],
  });
}
