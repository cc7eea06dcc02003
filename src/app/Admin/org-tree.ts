import type { OrgView } from '../../shared/accounts';

/** An org with its depth below the visible top, in tree order (parents before children, siblings by code). */
export interface TreeRow {
  org: OrgView;
  depth: number;
}

/** Orders orgs as a tree. The caller's own org (whose parent is not in the list) is the top. */
export function treeOrder(orgs: readonly OrgView[]): TreeRow[] {
  const ids = new Set(orgs.map((o) => o.id));
  const children = new Map<string | null, OrgView[]>();
  for (const org of orgs) {
    const parent = org.parentId && ids.has(org.parentId) ? org.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(org);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.code.localeCompare(b.code));
  const rows: TreeRow[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const org of children.get(parent) ?? []) {
      rows.push({ org, depth });
      walk(org.id, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}

/** An option label indented by depth (select options cannot be styled per level everywhere). */
export function indented(row: TreeRow): string {
  return `${'\u3000'.repeat(row.depth)}${row.org.name}`;
}
