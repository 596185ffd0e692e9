import { describePayments } from './payments.suite.js';

describePayments('SQLite', async () => ({ env: {}, cleanup: async () => undefined }));
