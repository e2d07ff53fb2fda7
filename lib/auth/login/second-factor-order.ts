import "server-only";
import type { SecondFactor } from "./second-factor-step";
import { totpFactor } from "../two-factor/totp";
import { backupCodeFactor } from "../two-factor/backup-codes";
import { passkeyFactor } from "../passkeys/assertions";

/** Every second factor, in the order a login step tries them: TOTP code, passkey, backup code. */
export const SECOND_FACTOR_ORDER: readonly SecondFactor[] = [totpFactor, passkeyFactor, backupCodeFactor];
