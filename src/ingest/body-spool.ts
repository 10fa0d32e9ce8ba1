// An upload body, received as a stream and kept off the heap: small bodies stay in memory, larger
// ones spill to a private temporary file. Hashing, gzip decoding and the size limits happen while
// the bytes arrive, so a 50 MB SBOM never exists as one Buffer (nor as a Buffer plus its gunzipped
// copy) unless a consumer asks for it.
import { createHash } from 'node:crypto';
import { mkdtemp, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BodyError, badGzip, declaresGzip, isGzip, sha256Digest, tooLarge } from './body.ts';
import { collectGarbage } from '../platform/gc.ts';

/** Bodies up to this size stay in memory; beyond it they go to a temporary file. */
export const DEFAULT_SPILL_BYTES = 8 * 1024 * 1024;
/** Name prefix of the spool directories (sweepStaleSpools removes leftovers). */
const SPOOL_PREFIX = 'attestant-upload-';
/** Size of the reads when a spilled body is consumed. */
const READ_CHUNK_BYTES = 1024 * 1024;

export interface SpoolOptions {
  /** The request's Content-Encoding (gzip is also recognised by its magic bytes). */
  contentEncoding?: string;
  /** Maximum size in bytes, of the body as sent and of the body decompressed. */
  limit: number;
  spillBytes?: number;
  tmpDir?: string;
}

export class SpooledBody {
  private constructor(
    readonly size: number,
    /** sha256:<hex> of the (decompressed) bytes. */
    readonly digest: string,
    private memory: Buffer | undefined,
    private readonly file: { dir: string; handle: FileHandle } | undefined,
  ) {}

  static fromBuffer(bytes: Buffer): SpooledBody {
    return new SpooledBody(bytes.length, sha256Digest(bytes), bytes, undefined);
  }

  /** Consumes `stream`; rejects with BodyError (413 beyond the limit, 400 for bad gzip). */
  static async fromStream(stream: Readable, opts: SpoolOptions): Promise<SpooledBody> {
    let gzip: boolean;
    try {
      gzip = declaresGzip(opts.contentEncoding);
    } catch (err) {
      stream.resume();
      throw err;
    }
    const spill = opts.spillBytes ?? DEFAULT_SPILL_BYTES;
    const hash = createHash('sha256');
    let size = 0;
    let parts: Buffer[] = [];
    let file: { dir: string; handle: FileHandle } | undefined;
    let spilledAt = 0;

    const accept = async (chunk: Buffer): Promise<void> => {
      size += chunk.length;
      if (size > opts.limit) throw tooLarge(gzip ? 'decompressed body' : 'request body');
      hash.update(chunk);
      if (file) {
        await file.handle.write(chunk);
        // Socket chunks are off-heap and V8 collects them only after tens of megabytes: reclaim
        // them as a large upload goes by so they do not add up to the body's size.
        if ((size - spilledAt) >= spill) {
          spilledAt = size;
          collectGarbage();
        }
        return;
      }
      parts.push(chunk);
      if (size > spill) {
        const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), SPOOL_PREFIX));
        file = { dir, handle: await open(join(dir, 'body'), 'w+', 0o600) };
        for (const p of parts) await file.handle.write(p);
        parts = [];
        spilledAt = size;
      }
    };

    let raw = 0;
    const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    let gunzip: ReturnType<typeof createGunzip> | undefined;
    try {
      const first = await it.next();
      if (!first.done && !gzip) gzip = isGzip(first.value);
      async function* rawChunks(): AsyncGenerator<Buffer> {
        for (let r = first; !r.done; r = await it.next()) {
          raw += r.value.length;
          if (raw > opts.limit) throw tooLarge('request body');
          yield r.value;
        }
      }
      let decoded: AsyncIterable<Buffer> = rawChunks();
      if (gzip) {
        const g = (gunzip = createGunzip());
        const src = Readable.from(decoded);
        src.once('error', (e) => g.destroy(e));
        decoded = src.pipe(g);
      }
      for await (const chunk of decoded) await accept(chunk);
    } catch (err) {
      stream.resume();
      gunzip?.destroy();
      if (file) await file.handle.close().catch(() => {}).then(() => rm(file!.dir, { recursive: true, force: true }));
      if (err instanceof BodyError) throw err;
      const code = (err as { code?: string }).code;
      if (code?.startsWith('Z_')) throw badGzip(err);
      // The client went away mid-upload: nobody will read the answer, but it is not our fault.
      if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
        throw new BodyError('BAD_REQUEST', 'The request body ended before its declared length.');
      }
      throw err;
    }
    const digest = `sha256:${hash.digest('hex')}`;
    return new SpooledBody(size, digest, file ? undefined : Buffer.concat(parts, size), file);
  }

  get inMemory(): boolean {
    return this.memory !== undefined;
  }

  /** The whole body as one Buffer (read from the file when it spilled). */
  async buffer(): Promise<Buffer> {
    if (this.memory) return this.memory;
    const buf = Buffer.allocUnsafe(this.size);
    let off = 0;
    while (off < this.size) {
      const { bytesRead } = await this.file!.handle.read(buf, off, this.size - off, off);
      if (bytesRead === 0) throw new Error('spooled upload is shorter than recorded');
      off += bytesRead;
    }
    return buf;
  }

  /** The body in order, in chunks of at most `chunkBytes`; each chunk is valid until the next is requested. */
  async *chunks(chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<Buffer> {
    if (this.memory) {
      for (let off = 0; off < this.size; off += chunkBytes) yield this.memory.subarray(off, Math.min(this.size, off + chunkBytes));
      return;
    }
    const buf = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(1, this.size)));
    for (let off = 0; off < this.size;) {
      const { bytesRead } = await this.file!.handle.read(buf, 0, Math.min(buf.length, this.size - off), off);
      if (bytesRead === 0) throw new Error('spooled upload is shorter than recorded');
      off += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  }

  /** The first `n` bytes (fewer if the body is shorter). */
  async head(n: number): Promise<Buffer> {
    if (this.memory) return this.memory.subarray(0, n);
    const buf = Buffer.alloc(Math.min(n, this.size));
    const { bytesRead } = await this.file!.handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  }

  async dispose(): Promise<void> {
    this.memory = undefined;
    if (this.file) {
      await this.file.handle.close().catch(() => {});
      await rm(this.file.dir, { recursive: true, force: true });
    }
  }
}

/**
 * Removes spool directories a killed process left behind (a live upload never stays this long).
 * Returns how many were removed. Errors are ignored: another process may be sweeping too.
 */
export async function sweepStaleSpools(dir = tmpdir(), olderThanMs = 60 * 60 * 1000, now = Date.now()): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(SPOOL_PREFIX)) continue;
    const path = join(dir, name);
    try {
      if (now - (await stat(path)).mtimeMs < olderThanMs) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    } catch { /* gone already */ }
  }
  return removed;
}
