import { parseArgs } from "node:util";
import { z } from "zod";
import { withDatabase } from "../platform";

const argsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1),
  workspace: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/),
  role: z.array(z.enum(["member", "admin", "billing_owner"])).default(["member"]),
  token: z.boolean().default(false),
});

/** `seed-user --email E --password P --workspace SLUG [--role ROLE]... [--token]` (API.md "Command line"). */
export default async function seedUserCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: "string" },
      password: { type: "string" },
      workspace: { type: "string" },
      role: { type: "string", multiple: true },
      token: { type: "boolean" },
    },
  });
  const args = argsSchema.safeParse(values);
  if (!args.success) {
    process.stderr.write(
      `seed-user: ${args.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}\n`,
    );
    process.exit(2);
  }
  await withDatabase(async () => {
    const { seedUser } = await import("@/lib/identity/seed-user");
    const result = await seedUser({ ...args.data, roles: args.data.role, withToken: args.data.token });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });
}
