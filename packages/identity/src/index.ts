export { generateEd25519Keys, hmacKey, keyRing, kidOfSecret, parseHmacKeys, parseSigningJwk, parseVerifyJwks, type Algorithm, type Key, type KeyRing, type Parsed } from "./keys.js";
export { defaultClockToleranceSeconds, TokenSigner, TokenVerifier, type Claims, type TokenProblem, type TokenRules, type Verified } from "./tokens.js";
