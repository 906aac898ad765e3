import { describe, expect, it } from '@jest/globals';
import { TaskQueue } from './task-queue.js';

function recordingLogger() {
  const errors: string[] = [];
  return { errors, logger: { error: (message: unknown) => void errors.push(String(message)), warn: () => undefined } };
}

describe(TaskQueue.name, () => {
  it('runs tasks after the current turn, in order, and resolves idle() when all are done', async () => {
    const { logger } = recordingLogger();
    const queue = new TaskQueue(logger, 1);
    const ran: number[] = [];
    queue.push('one', async () => void ran.push(1));
    queue.push('two', async () => void ran.push(2));
    expect(ran).toEqual([]);
    expect(queue.size).toBe(2);
    await queue.idle();
    expect(ran).toEqual([1, 2]);
    expect(queue.size).toBe(0);
  });

  it('logs a failing task and keeps going', async () => {
    const { logger, errors } = recordingLogger();
    const queue = new TaskQueue(logger);
    let after = false;
    queue.push('broken', () => Promise.reject(new Error('smtp down')));
    queue.push('next', async () => void (after = true));
    await queue.idle();
    expect(errors).toEqual(['Task "broken" failed: smtp down']);
    expect(after).toBe(true);
  });

  it('drops and logs tasks beyond its capacity', async () => {
    const { logger, errors } = recordingLogger();
    const queue = new TaskQueue(logger, 1, 1);
    queue.push('kept', async () => undefined);
    queue.push('dropped', async () => undefined);
    expect(errors).toEqual(['Task queue full (1): dropped "dropped"']);
    await queue.idle();
  });
});
