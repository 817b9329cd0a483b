import { withDatabase } from "../platform";

export default async function migrate(): Promise<void> {
  await withDatabase(async () => {}); // provideDatabase applies pending migrations and logs each one
}
