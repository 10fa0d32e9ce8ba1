// A growable Int32Array: the graph of a 100k-component SBOM as integers costs a few megabytes,
// where arrays of objects or string pairs cost tens.
export class IntList {
  #a: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.#a = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.#a.length) {
      const b = new Int32Array(this.#a.length * 2);
      b.set(this.#a);
      this.#a = b;
    }
    this.#a[this.length++] = v;
  }
  get(i: number): number {
    return this.#a[i]!;
  }
  set(i: number, v: number): void {
    this.#a[i] = v;
  }
  /** A view of the current contents (invalidated by the next push that grows the list). */
  view(): Int32Array {
    return this.#a.subarray(0, this.length);
  }
}
