import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** A person at the test identity provider. */
export type TestAccount = { sub: string; email: string; emailVerified: boolean; name?: string };

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next interactive login signs in as (no form: the interaction finishes itself). */
  signInAs(account: TestAccount): void;
  /** Registers the client's redirect URIs (for an app whose address is known only after the provider started). */
  registerRedirectUris(uris: string[]): void;
  stop(): Promise<void>;
};

/**
 * A real OpenID Connect provider (npm oidc-provider) on loopback: discovery, authorization code +
 * PKCE, ID token, userinfo with email and email_verified. Its login and consent steps complete
 * automatically for the account chosen with signInAs().
 */
export async function startOidcProvider(options: { redirectUris?: string[] } = {}): Promise<TestOidcProvider> {
  const clientId = "lokdown-test-client";
  const clientSecret = "lokdown-test-client-secret-with-enough-entropy";
  const accounts = new Map<string, TestAccount>();
  let current: TestAccount | null = null;
  let provider: Provider | null = null;

  const server: Server = createServer((req, res) => {
    if (!provider) {
      res.statusCode = 503;
      res.end();
      return;
    }
    const active = provider;
    if (req.url?.startsWith("/interaction/")) {
      void finishInteraction(active, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    active.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function finishInteraction(
    active: Provider,
    req: Parameters<Provider["interactionDetails"]>[0],
    res: Parameters<Provider["interactionDetails"]>[1],
  ) {
    const details = await active.interactionDetails(req, res);
    if (details.prompt.name === "login") {
      if (!current) throw new Error("signInAs() was not called before the provider login");
      accounts.set(current.sub, current);
      await active.interactionFinished(
        req,
        res,
        { login: { accountId: current.sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const accountId = details.session?.accountId;
    if (details.prompt.name !== "consent" || !accountId) throw new Error(`unexpected prompt ${details.prompt.name}`);
    const grant = new active.Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(" "));
    const grantId = await grant.save();
    await active.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  const configure = (redirectUris: string[]) =>
    new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: redirectUris,
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      cookies: { keys: ["oidc-provider-test-cookie-key"] },
      jwks: {
        keys: [
          {
            ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
            kid: "test",
            use: "sig",
            alg: "RS256",
          },
        ],
      },
      ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
      features: { devInteractions: { enabled: false } },
      async findAccount(_ctx: unknown, sub: string) {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return {
          accountId: sub,
          async claims() {
            return {
              sub,
              email: account.email,
              email_verified: account.emailVerified,
              name: account.name ?? account.email,
            };
          },
        };
      },
    });
  if (options.redirectUris) provider = configure(options.redirectUris);

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(account) {
      current = account;
    },
    registerRedirectUris(uris) {
      provider = configure(uris);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
