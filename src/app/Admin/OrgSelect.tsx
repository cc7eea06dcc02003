/** The org a new user or stall belongs to: the admin's subtree in tree order, indented by depth. */
import type { OrgView } from '../../shared/accounts';
import { Field } from '../Field';
import { indented, treeOrder } from './org-tree';

export function OrgSelect({ id, label, error, orgs }: { id: string; label: string; error: string | undefined; orgs: OrgView[] }) {
  return (
    <Field id={id} label={label} error={error}>
      {(w) => (
        <select {...w} name="orgId">
          {treeOrder(orgs).map((r) => (
            <option key={r.org.id} value={r.org.id}>
              {indented(r)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
