import { housekeepingTask } from '../../platform/db/housekeeping.js';
import { outboxSweep } from '../../platform/events/outbox-housekeeping.js';
import { ACCESS_TOKEN_VERIFIER } from '../../platform/kernel/principal.js';
import { defineModule, type ModuleContext } from '../../platform/kernel/module.js';
import { BootstrapAdminHandler } from './application/bootstrap-admin.handler.js';
import { ACCESS_TOKENS } from './application/ports/access-tokens.port.js';
import { LOGIN_ATTEMPTS } from './application/ports/login-attempts.port.js';
import { PASSWORD_HASHER } from './application/ports/password-hasher.port.js';
import { USERS_REPOSITORY } from './application/ports/users.repository.port.js';
import { UsersApiService } from './application/users-api.service.js';
import { USER_REGISTERED } from './contract/users.events.js';
import { usersContract, USERS_API } from './contract/users.contract.js';
import { LOGIN_THROTTLE, windowCutoff } from './domain/login-throttle.js';
import { usersRoutes } from './http/users.routes.js';
import { JoseAccessTokens } from './infrastructure/jose.access-tokens.js';
import { LoginAttemptsKnexStore } from './infrastructure/login-attempts.knex-store.js';
import { ScryptPasswordHasher } from './infrastructure/scrypt.password-hasher.js';
import { SigningKeysKnexRepository } from './infrastructure/signing-keys.knex-repository.js';
import { UsersKnexRepository } from './infrastructure/users.knex-repository.js';
import { usersMigrations } from './migrations/users.migrations.js';

function registerUsers(context: ModuleContext): void {
  const { container } = context;
  container.registerSingleton(USERS_REPOSITORY, UsersKnexRepository);
  container.registerSingleton(PASSWORD_HASHER, ScryptPasswordHasher);
  container.registerSingleton(LOGIN_ATTEMPTS, LoginAttemptsKnexStore);
  container.registerSingleton(SigningKeysKnexRepository);
  container.registerSingleton(JoseAccessTokens);
  container.register(ACCESS_TOKENS, { useToken: JoseAccessTokens });
  container.registerSingleton(USERS_API, UsersApiService);
  // Every module of this process verifies tokens with the same published key set.
  context.expose(ACCESS_TOKEN_VERIFIER, (own) => own.resolve(JoseAccessTokens).verifier);
}

/** Accounts, passwords, access tokens (and the keys that sign them). */
export default defineModule({
  name: 'users',
  contract: usersContract,
  requires: [],
  migrations: usersMigrations,
  routes: usersRoutes,
  publishes: [USER_REGISTERED],
  subscriptions: [],
  register: registerUsers,
  async start(context) {
    await context.container.resolve(JoseAccessTokens).load();
    if (context.config.admin) {
      const outcome = await context.container.resolve(BootstrapAdminHandler).execute(context.config.admin);
      context.logger.info({ email: context.config.admin.email, outcome }, 'admin account ready');
    }
  },
  tasks: (context) => [
    housekeepingTask(context, [outboxSweep(context.db, context.config.outboxRetentionSeconds)]),
    // Without it every mistyped email ever tried would keep a row; harmless when instances sweep at once.
    {
      name: 'login-attempts-sweeper',
      everyMs: LOGIN_THROTTLE.windowMs,
      async run() {
        const deleted = await context.container.resolve(LOGIN_ATTEMPTS).purge(windowCutoff(new Date()));
        if (deleted > 0) context.logger.debug({ deleted }, 'purged ended login-throttling windows');
      },
    },
  ],
});
