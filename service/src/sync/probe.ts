import type { MarketoClient } from '../marketo/client.js';
import type { Lead } from '../marketo/types.js';

export interface IdProbe {
  /** Lowest and highest Marketo ids seen, with their creation times; null when the database looks empty. */
  minId: number | null;
  maxId: number | null;
  oldestMs: number | null;
  newestMs: number | null;
  /** Creation times of every person the probes saw, ascending: where people are. */
  samples: number[];
  calls: number;
}

const PAGE = 300;

/**
 * What the initial load needs to plan, from a few cheap calls (Marketo has no "count" or "oldest"
 * call): lead ids grow with creation, so a 300-id probe at 1, then at 2^k, then a binary search
 * between the last hit and the first miss, finds the id range and creation times in about 25 calls.
 * Gaps (deleted people) can make the upper end an underestimate; the incremental sync, which starts
 * from the load's start, brings in anyone above it.
 */
export async function probeIds(client: MarketoClient, maxProbeId = 1 << 26): Promise<IdProbe> {
  let calls = 0;
  const probe = async (from: number): Promise<Lead[]> => {
    calls++;
    const ids = Array.from({ length: PAGE }, (_, i) => from + i);
    return (
      await client.getLeads({ filterType: 'id', filterValues: ids, fields: ['id', 'createdAt'], batchSize: PAGE })
    ).result;
  };
  const created = (l: Lead) => Date.parse(String(l.createdAt ?? ''));
  let minId: number | null = null;
  let maxId: number | null = null;
  let oldestMs: number | null = null;
  let newestMs: number | null = null;
  const samples: number[] = [];
  const note = (leads: Lead[]) => {
    for (const l of leads) {
      const id = Number(l.id);
      const t = created(l);
      if (!Number.isNaN(t)) samples.push(t);
      if (minId === null || id < minId) minId = id;
      if (maxId === null || id > maxId) {
        maxId = id;
        if (!Number.isNaN(t)) newestMs = t;
      }
      if (!Number.isNaN(t) && (oldestMs === null || t < oldestMs)) oldestMs = t;
    }
  };
  note(await probe(1));
  let lastHit = maxId ?? 0;
  let firstMiss: number | null = null;
  for (let from = 512; from <= maxProbeId; from *= 2) {
    const found = await probe(from);
    if (found.length > 0) {
      note(found);
      lastHit = from;
      continue;
    }
    // One more doubling past the first miss, in case of a gap of deleted people.
    const after = await probe(from * 2);
    if (after.length > 0) {
      note(after);
      lastHit = from * 2;
      from *= 2;
      continue;
    }
    firstMiss = from;
    break;
  }
  if (firstMiss !== null) {
    let lo = lastHit;
    let hi = firstMiss;
    while (hi - lo > PAGE) {
      const mid = Math.floor((lo + hi) / 2);
      const found = await probe(mid);
      if (found.length > 0) {
        note(found);
        lo = mid;
      } else {
        hi = mid;
      }
    }
  }
  return { minId, maxId, oldestMs, newestMs, samples: samples.sort((a, b) => a - b), calls };
}
