export { waitFor, type WaitOptions } from "./wait.js";
export { TestEngines, engineUrls, uniquePrefix, type EngineUrls, type RecordedMessage } from "./engines.js";
export { ServiceProcess, freePort } from "./service-process.js";
export { testCallKeys, testSigner, testVerifier } from "./call-keys.js";
export { TestClock } from "./test-clock.js";
