/**
 * The join page's layer rule (DESIGN.md "Layers run one way"): everything `src/join/main.ts` pulls in,
 * transitively, lives in `src/join` or `src/shared`, and none of it is the schema engine or the whole
 * message catalogue (the page stays small for weak phones; type-only imports cost nothing and are skipped).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve('src');

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*import\s+(?!type\b)(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  return specs;
}

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`cannot resolve ${spec} from ${from}`);
}

it('the join page reaches only src/join and src/shared, without zod or the full catalogue', () => {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [path.join(root, 'join/main.ts')];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.css')) continue;
    for (const spec of imports(file)) {
      const target = resolve(file, spec);
      if (target) queue.push(target);
      else packages.add(spec);
    }
  }
  // The walk did reach the shared validators the page runs.
  expect([...seen].map((f) => path.relative(root, f))).toEqual(expect.arrayContaining([path.join('shared', 'person-check.ts'), path.join('shared', 'id-number.ts')]));
  const outside = [...seen].map((f) => path.relative(root, f)).filter((f) => !f.startsWith('join/') && !f.startsWith('shared/'));
  expect(outside).toEqual([]);
  expect([...packages]).toEqual([]);
  expect([...seen].map((f) => path.relative(root, f))).not.toContain(path.join('shared', 'i18n', 'index.ts'));
  expect([...seen].map((f) => path.relative(root, f))).not.toContain(path.join('shared', 'records.ts'));
});
