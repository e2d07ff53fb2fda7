/** The passkey glyph (a person and a key), sized like text. */
export function PasskeyIcon({ className = "size-5" }: { className?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      className={className}
    >
      <circle cx="9" cy="7" r="3.5" />
      <path d="M2.5 20v-1.5A5.5 5.5 0 0 1 8 13h2.5" />
      <circle cx="17" cy="12.5" r="2.5" />
      <path d="M17 15v6l1.5-1.25L17 18.5l1.5-1.25" />
    </svg>
  );
}
