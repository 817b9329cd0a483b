// A Prisma generator that only writes the DMMF datamodel it is handed to $HOLDFAST_DMMF_OUT.
// Prisma runs generators as child processes speaking JSON-RPC: requests on stdin, responses on stderr.
import { writeFileSync } from "node:fs";
import readline from "node:readline";

const reply = (id, result) => process.stderr.write(`${JSON.stringify({ jsonrpc: "2.0", id, result })}\n`);

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const message = JSON.parse(line);
  if (message.method === "getManifest") {
    reply(message.id, { manifest: { prettyName: "DMMF dump", requiresEngines: [] } });
  } else if (message.method === "generate") {
    writeFileSync(process.env.HOLDFAST_DMMF_OUT, JSON.stringify(message.params.dmmf.datamodel));
    reply(message.id, null);
  }
});
