import { defineModule } from '../../platform/module.js';

// Placeholder until the module is implemented.
export default defineModule({ name: 'users', requires: [], migrations: [], routes: [], publishes: [], subscriptions: [], register() {} });
