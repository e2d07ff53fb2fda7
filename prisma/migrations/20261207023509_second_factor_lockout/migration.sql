-- AlterTable
ALTER TABLE "users" ADD COLUMN     "second_factor_failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "second_factor_locked_at" TIMESTAMP(3);
