// Fastify gives every request its own child logger, bound to the request id, before the request
// has logged anything. A pino child is a new logger object, and a route with its own log level
// (the decision and admission routes log only warnings) rebuilds every log method on it: about
// 8 µs of CPU per request under decision load, measured against the same build without a logger.
// Most requests on those routes never log. This factory hands Fastify a stand-in that makes the
// real child on the first call at a level that is enabled, so the output is the same and a request
// that logs nothing costs no logger.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export class LazyRequestLogger implements FastifyBaseLogger {
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: Logger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** Whether the child was made (the tests read it). */
  get materialized(): boolean {
    return this.#child !== undefined;
  }

  #real(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }

  /** The lowest level the child would write, as pino numbers them ('silent' and unknown names write nothing). */
  #threshold(): number {
    const own = this.#options.level;
    return own === undefined ? this.#parent.levelVal : (this.#parent.levels.values[own] ?? Infinity);
  }

  #enabled(level: LevelName): boolean {
    return (this.#parent.levels.values[level] ?? Infinity) >= this.#threshold();
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  trace(...args: Parameters<FastifyBaseLogger['trace']>): void { this.#log('trace', args); }
  debug(...args: Parameters<FastifyBaseLogger['debug']>): void { this.#log('debug', args); }
  info(...args: Parameters<FastifyBaseLogger['info']>): void { this.#log('info', args); }
  warn(...args: Parameters<FastifyBaseLogger['warn']>): void { this.#log('warn', args); }
  error(...args: Parameters<FastifyBaseLogger['error']>): void { this.#log('error', args); }
  fatal(...args: Parameters<FastifyBaseLogger['fatal']>): void { this.#log('fatal', args); }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  #log(level: LevelName, args: unknown[]): void {
    // Once made, the child decides (its level may have been changed through the setter).
    if (this.#child === undefined && !this.#enabled(level)) return;
    (this.#real()[level] as (...a: unknown[]) => void)(...args);
  }
}

/**
 * Fastify's `childLoggerFactory`: a LazyRequestLogger per request. With `logger: false` Fastify's
 * logger is a no-op object whose child is itself, and that is what it gets back.
 */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const parent = logger as unknown as Partial<Logger>;
  if (parent.levels === undefined || parent.levelVal === undefined) return logger.child(bindings, options);
  return new LazyRequestLogger(logger as unknown as Logger, bindings, options);
}
