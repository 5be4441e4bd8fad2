import { createRegistry, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { allFiles } from "./files.js";

/** Every message type of every Kepu proto file, to decode an envelope's payload by its type name. */
export const contractsRegistry: Registry = createRegistry(...allFiles);

/** The message descriptor for a fully-qualified type name, or undefined when it is unknown. */
export function messageSchema(typeName: string): DescMessage | undefined {
  return contractsRegistry.getMessage(typeName);
}

export { allFiles };
