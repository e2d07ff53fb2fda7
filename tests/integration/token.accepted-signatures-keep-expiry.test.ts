import { describe, expect, it } from "vitest";
import { decodeAccessToken, signAccessToken } from "@/lib/auth/sessions/tokens";
import { settings } from "@/lib/env";
import { T0 } from "../helpers/two-factor";

const claims = { userId: 7, sessionId: "0f8fad5b-d9cb-469f-a165-70867728950e", amr: ["pwd"] };
const at = (ms: number) => new Date(T0.getTime() + ms);

// decodeAccessToken remembers tokens whose signature it accepted; none of that may widen what it accepts.
describe("access tokens accepted once", () => {
  it("still expire on time, however often they were accepted", async () => {
    const token = await signAccessToken(claims, T0);
    const lifetime = settings.tokens.accessMinutes * 60_000;
    expect(await decodeAccessToken(token, at(0))).toEqual(claims);
    expect(await decodeAccessToken(token, at(lifetime - 1_000))).toEqual(claims);
    expect(await decodeAccessToken(token, at(lifetime))).toBeNull();
    expect(await decodeAccessToken(token, at(lifetime + 60_000))).toBeNull();
  });

  it("a changed signature or payload is refused even after the token was accepted", async () => {
    const token = await signAccessToken(claims, T0);
    expect(await decodeAccessToken(token, T0)).toEqual(claims);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
    expect(await decodeAccessToken(`${header}.${payload}.${flipped}`, T0)).toBeNull();
    const otherUser = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "8", user_id: 8 }),
    ).toString("base64url");
    expect(await decodeAccessToken(`${header}.${otherUser}.${signature}`, T0)).toBeNull();
  });

  it("a caller changing the claims it got does not change what the next caller gets", async () => {
    const token = await signAccessToken(claims, T0);
    const first = await decodeAccessToken(token, T0);
    first?.amr.push("mfa");
    expect(await decodeAccessToken(token, T0)).toEqual(claims);
  });
});
