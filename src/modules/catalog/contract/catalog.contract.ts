import { defineContract } from '../../../platform/rpc/contract.js';
import { CATALOG_ERRORS } from './catalog.errors.js';
import { catalogOperations } from './catalog.operations.js';
import { CATALOG_API } from './catalog.tokens.js';

/** What the host needs to serve this module's API to other processes, or to call it remotely. */
export const catalogContract = defineContract('catalog', CATALOG_API, catalogOperations, CATALOG_ERRORS);
