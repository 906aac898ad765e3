/**
 * Entry point of the sandbox runtime, bundled by the host into one plain-JavaScript file (runner-file.ts): in
 * the child process's main thread it runs the supervisor, in the worker threads it runs the plugin worker.
 */
import { isMainThread } from 'node:worker_threads';
import { runSupervisor } from './supervisor.js';
import { runWorker } from './worker.js';

if (isMainThread) runSupervisor();
else runWorker();
