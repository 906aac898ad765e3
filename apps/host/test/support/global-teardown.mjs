// Jest global teardown of the integration and browser projects (see services.mjs).
export { tearDownTestServices as default } from './services.mjs';
