import "server-only";
import type { z } from "zod";
import type { AccountActor } from "@/lib/auth/two-factor/account-security";
import { requireStaff, requireStaffToVerify } from "@/lib/auth/admin/guard";
import type { ClientInfo } from "@/lib/auth/request/client";
import { actorOf, requireWebUser } from "@/lib/auth/sessions/guards";
import { currentClient, type WebUser } from "@/lib/auth/sessions/web-session";
import { codeFailure, formFields, parseForm, type FormState } from "./form";

/**
 * Every server action is built here. An action is a public endpoint: anyone can POST
 * `Next-Action: <id>` with a body such as `[{},null]`, and Next hands the decoded values to it as
 * its arguments. So, in this order and before the body runs: arguments no form of ours sends are
 * refused (nothing is read or written); the caller is established by the same guards the pages use
 * (sign-in or the admin guard, which redirect or 404); the form is read and validated; the client
 * is read once. Authorization stays in lib/auth: each operation asks the policy itself.
 *
 * Four shapes, by how the page calls the action:
 * - `form`: `(state, formData) => state`, for useActionState.
 * - `submit`: `(formData) => …`, a plain `<form action>` (most redirect and return nothing).
 * - `call`: `() => …`, no input (a button, the start of a passkey ceremony); arguments are ignored.
 * - `args`: `(a, b, …) => …`, typed arguments from client code, each checked by its zod schema.
 */

/** The answer to arguments no form of ours sends (validation_error, a 400 in the API). */
export const INVALID_ACTION_INPUT: FormState = codeFailure("validation_error");

export type CallerKind = "public" | "user" | "staff" | "staff_to_verify";
export type ActionShape = "form" | "submit" | "call" | "args";
/** What the wrapper records on each action it builds (the structural tests read it). */
export type ActionInfo = { caller: CallerKind; shape: ActionShape; arity: number };

/** A signed-in caller: the web user and the actor lib/auth takes. */
export type SignedIn = { user: WebUser; actor: AccountActor };

/** Who may call, and how that is established: `resolve` returns the caller or redirects (or 404s). */
export type ActionCaller<C> = { kind: CallerKind; resolve: (page: string | undefined) => Promise<C> };

const signedIn = (user: WebUser): SignedIn => ({ user, actor: actorOf(user) });

/** The page a guard sends the browser back to after sign-in; a function when it depends on the form. */
type Page<F> = string | ((fields: F) => string);

/** A form's fields: their names (read as text), or a zod object whose keys name them and which validates them. */
type FormSpec = readonly string[] | z.ZodObject;
type FieldsOf<F> = F extends readonly (infer K extends string)[]
  ? Record<K, string>
  : F extends z.ZodObject
    ? Record<Extract<keyof F["shape"], string>, string>
    : never;
type InputOf<F> = F extends z.ZodObject ? z.output<F> : FieldsOf<F>;

type FormOptions<F extends FormSpec> = {
  page?: Page<FieldsOf<F>>;
  form?: F;
  /** With a schema: fields sent back to refill the form when validation fails (never secrets). */
  refill?: readonly Extract<keyof FieldsOf<F>, string>[];
};

/** What a form body gets: the caller, the validated input, the raw fields (as formFields reads them), the client. */
export type FormContext<C, F extends FormSpec> = C & {
  input: InputOf<F>;
  fields: FieldsOf<F>;
  formData: FormData;
  client: ClientInfo;
};
export type CallContext<C> = C & { client: ClientInfo };

type ArgSchemas = readonly z.ZodType[];
type ArgInputs<A extends ArgSchemas> = { [I in keyof A]: z.input<A[I]> };
type ArgOutputs<A extends ArgSchemas> = { [I in keyof A]: z.output<A[I]> };

const INFO = Symbol.for("lokdown.serverAction");

function mark<T extends (...args: never) => Promise<unknown>>(fn: T, info: ActionInfo): T {
  Object.defineProperty(fn, INFO, { value: info });
  return fn;
}

/** How an action was built, or undefined when it was not built here. */
export function actionInfo(fn: unknown): ActionInfo | undefined {
  return typeof fn === "function" ? (fn as unknown as Record<symbol, ActionInfo | undefined>)[INFO] : undefined;
}

/** Previous form states are what our actions returned: plain objects. */
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function keysOf(spec: FormSpec | undefined): readonly string[] {
  if (spec === undefined) return [];
  return Array.isArray(spec) ? spec : Object.keys((spec as z.ZodObject).shape);
}

type ReadForm<F extends FormSpec> =
  | { ok: true; context: { input: InputOf<F>; fields: FieldsOf<F>; formData: FormData; client: ClientInfo } }
  | { ok: false; state: FormState };

