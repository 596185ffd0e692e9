import { defineModule } from '../../platform/module.js';

// Placeholder until the module is implemented.
export default defineModule({ name: 'notifications', requires: [], migrations: [], routes: [], publishes: [], subscriptions: [], register() {} });
