// Streaming splitter for large JSON SBOMs: the top-level object is cut into members, and the
// arrays under `splitKeys` (CycloneDX `components`, SPDX `packages`, ...) into single elements,
// so a 50 MB document never exists as one JSON.parse tree. Each piece is still decoded by
// JSON.parse, which stays the only authority on what valid JSON is; the scanner only has to
// find where values start and end.
//
// Why scanning raw bytes is safe: every structural character is ASCII and every byte of a
// multi-byte UTF-8 sequence is >= 0x80, so no part of a non-ASCII character can look like a
// quote, bracket or comma, and a chunk boundary inside such a sequence needs no special care.
//
// Contract for consumers:
// - Duplicate top-level keys are not merged: every occurrence is emitted, in document order
//   (JSON.parse would keep only the last one). A split key seen twice restarts `index` at 0.
// - A key in `splitKeys` whose value is not an array arrives as an ordinary 'member', so the
//   consumer can report it; check `splitKeys.has(segment.key)`.
// - Keys are arbitrary strings, `__proto__` included: never assign them onto a plain object.
// - After any throw (from the scanner or from `onSegment`) the scanner is dead: every further
//   call rethrows the same error.
import { isUtf8 } from 'node:buffer';

export type JsonSegment =
  | { kind: 'member'; key: string; value: unknown }
  | { kind: 'element'; key: string; index: number; value: unknown }
  /**
   * A split array closed after `length` elements. Without it an empty array would be
   * indistinguishable from an absent key, and a consumer could not tell when a list is complete.
   */
  | { kind: 'array-end'; key: string; length: number };

export type JsonSegmentErrorReason =
  | 'truncated' // the document ended early (only `end()` throws this)
  | 'syntax' // malformed JSON, between values or inside one (then `offset` is the value's start)
  | 'not-object' // the top level is not an object
  | 'too-deep' // a value nests deeper than `maxDepth`; `offset` is the bracket that crossed it
  | 'encoding'; // a key or value is not valid UTF-8; `offset` is its start

