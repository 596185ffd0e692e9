import type { IConfiguration } from 'dependency-cruiser';

/** Each platform folder and the platform folders it may import besides the kernel. */
export declare const PLATFORM_ARROWS: Record<string, string[]>;
declare const configuration: IConfiguration;
export default configuration;
