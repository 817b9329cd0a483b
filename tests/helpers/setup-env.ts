import { inject } from "vitest";
import { TEST_SECRET } from "./app-server";

// Test files talk to the same database as the shared app server, through the app's own lib/db.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = TEST_SECRET;
process.env.NEXTAUTH_URL = inject("appUrl");
process.env.LOG_LEVEL ??= "silent";
