/** A page the signed-in role may not use: says so plainly, names who may, and leads back to the role's own page. */
import type { Role } from '../../shared/accounts';
import { useLang } from '../i18n';
import { MENU_ENTRIES, entryOf, type MenuEntry } from '../Menu/entries';
import { linkClick } from '../use-route';

export function NoAccess({ entry, role, home }: { entry: MenuEntry; role: Role; home: string }) {
  const { t } = useLang();
  const back = entryOf(home) ?? MENU_ENTRIES[0]!;
  return (
    <section class="card no-access" aria-labelledby="no-access-title">
      <h2 id="no-access-title">{t('noAccess.title')}</h2>
      <p>
        {t('noAccess.body', {
          page: t(entry.label),
          roles: entry.roles.map((r) => t(`role.${r}`)).join(t('roles.or')),
          role: t(`role.${role}`),
        })}
      </p>
      <a class="button-link" href={back.href} onClick={linkClick}>
        {t('noAccess.back', { page: t(back.label) })}
      </a>
    </section>
  );
}
