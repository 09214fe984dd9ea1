import * as fs from 'node:fs';
import { EmbeddedReadStore } from '@mentoring/read-store';
import { applyBatch } from '..';
import { ALL_PROJECTIONS, scriptedReadSideHistory } from '.';

it('dump', async () => {
  const events = scriptedReadSideHistory().recorded();
  const rs = new EmbeddedReadStore({ file: ':memory:' });
  for (const p of ALL_PROJECTIONS) { await p.setup?.(rs); await applyBatch(rs, p, events); }
  const out: Record<string, unknown> = {};
  for (const c of await rs.listCollections()) out[c] = await rs.collection(c).find({}, { sort: { _id: 1 } });
  fs.writeFileSync('/tmp/rs/dump.json', JSON.stringify(out, null, 2));
  fs.writeFileSync('/tmp/rs/events.json', JSON.stringify(events.map(e => ({ s: e.streamId, r: e.revision, t: e.type, d: e.data })), (k, v) => typeof v === 'bigint' ? String(v) : v, 1));
});
