// Over 400 lines: the form reads as the list of its fields, one Field each; the wiring is in Field.tsx and the hooks.
/**
 * The enrollment form, one screen for someone in a hurry: the ID number first (checked as typed; birth
 * date and gender read from it; its type a small choice beside it), name and phone side by side, the
 * occupation as one tap, the two separate consents around the notice, then the optional employer and
 * services (last, so what every record needs fits in two screens; Save is always on screen).
 * Save sits in a bar that stays on screen; Enter (or the keyboard's "next") moves to the next field and
 * never submits, so an ID-card reader that types the number then Enter lands on the name.
 * Save says "已保存" with the person's masked name only after the transaction committed; then the form
 * resets for the next worker. A rejected record opens here with the server's reason.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ID_TYPES, type IdType } from '../../shared/id-number';
import { maskName } from '../../shared/mask';
import { PRIVACY_NOTICE, NOTICE_VERSION } from '../../shared/privacy-notice';
import { GENDERS, OCCUPATIONS, SERVICES, type Enrollment, type Gender, type Occupation } from '../../shared/records';
import type { OutboxEntry } from '../../offline/outbox';
import type { CachedStall } from '../../offline/stalls';
import { shortTime } from '../format';
import { useLang } from '../i18n';
import { Field } from '../Field';
import { focusNextControl } from './focus-next';
import {
  EMPTY_FORM,
  buildRecord,
  checkId,
  controlErrors,
  controlOfField,
  formFromRecord,
  isDirty,
  labelKey,
  needsGender,
  normalizedPhoneHint,
  type Control,
  type FormState,
} from './form-state';
import { useDuplicate } from './use-duplicate';
import { useSave } from './use-save';
import { localIsoWithOffset, localToday } from '../../shared/local-time';
import { newId } from '../../shared/record-id';

/** Platforms the employer field suggests (free text is fine too). */
export const EMPLOYERS = ['美团', '饿了么', '顺丰', '京东', '滴滴', '货拉拉', '闪送', '达达', '曹操出行', '满帮'] as const;

export interface EnrollFormProps {
  /** The stall new records belong to. */
  stallId: string;
  /** A rejected entry to fix instead of a new record. */
  fix?: OutboxEntry & { record: Enrollment };
  /** Stalls a fixed record may be moved to (a record refused for its stall). */
  stalls?: readonly CachedStall[];
  /** Tells the app whether anything is typed (updates wait for a pristine form). */
  onDirtyChange(dirty: boolean): void;
  /** After a fix was saved or cancelled. */
  onFixDone?(): void;
}

/** A control's element id (also the base of its hint and error ids). */
const ctrlId = (c: Control) => `f-${c.replace('.', '-')}`;