export class JsonSegmentError extends Error {
  override readonly name = 'JsonSegmentError';
  constructor(
    readonly reason: JsonSegmentErrorReason,
    /** Byte offset in the whole document (a leading BOM counts). */
    readonly offset: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (byte ${offset})`, options);
  }
}

export interface JsonSegmentScannerOptions {
  /**
   * Deepest `[`/`{` nesting allowed inside one emitted value (a split element or a member value;
   * `{"a":[1]}` as a value has depth 2). Keeps hostile input away from JSON.parse and from the
   * consumer's own recursion.
   */
  maxDepth?: number;
  /**
   * Delimit the elements of split arrays without decoding them: no `element` segments, only
   * `array-end`. For a first pass that only wants a document's header; errors inside a skipped
   * element are left to the pass that decodes it.
   */
  skipElements?: boolean;
}

export const DEFAULT_MAX_DEPTH = 10_000;

// Parser states between values. Plain numbers keep the hot switch monomorphic.
const START = 0; // before the top-level '{' (a BOM may come first)
const BOM = 1; // inside the 3-byte UTF-8 BOM
const FIRST_KEY = 2; // after '{': a key or '}'
const NEXT_KEY = 3; // after ',': a key only (so a trailing comma is an error)
const COLON = 4;
const VALUE = 5; // after ':'
const AFTER_MEMBER = 6; // ',' or '}'
const FIRST_ELEMENT = 7; // after the '[' of a split array: an element or ']'
const NEXT_ELEMENT = 8; // after ',' in a split array: an element only
const AFTER_ELEMENT = 9; // ',' or ']'
const DONE = 10; // after the closing '}': whitespace only
const CAPTURE = 11; // inside a key or value whose bytes are being collected

// What CAPTURE is collecting and how its end is found.
const KEY = 0;
const MEMBER = 1;
const ELEMENT = 2;
const STRING = 0; // ends at the closing quote
const CONTAINER = 1; // ends when the bracket depth returns to 0
const SCALAR = 2; // number or literal: ends before the next delimiter, which is not consumed

const BOM_BYTES = [0xef, 0xbb, 0xbf];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON_CHAR = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export class JsonSegmentScanner {
  private readonly maxDepth: number;
  private readonly skipElements: boolean;
  private state = START;
  private failure: unknown = undefined;
  private ended = false;
  /** Document offset of byte 0 of the current chunk. */
  private base = 0;
  private bomSeen = 0;

  private key = '';
  private index = 0; // next element index of the split array in progress

  // The capture in progress.
  private target = KEY;
  private mode = STRING;
  private start = 0; // where it starts in the current chunk (0 once it spans chunks)
  private startOffset = 0; // where it starts in the document, for error offsets
  private pieces: Buffer[] = [];
  private depth = 0;
  private inString = false;
  /** The previous chunk ended inside a string on an odd run of backslashes: its first byte is escaped. */
  private escapeNext = false;

  constructor(
    private readonly splitKeys: ReadonlySet<string>,
    private readonly onSegment: (segment: JsonSegment) => void,
    options: JsonSegmentScannerOptions = {},
  ) {
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`maxDepth must be an integer >= 1, got ${maxDepth}`);
    this.maxDepth = maxDepth;
    this.skipElements = options.skipElements ?? false;
  }

  /** Feeds the next bytes; emits every segment they complete. Chunk boundaries may fall anywhere. */
  write(chunk: Uint8Array): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) throw new Error('JsonSegmentScanner: write after end');
    if (chunk.length === 0) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      this.scan(buf);
    } catch (e) {
      this.failure = e;
      throw e;
    }
    this.base += buf.length;
  }

  /** Declares the document complete; throws 'truncated' unless the top-level object was closed. */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return;
    if (this.state !== DONE) {
      const what = this.state === START && this.base === 0 ? 'document is empty' : 'document ended before the top-level object was closed';
      this.failure = new JsonSegmentError('truncated', this.base, what);
      throw this.failure;
    }
    this.ended = true;
  }

  private scan(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    if (this.state === CAPTURE) this.start = 0;
    while (i < n) {
      if (this.state === CAPTURE) {
        const end = this.mode === STRING ? this.stringEnd(buf, i) : this.mode === CONTAINER ? this.containerEnd(buf, i) : this.scalarEnd(buf, i);
        if (end < 0) break;
        this.finishCapture(buf, end);
        i = end;
        continue;
      }
      const b = buf[i]!;
      if (isWhitespace(b) && this.state !== BOM) {
        i++;
        continue;
      }
      i = this.structural(buf, i, b);
    }
    if (this.state === CAPTURE && this.start < n) {
      // Copy rather than keep a view: a view would pin the caller's whole chunk (and break if
      // the caller reuses its read buffer).
      if (!(this.skipElements && this.target === ELEMENT)) this.pieces.push(Buffer.from(buf.subarray(this.start)));
    }
  }

  /** Handles one non-whitespace byte between values; returns where scanning resumes. */
  private structural(buf: Buffer, i: number, b: number): number {
    const offset = this.base + i;
    switch (this.state) {
      case START:
        if (b === BOM_BYTES[0] && offset === 0) {
          this.state = BOM;
          this.bomSeen = 1;
          return i + 1;
        }
        if (b !== OPEN_BRACE) throw new JsonSegmentError('not-object', offset, 'top-level value is not an object');
        this.state = FIRST_KEY;
        return i + 1;
      case BOM:
        if (b !== BOM_BYTES[this.bomSeen]) throw new JsonSegmentError('not-object', offset, 'top-level value is not an object (broken byte order mark)');
        if (++this.bomSeen === BOM_BYTES.length) this.state = START;
        return i + 1;
      case FIRST_KEY:
      case NEXT_KEY:
        if (b === QUOTE) {
          this.beginCapture(i, KEY, STRING);
          return i + 1;
        }
        if (b === CLOSE_BRACE && this.state === FIRST_KEY) {
          this.state = DONE;
          return i + 1;
        }
        throw new JsonSegmentError('syntax', offset, b === CLOSE_BRACE ? 'trailing comma in the top-level object' : 'expected a member key');
      case COLON:
        if (b !== COLON_CHAR) throw new JsonSegmentError('syntax', offset, `expected ':' after key ${JSON.stringify(this.key)}`);
        this.state = VALUE;
        return i + 1;
      case VALUE:
        if (b === OPEN_BRACKET && this.splitKeys.has(this.key)) {
          this.index = 0;
          this.state = FIRST_ELEMENT;
          return i + 1;
        }
        return this.beginValue(i, b, MEMBER);
      case AFTER_MEMBER:
        if (b === COMMA) this.state = NEXT_KEY;
        else if (b === CLOSE_BRACE) this.state = DONE;
        else throw new JsonSegmentError('syntax', offset, "expected ',' or '}' after a member");
        return i + 1;
      case FIRST_ELEMENT:
        if (b === CLOSE_BRACKET) {
          this.closeArray();
          return i + 1;
        }
        return this.beginValue(i, b, ELEMENT);
      case NEXT_ELEMENT:
        if (b === CLOSE_BRACKET) throw new JsonSegmentError('syntax', offset, `trailing comma in ${JSON.stringify(this.key)}`);
        return this.beginValue(i, b, ELEMENT);
      case AFTER_ELEMENT:
        if (b === COMMA) this.state = NEXT_ELEMENT;
        else if (b === CLOSE_BRACKET) this.closeArray();
        else throw new JsonSegmentError('syntax', offset, `expected ',' or ']' after element ${this.index - 1} of ${JSON.stringify(this.key)}`);
        return i + 1;
      case DONE:
        throw new JsonSegmentError('syntax', offset, 'unexpected data after the top-level object');
      default:
        throw new Error(`JsonSegmentScanner: unreachable state ${this.state}`);
    }
  }

  private beginValue(i: number, b: number, target: number): number {
    if (b === COMMA || b === COLON_CHAR || b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      throw new JsonSegmentError('syntax', this.base + i, 'expected a value');
    }
    if (b === QUOTE) {
      this.beginCapture(i, target, STRING);
      return i + 1;
    }
    if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      this.beginCapture(i, target, CONTAINER);
      this.depth = 1;
      return i + 1;
    }
    // Anything else is taken as a number or literal; JSON.parse rejects it if it is neither.
    this.beginCapture(i, target, SCALAR);
    return i;
  }

  private beginCapture(i: number, target: number, mode: number): void {
    this.state = CAPTURE;
    this.target = target;
    this.mode = mode;
    this.start = i;
    this.startOffset = this.base + i;
    this.inString = false;
    this.escapeNext = false;
  }

  /** Index just past the closing quote of the string being captured, or -1 if not in this chunk. */
  private stringEnd(buf: Buffer, i: number): number {
    const q = this.closingQuote(buf, i);
    return q < 0 ? -1 : q + 1;
  }

  private containerEnd(buf: Buffer, i: number): number {
    const n = buf.length;
    if (this.inString) {
      const q = this.closingQuote(buf, i);
      if (q < 0) return -1;
      this.inString = false;
      i = q + 1;
    }
    while (i < n) {
      const b = buf[i]!;
      if (b === QUOTE) {
        const q = this.closingQuote(buf, i + 1);
        if (q < 0) {
          this.inString = true;
          return -1;
        }
        i = q + 1;
        continue;
      }
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (++this.depth > this.maxDepth) {
          throw new JsonSegmentError('too-deep', this.base + i, `value of ${JSON.stringify(this.key)} nests deeper than ${this.maxDepth}`);
        }
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        // Mismatched pairs like `[}` balance here too; JSON.parse of the value rejects them.
        if (--this.depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }

  private scalarEnd(buf: Buffer, i: number): number {
    const n = buf.length;
    while (i < n) {
      const b = buf[i]!;
      if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || isWhitespace(b)) return i;
      i++;
    }
    return -1;
  }

  /**
   * Index of the quote ending the string whose content continues at `i`, or -1 if this chunk
   * ends first. A quote is escaped iff an odd run of backslashes precedes it; a run cut by the
   * chunk boundary is carried over as `escapeNext`, so the run never has to be re-read.
   */
  private closingQuote(buf: Buffer, i: number): number {
    const n = buf.length;
    if (this.escapeNext) {
      if (i >= n) return -1;
      this.escapeNext = false;
      i++;
    }
    // Nothing before `from` can extend a backslash run: it is the opening quote, an escaped byte
    // already accounted for, or the start of the chunk with an even (cancelled) carried-over run.
    const from = i;
    for (;;) {
      const q = buf.indexOf(QUOTE, i);
      if (q < 0) {
        let k = n - 1;
        while (k >= from && buf[k] === BACKSLASH) k--;
        this.escapeNext = ((n - 1 - k) & 1) === 1;
        return -1;
      }
      let k = q - 1;
      while (k >= from && buf[k] === BACKSLASH) k--;
      if (((q - 1 - k) & 1) === 0) return q;
      i = q + 1;
    }
  }

  private finishCapture(buf: Buffer, end: number): void {
    if (this.skipElements && this.target === ELEMENT) {
      this.state = AFTER_ELEMENT;
      this.index++;
      return;
    }
    const tail = buf.subarray(this.start, end);
    let bytes = tail;
    if (this.pieces.length > 0) {
      this.pieces.push(tail);
      bytes = Buffer.concat(this.pieces);
      this.pieces = [];
    }
    const value = this.decode(bytes);
    switch (this.target) {
      case KEY:
        // decode() ran JSON.parse on a quoted string, so the result is a string.
        this.key = value as string;
        this.state = COLON;
        return;
      case MEMBER:
        this.state = AFTER_MEMBER;
        this.onSegment({ kind: 'member', key: this.key, value });
        return;
      default:
        this.state = AFTER_ELEMENT;
        this.onSegment({ kind: 'element', key: this.key, index: this.index++, value });
    }
  }

  private closeArray(): void {
    this.state = AFTER_MEMBER;
    this.onSegment({ kind: 'array-end', key: this.key, length: this.index });
  }

  private decode(bytes: Buffer): unknown {
    // Buffer#toString would silently turn invalid UTF-8 into U+FFFD; the document should be
    // rejected instead, as detect.ts does for the non-streaming path.
    if (!isUtf8(bytes)) throw new JsonSegmentError('encoding', this.startOffset, 'invalid UTF-8');
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      const what = this.target === KEY ? 'invalid member key' : `invalid JSON in ${this.target === ELEMENT ? `element ${this.index} of` : 'the value of'} ${JSON.stringify(this.key)}`;
      throw new JsonSegmentError('syntax', this.startOffset, `${what}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** One-shot form for a document already in memory: one write, then end. */
export function scanJsonSegments(
  bytes: Uint8Array,
  splitKeys: ReadonlySet<string>,
  onSegment: (segment: JsonSegment) => void,
  options?: JsonSegmentScannerOptions,
): void {
  const scanner = new JsonSegmentScanner(splitKeys, onSegment, options);
  scanner.write(bytes);
  scanner.end();
}
