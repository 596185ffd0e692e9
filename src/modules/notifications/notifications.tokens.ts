import type { InjectionToken } from 'tsyringe';
import type { Logger } from '../../platform/logger.js';

/** The module's logger (a child of the process logger, tagged `module: notifications`). */
export const NOTIFICATIONS_LOGGER: InjectionToken<Logger> = Symbol('NOTIFICATIONS_LOGGER');
