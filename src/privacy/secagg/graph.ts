import { prgWords } from './prg.js';

/**
 * The neighbour graph of SecAgg+ (Bell et al. 2020, section 3.2): a Harary graph H(n, k) — node i
 * joined to i±1 … i±k/2 around a ring — whose node labels are a uniformly random permutation of the
 * participants. Every node has degree exactly k; for n <= k + 1 the graph is complete (degree n - 1).
 * The permutation is drawn from a 256-bit seed, so anyone holding the seed and the sorted id list
 * can recompute and check the graph.
 */
export function neighbourGraph(ids: readonly string[], k: number, seed: Uint8Array): Map<string, string[]> {
  const sorted = [...new Set(ids)].sort();
  const n = sorted.length;
  const graph = new Map<string, string[]>();
  if (n <= k + 1) {
    for (const id of sorted) graph.set(id, sorted.filter((o) => o !== id));
    return graph;
  }
  const order = permute(sorted, seed);
  const half = k / 2;
  for (let i = 0; i < n; i++) {
    const peers: string[] = [];
    for (let d = 1; d <= half; d++) peers.push(order[(i + d) % n], order[(i - d + n) % n]);
    graph.set(order[i], peers.sort());
  }
  return graph;
}

/** Fisher–Yates with unbiased indices (rejection sampling) from the ChaCha20 stream of `seed`. */
function permute(items: readonly string[], seed: Uint8Array): string[] {
  const out = [...items];
  // 4n words are far more than the rejections can use up (each rejection has probability < 1/2).
  const words = prgWords(seed, 4 * out.length + 64);
  let w = 0;
  const next = (): number => {
    if (w >= words.length) throw new RangeError('neighbour graph: random stream exhausted');
    return words[w++];
  };
  for (let i = out.length - 1; i > 0; i--) {
    const bound = i + 1;
    const limit = 2 ** 32 - (2 ** 32 % bound);
    let r = next();
    while (r >= limit) r = next();
    const j = r % bound;
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
