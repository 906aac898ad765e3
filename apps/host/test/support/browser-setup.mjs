// Jest global setup of the browser project (see services.mjs).
export { setUpBrowserServices as default } from './services.mjs';
