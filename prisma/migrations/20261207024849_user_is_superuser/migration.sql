-- AlterTable
ALTER TABLE "users" ADD COLUMN     "is_superuser" BOOLEAN NOT NULL DEFAULT false;
