// Jest global setup of the integration project (see services.mjs).
export { setUpTestServices as default } from './services.mjs';
