import { call, type ClientServices, type SessionStatus, type User } from './services.js';

/**
 * The login as reactive state: `status` is `restoring` until the silent refresh on boot has answered, so a
 * protected page can wait for it instead of flashing the login form. Account actions that need no session
 * (register, verify, reset) are here too, so pages never call the API directly.
 */
export class SessionState {
  status = $state<SessionStatus>('restoring');
  user = $state<User | null>(null);
  readonly #services: ClientServices;
  readonly #unsubscribe: () => void;

  constructor(services: ClientServices) {
    this.#services = services;
    this.#sync();
    this.#unsubscribe = services.session.subscribe(() => this.#sync());
  }

  get ready(): boolean {
    return this.status !== 'restoring';
  }

  get authenticated(): boolean {
    return this.status === 'authenticated';
  }

  /** Refreshes through the stored refresh token (the web app: the HttpOnly cookie). */
  async restore(): Promise<void> {
    await this.#services.session.restore();
    this.#sync();
  }

  async login(email: string, password: string): Promise<void> {
    await this.#services.session.login(email, password);
    this.#sync();
  }

  async logout(): Promise<void> {
    await this.#services.session.logout();
    this.#sync();
  }

  /** Registers; the host always answers the same (202), and mails a verification link. */
  async register(email: string, password: string, displayName: string): Promise<void> {
    await call(this.#services.api.POST('/v1/auth/register', { body: { email, password, displayName } }));
  }

  async verifyEmail(token: string): Promise<void> {
    await call(this.#services.api.POST('/v1/auth/verify-email', { body: { token } }));
    if (this.user) await this.reloadUser();
  }

  async resendVerification(email: string): Promise<void> {
    await call(this.#services.api.POST('/v1/auth/verify-email/resend', { body: { email } }));
  }

  async requestPasswordReset(email: string): Promise<void> {
    await call(this.#services.api.POST('/v1/auth/password-reset/request', { body: { email } }));
  }

  async confirmPasswordReset(token: string, password: string): Promise<void> {
    await call(this.#services.api.POST('/v1/auth/password-reset/confirm', { body: { token, password } }));
  }

  /** Changes the display name and/or the password (the latter needs the current one). */
  async updateProfile(changes: {
    displayName?: string;
    currentPassword?: string;
    newPassword?: string;
  }): Promise<void> {
    const user = await call(this.#services.api.PATCH('/v1/me', { body: changes }));
    this.#setUser(user);
  }

  async reloadUser(): Promise<void> {
    this.#setUser(await call(this.#services.api.GET('/v1/me')));
  }

  dispose(): void {
    this.#unsubscribe();
  }

  #setUser(user: User): void {
    this.#services.session.setUser(user);
    this.user = user;
  }

  #sync(): void {
    this.status = this.#services.session.status;
    this.user = this.#services.session.user;
  }
}
