import "server-only";
import type { SecondFactor } from "./second-factor";
import { totpFactor } from "./totp";
import { backupCodeFactor } from "./backup-codes";
import { passkeyFactor } from "./passkey-assertions";

/** Every second factor, in the order a login step tries them: TOTP code, passkey, backup code. */
export const SECOND_FACTORS: readonly SecondFactor[] = [totpFactor, passkeyFactor, backupCodeFactor];
