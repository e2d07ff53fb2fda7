import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export const metadata = { title: "Page not found" };

/** Our own 404: Next's built-in one uses inline style attributes, which the CSP refuses. */
export default function NotFound() {
  return (
    <div className="mx-auto max-w-md text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight text-zinc-900 dark:text-white">Page not found</h1>
      <p className="mt-3 text-zinc-600 dark:text-zinc-400">The page you asked for does not exist or has moved.</p>
      <Link href="/" className={`mt-6 ${buttonClass("primary")}`}>
        Home
      </Link>
    </div>
  );
}
