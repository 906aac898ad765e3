/**
 * Where the refresh token lives. `cookie`: in the host's `HttpOnly` cookie, out of JavaScript's reach (the web app;
 * load/save do nothing). `body`: the client keeps it, e.g. the Symbiote in `TS.localStorage.global`.
 */
export interface RefreshTokenStore {
  readonly transport: 'cookie' | 'body';
  /** The stored refresh token, or null. */
  load(): Promise<string | null>;
  /** Stores a new refresh token (each refresh rotates it), or clears it with null. */
  save(token: string | null): Promise<void>;
}

/** The cookie transport: the host sets and reads the `HttpOnly` refresh cookie; nothing is stored here. */
export const cookieTransport: RefreshTokenStore = {
  transport: 'cookie',
  load: async () => null,
  save: async () => undefined,
};

/** A body-transport store kept in memory (tests, scripts); a real client persists the token, e.g. in TS storage. */
export function memoryTokenStore(initial: string | null = null): RefreshTokenStore & { readonly token: string | null } {
  let token = initial;
  return {
    transport: 'body',
    get token() {
      return token;
    },
    load: async () => token,
    save: async (next) => {
      token = next;
    },
  };
}
