-- AlterTable
ALTER TABLE "auth_sessions" ADD COLUMN     "backup_code_at" TIMESTAMP(3),
ADD COLUMN     "passkey_at" TIMESTAMP(3),
ADD COLUMN     "password_at" TIMESTAMP(3),
ADD COLUMN     "provider_at" TIMESTAMP(3),
ADD COLUMN     "totp_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "webauthn_challenges" ADD COLUMN     "auth_session_id" UUID;

-- AddForeignKey
ALTER TABLE "webauthn_challenges" ADD CONSTRAINT "webauthn_challenges_auth_session_id_fkey" FOREIGN KEY ("auth_session_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
