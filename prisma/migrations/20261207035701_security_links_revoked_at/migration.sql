-- AlterTable
ALTER TABLE "users" ADD COLUMN     "links_revoked_at" TIMESTAMP(3);
