/**
 * An independent check of the redistribution LP's optimum (issue 13 item 8), sharing no code with the
 * planner or HiGHS: the highest lowest coverage by bisection over a max-flow feasibility test, and the
 * least transport at that coverage by a min-cost flow (successive shortest paths, Bellman–Ford).
 *
 * Network for a coverage t: source → u (cap max(0, b_u)), u → sink (cap max(0, −b_u)) with
 * b_u = stock_u − t·demand_u for locations in the max-min (else stock_u), u → u' (cap what u may give:
 * eligible stock, and stock above its floor), u' → v for each allowed arc (uncapped, cost km).
 * Coverage t is reachable iff the max flow saturates every sink arc.
 */

export interface CheckLocation {
  id: string;
  kind: string;
  demandPerDay: number;
  floorDays: number;
  stock: { expiry: string; quantity: number }[];
}

export interface CheckInstance {
  transferDate: string;
  minRemainingShelfLifeDays: number;
  locations: CheckLocation[];
  arcs: { from: string; to: string; distanceKm: number }[];
}

// R3's pairs, written out again on purpose (not imported from the domain).
const ALLOWED = new Set([
  'community_pharmacy>community_pharmacy',
  'hospital_pharmacy>community_pharmacy',
  'community_pharmacy>hospital_pharmacy',
  'hospital_pharmacy>hospital_pharmacy',
]);

interface Edge {
  to: number;
  cap: number;
  cost: number;
  rev: number;
}

class Network {
  readonly g: Edge[][];
  constructor(n: number) {
    this.g = Array.from({ length: n }, () => []);
  }
  add(a: number, b: number, cap: number, cost = 0): void {
    this.g[a]!.push({ to: b, cap, cost, rev: this.g[b]!.length });
    this.g[b]!.push({ to: a, cap: 0, cost: -cost, rev: this.g[a]!.length - 1 });
  }
}

const EPS = 1e-9;

function maxFlow(net: Network, s: number, z: number): number {
  let total = 0;
  for (;;) {
    const prev: ([number, number] | null)[] = net.g.map(() => null);
    const queue = [s];
    const seen = net.g.map(() => false);
    seen[s] = true;
    while (queue.length && !seen[z]) {
      const u = queue.shift()!;
      net.g[u]!.forEach((e, i) => {
        if (!seen[e.to] && e.cap > EPS) {
          seen[e.to] = true;
          prev[e.to] = [u, i];
          queue.push(e.to);
        }
      });
    }
    if (!seen[z]) return total;
    let push = Infinity;
    for (let v = z; v !== s; v = prev[v]![0]) push = Math.min(push, net.g[prev[v]![0]]![prev[v]![1]]!.cap);
    for (let v = z; v !== s; v = prev[v]![0]) {
      const e = net.g[prev[v]![0]]![prev[v]![1]]!;
      e.cap -= push;
      net.g[e.to]![e.rev]!.cap += push;
    }
    total += push;
  }
}

function minCostFlow(net: Network, s: number, z: number, want: number): { flow: number; cost: number } {
  let flow = 0;
  let cost = 0;
  while (flow < want - EPS) {
    const dist = net.g.map(() => Infinity);
    const prev: ([number, number] | null)[] = net.g.map(() => null);
    dist[s] = 0;
    for (let round = 0; round < net.g.length; round++) {
      let changed = false;
      net.g.forEach((edges, u) => {
        if (dist[u] === Infinity) return;
        edges.forEach((e, i) => {
          if (e.cap > EPS && dist[u]! + e.cost < dist[e.to]! - 1e-12) {
            dist[e.to] = dist[u]! + e.cost;
            prev[e.to] = [u, i];
            changed = true;
          }
        });
      });
      if (!changed) break;
    }
    if (dist[z] === Infinity) break;
    let push = want - flow;
    for (let v = z; v !== s; v = prev[v]![0]) push = Math.min(push, net.g[prev[v]![0]]![prev[v]![1]]!.cap);
    for (let v = z; v !== s; v = prev[v]![0]) {
      const e = net.g[prev[v]![0]]![prev[v]![1]]!;
      e.cap -= push;
      net.g[e.to]![e.rev]!.cap += push;
    }
    flow += push;
    cost += push * dist[z]!;
  }
  return { flow, cost };
}

function daysFrom(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}

/** The expected optimum: highest lowest coverage (null when no location counts) and least transport there. */
export function independentOptimum(instance: CheckInstance): {
  lowestCoverage: number | null;
  transport: number;
} {
  const locs = instance.locations;
  const index = new Map(locs.map((l, i) => [l.id, i]));
  const give = locs.map((l) => {
    const total = l.stock.reduce((s, b) => s + b.quantity, 0);
    const eligible = l.stock
      .filter((b) => daysFrom(instance.transferDate, b.expiry) >= instance.minRemainingShelfLifeDays)
      .reduce((s, b) => s + b.quantity, 0);
    return Math.max(0, Math.min(eligible, total - l.floorDays * l.demandPerDay));
  });
  const arcs = instance.arcs.filter((a) => {
    const from = locs[index.get(a.from)!]!;
    const to = locs[index.get(a.to)!]!;
    return ALLOWED.has(`${from.kind}>${to.kind}`) && give[index.get(a.from)!]! > 0 && to.demandPerDay > 0;
  });
  const touched = new Set(arcs.flatMap((a) => [a.from, a.to]));
  const counted = locs.map((l) => l.demandPerDay > 0 && touched.has(l.id));
  if (!counted.some(Boolean) || arcs.length === 0) return { lowestCoverage: null, transport: 0 };
  const stock = locs.map((l) => l.stock.reduce((s, b) => s + b.quantity, 0));
  const n = locs.length;
  const S = 2 * n;
  const Z = 2 * n + 1;
  const network = (t: number) => {
    const net = new Network(2 * n + 2);
    let need = 0;
    locs.forEach((l, u) => {
      const b = counted[u] ? stock[u]! - t * l.demandPerDay : stock[u]!;
      if (b > 0) net.add(S, u, b);
      if (b < 0) {
        net.add(u, Z, -b);
        need += -b;
      }
      net.add(u, n + u, give[u]!);
    });
    for (const a of arcs) net.add(n + index.get(a.from)!, index.get(a.to)!, Infinity, a.distanceKm);
    return { net, need };
  };
  const feasible = (t: number) => {
    const { net, need } = network(t);
    return maxFlow(net, S, Z) >= need - 1e-10 * Math.max(1, need);
  };
  let lo = 0;
  let hi =
    stock.reduce((a, b) => a + b, 0) /
    Math.min(...locs.filter((_l, i) => counted[i]).map((l) => l.demandPerDay));
  for (let i = 0; i < 200 && hi - lo > 1e-11 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (feasible(mid)) lo = mid;
    else hi = mid;
  }
  const { net, need } = network(lo);
  const { cost } = minCostFlow(net, S, Z, need);
  return { lowestCoverage: lo, transport: cost };
}