export function EnrollForm({ stallId, fix, stalls = [], onDirtyChange, onFixDone }: EnrollFormProps) {
  const { t, lang } = useLang();
  const initial = useMemo(() => (fix ? formFromRecord(fix.record) : EMPTY_FORM), [fix]);
  const [state, setState] = useState<FormState>(initial);
  const [recordId, setRecordId] = useState(() => fix?.id ?? newId());
  const [touched, setTouched] = useState<ReadonlySet<Control>>(new Set());
  const [showAll, setShowAll] = useState(!!fix);
  const [confirmClear, setConfirmClear] = useState(false);
  const [serverReason, setServerReason] = useState(() => {
    const control = controlOfField(fix?.reason?.field);
    return fix?.reason ? { control, message: fix.reason.message } : null;
  });
  const formRef = useRef<HTMLFormElement>(null);
  const [fixStallId, setFixStallId] = useState(fix?.record.stallId ?? stallId);

  const dirty = isDirty(state, initial);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange(false), [onDirtyChange]);

  const today = localToday();
  const meta = {
    id: recordId,
    stallId: fix ? fixStallId : stallId,
    createdAt: fix?.record.createdAt ?? localIsoWithOffset(),
    ...(fix?.record.person.ethnicity ? { ethnicity: fix.record.person.ethnicity } : {}),
  };
  const idCheck = checkId(state, today);
  const errors = controlErrors(state, meta, lang);
  const idValid = idCheck.progress.state === 'valid' ? idCheck.progress : null;
  const [duplicate, setDuplicate] = useDuplicate(idValid?.value, fix?.id);

  const reset = () => {
    setState(EMPTY_FORM);
    setRecordId(newId());
    setTouched(new Set());
    setShowAll(false);
    setDuplicate(null);
    setConfirmClear(false);
  };

  const { status, setStatus, save, edited } = useSave(lang, fix?.id, {
    onInvalid() {
      setShowAll(true);
      requestAnimationFrame(() => {
        const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
        // A radio group is not focusable itself: focus its first option.
        (first?.matches('input, select, textarea') ? first : first?.querySelector<HTMLElement>('input'))?.focus();
      });
    },
    onDuplicate: setDuplicate,
    onRefused: (field, message) => setServerReason({ control: controlOfField(field), message }),
    onSaved() {
      if (fix) onFixDone?.();
      else reset();
    },
  });

  // The benchmark's end mark: the DOM says "saved" (layout effect: before paint, after commit).
  // Then, after that frame, the ID number field is ready for the next worker (focus forces a layout).
  useLayoutEffect(() => {
    if (status.kind !== 'saved') return;
    performance.mark('ruhui:saved');
    if (fix) return;
    const frame = requestAnimationFrame(() => formRef.current?.querySelector<HTMLInputElement>(`#${ctrlId('person.idNumber')}`)?.focus());
    return () => cancelAnimationFrame(frame);
  }, [status, fix]);

  const duplicateMessage = duplicate
    ? t('form.duplicate', {
        time: shortTime(duplicate.createdAt, today),
        status: t(duplicate.status === 'rejected' ? 'queue.rejected' : 'queue.pending'),
      })
    : null;

  /** The message shown on a control now: live ID problems at once, others after blur or a save attempt. */
  const shown = (c: Control): string | undefined => {
    if (c === 'person.idNumber') {
      if (duplicateMessage) return duplicateMessage;
      if (idCheck.progress.state === 'invalid' || idCheck.tooYoung) return errors[c];
    }
    if (serverReason?.control === c) return serverReason.message;
    return showAll || touched.has(c) ? errors[c] : undefined;
  };

  const update = (c: Control, patch: Partial<FormState>) => {
    setState((s) => {
      const next = { ...s, ...patch };
      // Consent is given at the moment both boxes are ticked.
      if (('consentJoin' in patch || 'consentSensitive' in patch) && next.consentJoin && next.consentSensitive) {
        next.consentAt = localIsoWithOffset();
      }
      return next;
    });
    if (serverReason?.control === c) setServerReason(null);
    setConfirmClear(false);
    edited();
  };
  const blur = (c: Control) => setTouched((s) => (s.has(c) ? s : new Set(s).add(c)));
  /** Props of a text input bound to one string of the form state. */
  const text = (c: Control, key: 'idNumber' | 'name' | 'phone' | 'employer') => ({
    name: c,
    type: 'text' as const,
    autoComplete: 'off',
    enterKeyHint: 'next' as const,
    value: state[key],
    onInput: (e: { currentTarget: HTMLInputElement }) => update(c, { [key]: e.currentTarget.value }),
    onBlur: () => blur(c),
  });

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const problems = Object.keys(errors).length + (duplicate && !errors['person.idNumber'] ? 1 : 0);
    const record = buildRecord(state, { ...meta, createdAt: fix?.record.createdAt ?? localIsoWithOffset() });
    void save(record, problems, maskName(state.name.trim()));
  };
  // Enter in a field moves on; only the Save button submits (a reader's Enter after the number, a "next" key).
  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (event.key !== 'Enter' || event.isComposing || !(target instanceof HTMLInputElement)) return;
    event.preventDefault();
    focusNextControl(target);
  };

  const phoneHint = normalizedPhoneHint(state.phone);
  const idHint =
    idValid && !idCheck.tooYoung
      ? idValid.gender
        ? t('form.idValid', { birthDate: idValid.birthDate ?? '', gender: t(labelKey.gender(idValid.gender)) })
        : t('form.idValidNoGender', { birthDate: idValid.birthDate ?? '' })
      : idCheck.progress.state === 'incomplete'
        ? t('form.idProgress', { n: [...state.idNumber.replace(/\s/g, '')].length })
        : t('form.idHint');
  const reasonElsewhere = serverReason && serverReason.control === null ? serverReason.message : null;

  return (
    <form ref={formRef} class="enroll-form" noValidate onSubmit={onSubmit} onKeyDown={onKeyDown} aria-labelledby="enroll-form-title">
      {/* The menu already says where this is: the new-worker form's title is for screen readers only. */}
      <h2 id="enroll-form-title" class={fix ? undefined : 'visually-hidden'}>
        {fix ? t('form.fixTitle') : t('form.title')}
      </h2>
      {reasonElsewhere && (
        <p class="notice notice-error" role="alert">
          {t('form.fixReason', { message: reasonElsewhere })}
        </p>
      )}

      {fix && (
        <Field id={ctrlId('stallId')} label={t('stall.label')} error={shown('stallId')}>
          {(w) => (
            <select
              {...w}
              name="stallId"
              value={fixStallId}
              onChange={(e) => {
                setFixStallId(e.currentTarget.value);
                if (serverReason?.control === 'stallId') setServerReason(null);
              }}
            >
              {!stalls.some((s) => s.id === fixStallId) && <option value={fixStallId}>{fixStallId}</option>}
              {stalls.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} · {s.date}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}

      <Field
        id={ctrlId('person.idNumber')}
        label={t('form.idNumber')}
        error={shown('person.idNumber') ?? shown('person.idType')}
        hint={{ text: idHint, ok: !!idValid && !idCheck.tooYoung, live: true }}
        aside={
          <select
            id={ctrlId('person.idType')}
            class="id-type"
            name="person.idType"
            aria-label={t('form.idType')}
            value={state.idType}
            onChange={(e) => update('person.idType', { idType: e.currentTarget.value as IdType })}
          >
            {ID_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(labelKey.idType(type))}
              </option>
            ))}
          </select>
        }
      >
        {(w) => (
          <input
            {...w}
            {...text('person.idNumber', 'idNumber')}
            inputMode="text"
            autoCapitalize="characters"
            spellcheck={false}
            class="id-input"
          />
        )}
      </Field>

      {needsGender(idCheck.progress) && (
        <Field id={ctrlId('person.gender')} label={t('form.gender')} error={shown('person.gender')}>
          {(w) => (
            <select
              {...w}
              name="person.gender"
              value={state.gender}
              onChange={(e) => update('person.gender', { gender: e.currentTarget.value as Gender | '' })}
              onBlur={() => blur('person.gender')}
            >
              <option value="">{t('form.choose')}</option>
              {GENDERS.map((g) => (
                <option key={g} value={g}>
                  {t(labelKey.gender(g))}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}

      <div class="field-pair">
        <Field id={ctrlId('person.name')} label={t('form.name')} error={shown('person.name')}>
          {(w) => <input {...w} {...text('person.name', 'name')} />}
        </Field>
        <Field
          id={ctrlId('person.phone')}
          label={t('form.phone')}
          error={shown('person.phone')}
          hint={phoneHint ? { text: t('form.phoneWillSave', { phone: phoneHint }) } : null}
        >
          {(w) => <input {...w} {...text('person.phone', 'phone')} type={'tel' as const} inputMode="tel" />}
        </Field>
      </div>

      <Field id={ctrlId('person.occupation')} label={t('form.occupation')} error={shown('person.occupation')} group>
        {(w) => (
          <div class="tiles" role="radiogroup" aria-labelledby={`${w.id}-legend`} aria-invalid={w['aria-invalid']} aria-describedby={w['aria-describedby']}>
            {OCCUPATIONS.map((o) => (
              <label key={o} class="tile">
                <input
                  type="radio"
                  name="person.occupation"
                  value={o}
                  checked={state.occupation === o}
                  onChange={() => update('person.occupation', { occupation: o as Occupation })}
                  onBlur={() => blur('person.occupation')}
                />
                <span>{t(labelKey.occupation(o))}</span>
              </label>
            ))}
          </div>
        )}
      </Field>

      <fieldset class="field consents">
        <legend class="visually-hidden">{t('form.consents')}</legend>
        <Consent
          id={ctrlId('consent.join')}
          name="consent.join"
          label={t('form.consentJoin')}
          checked={state.consentJoin}
          error={shown('consent.join')}
          onChange={(v) => update('consent.join', { consentJoin: v })}
        />
        <details class="privacy-notice" id="privacy-notice">
          <summary id="privacy-notice-title">
            <span>{t('form.noticeName')}</span> <span class="muted">{t('form.noticeOpen')}</span>
          </summary>
          <h3>{t('form.noticeTitle', { version: NOTICE_VERSION })}</h3>
          {PRIVACY_NOTICE[lang].map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </details>
        <input type="hidden" name="consent.noticeVersion" value={NOTICE_VERSION} />
        <Consent
          id={ctrlId('consent.sensitiveInfo')}
          name="consent.sensitiveInfo"
          label={t('form.consentSensitive')}
          checked={state.consentSensitive}
          error={shown('consent.sensitiveInfo')}
          describedBy="privacy-notice-title"
          onChange={(v) => update('consent.sensitiveInfo', { consentSensitive: v })}
        />
      </fieldset>

      <Field id={ctrlId('person.employer')} label={t('form.employer')} error={shown('person.employer')}>
        {(w) => (
          <>
            <input {...w} {...text('person.employer', 'employer')} list="employers" autoComplete="organization" placeholder={t('form.employerHint')} />
            <datalist id="employers">
              {EMPLOYERS.map((e) => (
                <option key={e} value={e} />
              ))}
            </datalist>
          </>
        )}
      </Field>

      <Field id={ctrlId('services')} label={t('form.services')} error={shown('services')} group>
        {(w) => (
          <div class="checks checks-wrap" aria-describedby={w['aria-describedby']}>
            {SERVICES.map((s) => (
              <label key={s} class="check">
                <input
                  type="checkbox"
                  name="services"
                  value={s}
                  checked={state.services.includes(s)}
                  onChange={(e) =>
                    update('services', {
                      services: e.currentTarget.checked
                        ? SERVICES.filter((x) => x === s || state.services.includes(x))
                        : state.services.filter((x) => x !== s),
                    })
                  }
                />
                <span>{t(labelKey.service(s))}</span>
              </label>
            ))}
          </div>
        )}
      </Field>

      <div class="action-bar">
        <div class="form-status" role="status" aria-live="polite">
          {status.kind === 'saved' && (
            <p class="notice notice-ok">{fix ? t('form.savedFix') : status.who ? t('form.savedWho', { name: status.who }) : t('form.saved')}</p>
          )}
          {status.kind === 'invalid' && <p class="notice notice-error">{t('form.fixErrors', { n: status.count })}</p>}
          {confirmClear && (
            <p class="notice notice-warn confirm-clear">
              <span>{t('form.clearAsk')}</span>
              <button type="button" class="secondary small" onClick={() => (reset(), setStatus({ kind: 'idle' }))}>
                {t('form.clearYes')}
              </button>
              <button type="button" class="secondary small" onClick={() => setConfirmClear(false)}>
                {t('form.clearNo')}
              </button>
            </p>
          )}
        </div>
        <div role="alert">
          {status.kind === 'quota' && <p class="notice notice-error">{t('form.quota')}</p>}
          {status.kind === 'failed' && <p class="notice notice-error">{t('form.saveFailed', { detail: status.detail })}</p>}
        </div>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={status.kind === 'saving'}>
            {status.kind === 'saving' ? t('form.saving') : fix ? t('form.saveFix') : t('form.save')}
          </button>
          {fix ? (
            <button type="button" class="secondary" onClick={() => onFixDone?.()}>
              {t('form.cancelFix')}
            </button>
          ) : (
            dirty && (
              <button type="button" class="secondary" aria-expanded={confirmClear} onClick={() => setConfirmClear(true)}>
                {t('form.clear')}
              </button>
            )
          )}
        </div>
      </div>
    </form>
  );
}

/** One consent: the box beside its sentence (normal weight), and its message. */
function Consent(props: { id: string; name: string; label: string; checked: boolean; error?: string | undefined; describedBy?: string; onChange(v: boolean): void }) {
  const errId = `${props.id}-error`;
  const describedBy = [props.error ? errId : null, props.describedBy ?? null].filter(Boolean).join(' ');
  return (
    <>
      <label class="check consent">
        <input
          id={props.id}
          type="checkbox"
          name={props.name}
          value="true"
          checked={props.checked}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={describedBy || undefined}
        />
        <span>{props.label}</span>
      </label>
      {props.error && (
        <p id={errId} class="field-error">
          {props.error}
        </p>
      )}
    </>
  );
}
