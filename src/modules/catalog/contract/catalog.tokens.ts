import type { InjectionToken } from 'tsyringe';
import type { CatalogApi } from './catalog.api.js';

export const CATALOG_API: InjectionToken<CatalogApi> = Symbol('CATALOG_API');
