/**
 * JavaScript evaluated first in every plugin context (inside the worker, before the plugin's bundle). It
 * removes the globals a plugin must not have, installs a buffered `console`, and defines the two entry points
 * the worker runs under vm's timeout:
 *
 *   __cmDefine(factory)  evaluates the CommonJS bundle and returns an envelope with its description;
 *   __cmCall()           calls the method named in `__cmIn` ("method\u0001argsJson") and returns an envelope.
 *
 * Envelope (always a primitive string): status char + (logs as JSON array, or nothing) + "\u0001" + payload.
 * Status: o = ok (payload JSON), u = ok/undefined, e = threw (payload message), b = bad result, n = no method.
 * JSON text never contains a raw U+0001, so the first U+0001 ends the logs.
 *
 * Everything the plugin can reach is created inside its own context: no host or worker object is ever passed
 * in, only the string in `__cmIn`. A plugin can tamper with its own intrinsics; that only breaks itself.
 */
export const PRELUDE_SOURCE = String.raw`(function () {
  'use strict';
  const g = globalThis;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const StringCtor = String;
  const ErrorCtor = Error;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const getOwnPropertyNames = Object.getOwnPropertyNames;
  const getPrototypeOf = Object.getPrototypeOf;
  const isArray = Array.isArray;
  const ObjectProto = Object.prototype;
  const FunctionProto = Function.prototype;
  const MAX_LOG_LINES = 20;
  const MAX_LOG_CHARS = 1000;
  const MAX_MESSAGE_CHARS = 2000;

  for (const name of ['SharedArrayBuffer', 'Atomics', 'WebAssembly', 'FinalizationRegistry', 'WeakRef']) {
    delete g[name];
  }

  let logs = [];
  let definition;

  const describe = (value) => {
    if (typeof value === 'string') return value;
    try {
      const text = stringify(value);
      return text === undefined ? StringCtor(value) : text;
    } catch {
      try { return StringCtor(value); } catch { return '[unprintable]'; }
    }
  };
  const clip = (text, max) => (text.length > max ? text.slice(0, max) + '…' : text);
  const logger = (level) => function () {
    if (logs.length >= MAX_LOG_LINES) return;
    let line = level;
    for (let i = 0; i < arguments.length; i++) line += ' ' + describe(arguments[i]);
    logs.push(clip(line, MAX_LOG_CHARS));
  };
  const console = { log: logger('log'), info: logger('log'), debug: logger('debug'), warn: logger('warn'), error: logger('error') };
  defineProperty(g, 'console', { value: console, writable: true, configurable: true, enumerable: false });

  const describeError = (error) => {
    try {
      if (error !== null && typeof error === 'object' && 'message' in error) {
        const name = typeof error.name === 'string' ? error.name : 'Error';
        return clip(name + ': ' + StringCtor(error.message), MAX_MESSAGE_CHARS);
      }
      return clip('threw a non-error value: ' + describe(error), MAX_MESSAGE_CHARS);
    } catch {
      return 'threw a value that cannot be described';
    }
  };
  const envelope = (status, payload) => status + (logs.length > 0 ? stringify(logs) : '') + '\u0001' + payload;

  const require = function require(name) {
    throw new ErrorCtor('require(' + stringify(describe(name)) + ') is not available in the plugin sandbox: server code must be a self-contained bundle');
  };

  const methodNames = (object) => {
    const names = [];
    if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return names;
    for (let p = object; p !== null && p !== ObjectProto && p !== FunctionProto; p = getPrototypeOf(p)) {
      for (const key of getOwnPropertyNames(p)) {
        if (key !== 'constructor' && !names.includes(key) && typeof object[key] === 'function') names.push(key);
      }
    }
    return names;
  };
  const describeDefinition = (def) => ({
    methods: methodNames(def),
    migrations: isArray(def.migrations) ? def.migrations.map((m) => ({ from: StringCtor(m && m.from), to: StringCtor(m && m.to) })) : [],
    importers: isArray(def.importers) ? def.importers.map((i) => ({ id: StringCtor(i && i.id), label: StringCtor(i && i.label) })) : [],
    actions: def.actions !== null && typeof def.actions === 'object' ? methodNames(def.actions) : [],
    hasGroupEventHandler: typeof def.onGroupEvent === 'function',
  });

  const define = function (factory) {
    try {
      const module = { exports: {} };
      apply(factory, module.exports, [module, module.exports, require]);
      const exported = module.exports;
      const isObject = exported !== null && (typeof exported === 'object' || typeof exported === 'function');
      const candidate = isObject && exported.default !== undefined ? exported.default : exported;
      if (candidate === null || (typeof candidate !== 'object' && typeof candidate !== 'function')) {
        throw new ErrorCtor('the bundle must export its definition (module.exports.default or module.exports)');
      }
      const description = stringify(describeDefinition(candidate));
      definition = candidate;
      return envelope('o', description);
    } catch (error) {
      return envelope('e', describeError(error));
    }
  };

  const FORBIDDEN = { __proto__: null, ['__proto__']: true, constructor: true, prototype: true };
  const resolve = (path) => {
    let owner;
    let target = definition;
    for (const segment of path.split('.')) {
      if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return undefined;
      if (FORBIDDEN[segment] === true || !(segment in target)) return undefined;
      owner = target;
      target = target[segment];
    }
    return typeof target === 'function' ? [owner, target] : undefined;
  };
  const replacer = function (key, value) {
    const type = typeof value;
    if (type === 'function' || type === 'symbol') {
      throw new ErrorCtor('the result contains a ' + type + (key === '' ? '' : ' at key ' + stringify(key)) + '; results must be plain JSON');
    }
    return value;
  };

  const call = function () {
    logs = [];
    try {
      const input = g.__cmIn;
      const cut = input.indexOf('\u0001');
      const method = input.slice(0, cut);
      const target = definition === undefined ? undefined : resolve(method);
      if (target === undefined) return envelope('n', 'the plugin has no method "' + method + '"');
      const args = parse(input.slice(cut + 1));
      let result;
      try {
        result = apply(target[1], target[0], args);
      } catch (error) {
        return envelope('e', describeError(error));
      }
      if (result === undefined) return envelope('u', '');
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        return envelope('b', 'the method returned a Promise; plugin methods must be synchronous');
      }
      let json;
      try {
        json = stringify(result, replacer);
      } catch (error) {
        return envelope('b', describeError(error));
      }
      return envelope('o', json);
    } catch (error) {
      return envelope('e', describeError(error));
    }
  };

  defineProperty(g, '__cmIn', { value: '', writable: true, configurable: false, enumerable: false });
  defineProperty(g, '__cmDefine', { value: define, writable: false, configurable: false, enumerable: false });
  defineProperty(g, '__cmCall', { value: call, writable: false, configurable: false, enumerable: false });
})();
`;
