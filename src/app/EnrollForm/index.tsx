/**
 * The enrollment form: ID number first (checked as typed; birth date and gender read from it), then
 * name, phone, occupation, employer, services and the two separate consents under the shown notice.
 * Save puts the record in the outbox and says "已保存" only after the transaction committed; then
 * the form resets for the next worker. A rejected record opens here with the server's reason.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ID_TYPES, type IdType } from '../../shared/id-number';
import { PRIVACY_NOTICE, NOTICE_VERSION } from '../../shared/privacy-notice';
import { GENDERS, OCCUPATIONS, SERVICES, type Enrollment, type Gender, type Occupation, type Service } from '../../shared/records';
import {
  DuplicatePersonError,
  OutboxQuotaError,
  RecordInvalidError,
  enqueue,
  findByIdNumber,
  requeue,
  type OutboxEntry,
} from '../../offline/outbox';
import type { CachedStall } from '../../offline/stalls';
import { localToday } from '../../shared/id-number';
import { localIsoWithOffset, newId, shortTime } from '../format';
import { useLang } from '../i18n';
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

type Status =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'invalid'; count: number }
  | { kind: 'quota' }
  | { kind: 'failed'; detail: string };

const ctrlId = (c: Control) => `f-${c.replace('.', '-')}`;
const errId = (c: Control) => `${ctrlId(c)}-error`;

export function EnrollForm({ stallId, fix, stalls = [], onDirtyChange, onFixDone }: EnrollFormProps) {
  const { t, lang } = useLang();
  const initial = useMemo(() => (fix ? formFromRecord(fix.record) : EMPTY_FORM), [fix]);
  const [state, setState] = useState<FormState>(initial);
  const [recordId, setRecordId] = useState(() => fix?.id ?? newId());
  const [touched, setTouched] = useState<ReadonlySet<Control>>(new Set());
  const [showAll, setShowAll] = useState(!!fix);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [duplicate, setDuplicate] = useState<OutboxEntry | null>(null);
  const [serverReason, setServerReason] = useState(() => {
    const control = controlOfField(fix?.reason?.field);
    return fix?.reason ? { control, message: fix.reason.message } : null;
  });
  const formRef = useRef<HTMLFormElement>(null);
  const saving = useRef(false);
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

  // The same person already on this device: flagged as soon as the number is complete.
  const validId = idValid?.value;
  useEffect(() => {
    let alive = true;
    if (!validId) {
      setDuplicate(null);
      return;
    }
    findByIdNumber(validId, fix?.id).then(
      (found) => alive && setDuplicate(found ?? null),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [validId, fix?.id]);

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
    if (status.kind !== 'idle' && status.kind !== 'saving') setStatus({ kind: 'idle' });
  };
  const blur = (c: Control) => setTouched((s) => (s.has(c) ? s : new Set(s).add(c)));

  const aria = (c: Control, hint?: string) => {
    const message = shown(c);
    const describedBy = [message ? errId(c) : null, hint ?? null].filter(Boolean).join(' ');
    return { 'aria-invalid': message ? ('true' as const) : undefined, 'aria-describedby': describedBy || undefined };
  };
  const errorLine = (c: Control) => {
    const message = shown(c);
    return message ? (
      <p id={errId(c)} class="field-error">
        {message}
      </p>
    ) : null;
  };

  const reset = () => {
    setState(EMPTY_FORM);
    setRecordId(newId());
    setTouched(new Set());
    setShowAll(false);
    setDuplicate(null);
  };

  const focusFirstProblem = () => {
    requestAnimationFrame(() => {
      const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      // A radio group is not focusable itself: focus its first option.
      (first?.matches('input, select, textarea') ? first : first?.querySelector<HTMLElement>('input'))?.focus();
    });
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (saving.current) return;
    performance.mark('ruhui:submit');
    const count = Object.keys(errors).length + (duplicate && !errors['person.idNumber'] ? 1 : 0);
    if (count > 0) {
      setShowAll(true);
      setStatus({ kind: 'invalid', count });
      focusFirstProblem();
      return;
    }
    // A valid form re-renders only once the record is saved: a render (and the frame it asks for)
    // while the transaction runs would only delay "saved". "Saving…" shows if it takes long.
    saving.current = true;
    const slow = setTimeout(() => setStatus({ kind: 'saving' }), 300);
    const record = buildRecord(state, { ...meta, createdAt: fix?.record.createdAt ?? localIsoWithOffset() });
    try {
      if (fix) await requeue(fix.id, record, { lang });
      else await enqueue(record, { lang });
    } catch (error) {
      clearTimeout(slow);
      saving.current = false;
      setShowAll(true);
      if (error instanceof OutboxQuotaError) setStatus({ kind: 'quota' });
      else if (error instanceof DuplicatePersonError) {
        setDuplicate(error.existing);
        setStatus({ kind: 'invalid', count: 1 });
        focusFirstProblem();
      } else if (error instanceof RecordInvalidError) {
        setServerReason({ control: controlOfField(error.reason.field), message: error.reason.message });
        setStatus({ kind: 'invalid', count: 1 });
        focusFirstProblem();
      } else setStatus({ kind: 'failed', detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    clearTimeout(slow);
    saving.current = false;
    if (fix) {
      setStatus({ kind: 'saved' });
      onFixDone?.();
      return;
    }
    reset();
    setStatus({ kind: 'saved' });
  };

  const idHintId = `${ctrlId('person.idNumber')}-hint`;
  const phoneHint = normalizedPhoneHint(state.phone);
  const progressText =
    idValid && !idCheck.tooYoung
      ? idValid.gender
        ? t('form.idValid', { birthDate: idValid.birthDate ?? '', gender: t(labelKey.gender(idValid.gender)) })
        : t('form.idValidNoGender', { birthDate: idValid.birthDate ?? '' })
      : idCheck.progress.state === 'incomplete'
        ? t('form.idProgress', { n: [...state.idNumber.replace(/\s/g, '')].length })
        : t('form.idHint');
  const reasonElsewhere = serverReason && serverReason.control === null ? serverReason.message : null;

  return (
    <form ref={formRef} class="enroll-form" noValidate onSubmit={onSubmit} aria-labelledby="enroll-form-title">
      <h2 id="enroll-form-title">{fix ? t('form.fixTitle') : t('form.title')}</h2>
      {reasonElsewhere && (
        <p class="notice notice-error" role="alert">
          {t('form.fixReason', { message: reasonElsewhere })}
        </p>
      )}

      {fix && (
        <div class="field">
          <label for={ctrlId('stallId')}>{t('stall.label')}</label>
          <select
            id={ctrlId('stallId')}
            name="stallId"
            value={fixStallId}
            onChange={(e) => {
              setFixStallId(e.currentTarget.value);
              if (serverReason?.control === 'stallId') setServerReason(null);
            }}
            {...aria('stallId')}
          >
            {!stalls.some((s) => s.id === fixStallId) && <option value={fixStallId}>{fixStallId}</option>}
            {stalls.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} · {s.date}
              </option>
            ))}
          </select>
          {errorLine('stallId')}
        </div>
      )}

      <div class="field">
        <label for={ctrlId('person.idType')}>{t('form.idType')}</label>
        <select
          id={ctrlId('person.idType')}
          name="person.idType"
          value={state.idType}
          onChange={(e) => update('person.idType', { idType: e.currentTarget.value as IdType })}
          {...aria('person.idType')}
        >
          {ID_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(labelKey.idType(type))}
            </option>
          ))}
        </select>
        {errorLine('person.idType')}
      </div>

      <div class="field">
        <label for={ctrlId('person.idNumber')}>{t('form.idNumber')}</label>
        <input
          id={ctrlId('person.idNumber')}
          name="person.idNumber"
          type="text"
          inputMode="text"
          // Not the device owner's data: no autofill offers, and nothing kept in the browser's autofill store.
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          enterKeyHint="next"
          class="id-input"
          value={state.idNumber}
          onInput={(e) => update('person.idNumber', { idNumber: e.currentTarget.value })}
          onBlur={() => blur('person.idNumber')}
          {...aria('person.idNumber', idHintId)}
        />
        <p id={idHintId} class={idValid && !idCheck.tooYoung ? 'hint hint-ok' : 'hint'} aria-live="polite">
          {progressText}
        </p>
        {errorLine('person.idNumber')}
      </div>

      {needsGender(idCheck.progress) && (
        <div class="field">
          <label for={ctrlId('person.gender')}>{t('form.gender')}</label>
          <select
            id={ctrlId('person.gender')}
            name="person.gender"
            value={state.gender}
            onChange={(e) => update('person.gender', { gender: e.currentTarget.value as Gender | '' })}
            onBlur={() => blur('person.gender')}
            {...aria('person.gender')}
          >
            <option value="">{t('form.choose')}</option>
            {GENDERS.map((g) => (
              <option key={g} value={g}>
                {t(labelKey.gender(g))}
              </option>
            ))}
          </select>
          {errorLine('person.gender')}
        </div>
      )}

      <div class="field">
        <label for={ctrlId('person.name')}>{t('form.name')}</label>
        <input
          id={ctrlId('person.name')}
          name="person.name"
          type="text"
          autoComplete="off"
          enterKeyHint="next"
          value={state.name}
          onInput={(e) => update('person.name', { name: e.currentTarget.value })}
          onBlur={() => blur('person.name')}
          {...aria('person.name')}
        />
        {errorLine('person.name')}
      </div>

      <div class="field">
        <label for={ctrlId('person.phone')}>{t('form.phone')}</label>
        <input
          id={ctrlId('person.phone')}
          name="person.phone"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          enterKeyHint="next"
          value={state.phone}
          onInput={(e) => update('person.phone', { phone: e.currentTarget.value })}
          onBlur={() => blur('person.phone')}
          {...aria('person.phone', phoneHint ? `${ctrlId('person.phone')}-hint` : undefined)}
        />
        {phoneHint && (
          <p id={`${ctrlId('person.phone')}-hint`} class="hint">
            {t('form.phoneWillSave', { phone: phoneHint })}
          </p>
        )}
        {errorLine('person.phone')}
      </div>

      <fieldset class="field">
        <legend id="occupation-legend">{t('form.occupation')}</legend>
        <div class="tiles" role="radiogroup" aria-labelledby="occupation-legend" {...aria('person.occupation')}>
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
        {errorLine('person.occupation')}
      </fieldset>

      <div class="field">
        <label for={ctrlId('person.employer')}>{t('form.employer')}</label>
        <input
          id={ctrlId('person.employer')}
          name="person.employer"
          type="text"
          list="employers"
          autoComplete="organization"
          enterKeyHint="next"
          value={state.employer}
          onInput={(e) => update('person.employer', { employer: e.currentTarget.value })}
          onBlur={() => blur('person.employer')}
          {...aria('person.employer', `${ctrlId('person.employer')}-hint`)}
        />
        <datalist id="employers">
          {EMPLOYERS.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
        <p id={`${ctrlId('person.employer')}-hint`} class="hint">
          {t('form.employerHint')}
        </p>
        {errorLine('person.employer')}
      </div>

      <fieldset class="field">
        <legend>{t('form.services')}</legend>
        <div class="checks">
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
                      : state.services.filter((x: Service) => x !== s),
                  })
                }
              />
              <span>{t(labelKey.service(s))}</span>
            </label>
          ))}
        </div>
        {errorLine('services')}
      </fieldset>

      <fieldset class="field consents">
        <legend>{t('form.consents')}</legend>
        <label class="check">
          <input
            type="checkbox"
            name="consent.join"
            value="true"
            checked={state.consentJoin}
            onChange={(e) => update('consent.join', { consentJoin: e.currentTarget.checked })}
            {...aria('consent.join')}
          />
          <span>{t('form.consentJoin')}</span>
        </label>
        {errorLine('consent.join')}
        <section class="privacy-notice" id="privacy-notice" aria-labelledby="privacy-notice-title" tabIndex={0}>
          <h3 id="privacy-notice-title">{t('form.noticeTitle', { version: NOTICE_VERSION })}</h3>
          {PRIVACY_NOTICE[lang].map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </section>
        <input type="hidden" name="consent.noticeVersion" value={NOTICE_VERSION} />
        <label class="check">
          <input
            type="checkbox"
            name="consent.sensitiveInfo"
            value="true"
            checked={state.consentSensitive}
            onChange={(e) => update('consent.sensitiveInfo', { consentSensitive: e.currentTarget.checked })}
            {...aria('consent.sensitiveInfo', 'privacy-notice-title')}
          />
          <span>{t('form.consentSensitive')}</span>
        </label>
        {errorLine('consent.sensitiveInfo')}
      </fieldset>

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
            <button
              type="button"
              class="secondary"
              onClick={() => {
                reset();
                setStatus({ kind: 'idle' });
              }}
            >
              {t('form.clear')}
            </button>
          )
        )}
      </div>
      <div class="form-status" role="status" aria-live="polite">
        {status.kind === 'saved' && <p class="notice notice-ok toast">{fix ? t('form.savedFix') : t('form.saved')}</p>}
        {status.kind === 'invalid' && <p class="notice notice-error">{t('form.fixErrors', { n: status.count })}</p>}
      </div>
      <div role="alert">
        {status.kind === 'quota' && <p class="notice notice-error">{t('form.quota')}</p>}
        {status.kind === 'failed' && <p class="notice notice-error">{t('form.saveFailed', { detail: status.detail })}</p>}
      </div>
    </form>
  );
}
