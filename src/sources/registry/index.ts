export { registryDigest } from './digest.js';
export { RegistryError } from './errors.js';
export { openRegistryImage, registryImage } from './open.js';
