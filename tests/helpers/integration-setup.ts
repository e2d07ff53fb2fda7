import { afterAll, beforeEach } from "vitest";
import { closeDatabase } from "@/lib/db";
import { resetDatabase } from "./db";

beforeEach(async () => {
  await resetDatabase();
});

afterAll(async () => {
  await closeDatabase();
});