/** Validation comes after the guard: a signed-out visitor is sent to sign in, not told about a field. */
async function readForm<F extends FormSpec>(
  options: FormOptions<F>,
  formData: FormData,
  fields: FieldsOf<F>,
): Promise<ReadForm<F>> {
  const spec = options.form;
  let input = fields as InputOf<F>;
  if (spec !== undefined && !Array.isArray(spec)) {
    const parsed = parseForm(spec as z.ZodObject, fields);
    if (!parsed.ok) {
      const values = options.refill
        ? Object.fromEntries(
            options.refill.map((key): [string, string] => [key, (fields as Record<string, string>)[key] ?? ""]),
          )
        : undefined;
      return { ok: false, state: values ? { ...parsed.state, values } : parsed.state };
    }
    input = parsed.value as InputOf<F>;
  }
  return { ok: true, context: { input, fields, formData, client: await currentClient() } };
}

const pageOf = <F>(page: Page<F> | undefined, fields: F): string | undefined =>
  typeof page === "function" ? page(fields) : page;

/** The four shapes of action for one kind of caller. */
export function actionFor<C>(caller: ActionCaller<C>) {
  return {
    /** `(state, formData) => state`, for useActionState. The previous state must be a plain object too. */
    form<S extends FormState, const F extends FormSpec = readonly []>(
      options: FormOptions<F>,
      body: (context: FormContext<C, F> & { state: S }) => Promise<S>,
    ): (state: S, formData: FormData) => Promise<S> {
      return mark(
        async (state: S, formData: FormData): Promise<S> => {
          if (!(formData instanceof FormData) || !isPlainObject(state)) return INVALID_ACTION_INPUT as S;
          const fields = formFields(formData, keysOf(options.form)) as FieldsOf<F>;
          const who = await caller.resolve(pageOf(options.page, fields));
          const read = await readForm(options, formData, fields);
          if (!read.ok) return read.state as S;
          return body({ ...who, ...read.context, state });
        },
        { caller: caller.kind, shape: "form", arity: 2 },
      );
    },

    /** `(formData) => …`, a plain form action; `invalid` answers arguments no form sends (nothing by default). */
    submit<R = void, const F extends readonly string[] = readonly []>(
      options: { page?: Page<FieldsOf<F>>; form?: F; invalid?: R },
      body: (context: FormContext<C, F>) => Promise<R>,
    ): (formData: FormData) => Promise<R> {
      return mark(
        async (formData: FormData): Promise<R> => {
          if (!(formData instanceof FormData)) return options.invalid as R;
          const fields = formFields(formData, keysOf(options.form)) as FieldsOf<F>;
          const who = await caller.resolve(pageOf(options.page, fields));
          return body({ ...who, input: fields as InputOf<F>, fields, formData, client: await currentClient() });
        },
        { caller: caller.kind, shape: "submit", arity: 1 },
      );
    },

    /** `() => …`: no input, so nothing to refuse; whatever arguments arrive are ignored. */
    call<R>(options: { page?: string }, body: (context: CallContext<C>) => Promise<R>): () => Promise<R> {
      return mark(
        async (): Promise<R> => {
          const who = await caller.resolve(options.page);
          return body({ ...who, client: await currentClient() });
        },
        { caller: caller.kind, shape: "call", arity: 0 },
      );
    },

    /** `(a, b, …) => …` from client code: each argument checked by its schema, `invalid` when one fails. */
    args<const A extends ArgSchemas, R>(
      options: { page?: string; args: A; invalid: R },
      body: (context: CallContext<C> & { input: ArgOutputs<A> }) => Promise<R>,
    ): (...args: ArgInputs<A>) => Promise<R> {
      return mark(
        async (...args: ArgInputs<A>): Promise<R> => {
          const input: unknown[] = [];
          for (const [i, schema] of options.args.entries()) {
            const parsed = schema.safeParse(args[i]);
            if (!parsed.success) return options.invalid;
            input.push(parsed.data);
          }
          const who = await caller.resolve(options.page);
          return body({ ...who, input: input as ArgOutputs<A>, client: await currentClient() });
        },
        { caller: caller.kind, shape: "args", arity: options.args.length },
      );
    },
  };
}

/** Anyone: sign-in, sign-up, links from e-mails, the 2FA step of a pending login. */
export const publicAction = actionFor<object>({ kind: "public", resolve: async () => ({}) });

/** A signed-in user; everyone else is sent to sign in and back to `page`. */
export const userAction = actionFor<SignedIn>({
  kind: "user",
  resolve: async (page) => signedIn(await requireWebUser(page)),
});

/** Staff, through the admin guard (its second-factor gate included), as every admin page. */
export const staffAction = actionFor<SignedIn>({
  kind: "staff",
  resolve: async (page) => signedIn(await requireStaff(page)),
});

/** Staff on the admin verification step only: with or without a second factor in this session. */
export const verifyingStaffAction = actionFor<SignedIn>({
  kind: "staff_to_verify",
  resolve: async (page) => signedIn(await requireStaffToVerify(page)),
});
