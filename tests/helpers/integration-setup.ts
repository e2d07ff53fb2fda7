import { afterAll, beforeEach } from "vitest";
import { closeDatabase } from "@/lib/db";
import { settings } from "@/lib/env";
import { resetDatabase } from "./db";

// Tests call the handlers as the bundled server would: its x-lokdown-peer (set by tests/helpers) is
// the socket address. Tests of other address sources override settings.clientAddress.
settings.clientAddress.peerHeaderTrusted = true;

beforeEach(async () => {
  await resetDatabase();
});

afterAll(async () => {
  await closeDatabase();
});
