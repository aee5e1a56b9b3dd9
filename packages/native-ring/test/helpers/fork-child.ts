import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const TSX_LOADER = require.resolve('tsx');

/** A child process running one of test/children/*.ts from TypeScript source, with IPC. */
export interface Child {
  readonly process: ChildProcess;
  /** The next IPC message whose `type` is `type`. */
  next<T extends { type: string }>(type: string, timeoutMs?: number): Promise<T>;
  /** Sends an IPC message. */
  send(message: unknown): void;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited(): Promise<number | string>;
}

/**
 * Forks `test/children/<script>.ts` under tsx with the source-first export condition, so it runs
 * the package's TypeScript directly.
 */
export function forkChild(script: string, args: readonly string[]): Child {
  const path = fileURLToPath(new URL(`../children/${script}.ts`, import.meta.url));
  const child = fork(path, [...args], {
    execArgv: ['--import', TSX_LOADER, '--conditions=@quantkubera/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queue: { type: string }[] = [];
  const waiters: { type: string; resolve: (m: { type: string }) => void }[] = [];
  child.on('message', (raw) => {
    const message = raw as { type: string };
    const i = waiters.findIndex((w) => w.type === message.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(message);
    else queue.push(message);
  });
  const exit = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    process: child,
    next<T extends { type: string }>(type: string, timeoutMs = 60_000): Promise<T> {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script}: no '${type}' message in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const onExit = (code: number | null, signal: string | null): void => {
          clearTimeout(timer);
          reject(new Error(`${script} exited (${code ?? signal}) before sending '${type}'`));
        };
        child.once('exit', onExit);
        waiters.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            child.off('exit', onExit);
            resolve(m as T);
          },
        });
      });
    },
    send(message: unknown): void {
      child.send(message as never);
    },
    exited: () => exit,
  };
}

let counter = 0;

/** A ring name unique to this process and call. */
export function uniqueRingName(what: string): string {
  counter++;
  return `test-${what}-${process.pid}-${counter}`;
}

/**
 * Starts `test/children/<script>.ts` in a worker thread, running TypeScript through tsx's
 * register API (a worker does not inherit the parent's loaders) with the source-first condition.
 */
export function startWorker(script: string, workerData: unknown): Worker {
  const api = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const entry = new URL(`../children/${script}.ts`, import.meta.url).href;
  const bootstrap = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(entry)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    workerData,
    execArgv: ['--conditions=@quantkubera/source'],
  });
}
