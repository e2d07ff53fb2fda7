-- AlterTable
ALTER TABLE "users" ADD COLUMN     "email_untrusted_at" TIMESTAMP(3);
