import { generateEd25519Keys } from "@kepu/identity";
import { CallSigner, CallVerifier } from "@kepu/rpc";

/**
 * The key pair of a test run for the tokens of calls between processes: made once per test
 * process (unless the environment already holds one) and put in its environment, so that every
 * service a test starts verifies what the test's clients — and the gateway it starts — sign.
 */
export function testCallKeys(): { KEPU_CALL_SIGNING_KEY: string; KEPU_CALL_VERIFY_KEYS: string } {
  if (!process.env.KEPU_CALL_SIGNING_KEY || !process.env.KEPU_CALL_VERIFY_KEYS) {
    const keys = generateEd25519Keys(`test-${process.pid}`);
    process.env.KEPU_CALL_SIGNING_KEY = keys.signingJwk;
    process.env.KEPU_CALL_VERIFY_KEYS = keys.verifyJwks;
  }
  return { KEPU_CALL_SIGNING_KEY: process.env.KEPU_CALL_SIGNING_KEY, KEPU_CALL_VERIFY_KEYS: process.env.KEPU_CALL_VERIFY_KEYS };
}

let signer: CallSigner | undefined;

/** Signs the calls a test makes to the services it started (`createRpcClient(S, address, { signer: testSigner() })`). */
export function testSigner(): CallSigner {
  signer ??= CallSigner.fromJwk(testCallKeys().KEPU_CALL_SIGNING_KEY, "kepu-test");
  return signer;
}

/** Verifies what `testSigner()` signs, for an RpcServer a test runs in its own process. */
export function testVerifier(): CallVerifier {
  return CallVerifier.fromJwks(testCallKeys().KEPU_CALL_VERIFY_KEYS);
}
