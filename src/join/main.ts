/**
 * The self-registration page, `/join?t=<token>`: a worker scans the stall's QR code with their own
 * phone (often inside WeChat: no service worker, maybe no storage) on a weak connection and joins.
 *
 * Screens: the form at once (union and stall named as soon as the server says) → sending (locked, same id on every retry) →
 * the receipt; or a friendly page for an unknown (404) or expired (410) link. What was typed is kept
 * (`store.ts`) on every change, with the registration's id and time once it is first sent, so a reload
 * or a dropped connection resumes the same registration; it is cleared once the server has answered.
 * The receipt is kept too (it holds no ID number or phone), so a reload still shows it to the staff.
 */
import { GENDERS, OCCUPATIONS, SERVICES } from '../shared/enums';
import { ID_TYPES, idNumberProgress } from '../shared/id-number';
import type { JoinResponse, JoinStall } from '../shared/join';
import { EMPTY_SELF_FORM, SELF_CONTROLS, checkSelfForm, genderAsked, selfRegistrationBody, type SelfControl, type SelfForm } from '../shared/person-check';
import { NOTICE_VERSION, PRIVACY_NOTICE } from '../shared/privacy-notice';
import { h, show } from './dom';
import { browserLang, isJoinKey, tr, type JoinKey, type Lang } from './i18n';
import { sendRegistration, type SendResult, type SendState } from './send';
import { drop, load, persistent, save } from './store';
import { localIsoWithOffset, localToday } from '../shared/local-time';
import { newId } from '../shared/record-id';
import './join.css';

interface Draft {
  token: string;
  form: SelfForm;
  /** Fixed when first sent: every retry and reload sends the same registration. */
  id?: string;
  createdAt?: string;
  /** Sent and not yet answered: on reload, the page carries on sending instead of showing the form. */
  sending?: boolean;
}
interface Done {
  token: string;
  answer: JoinResponse;
}

const DRAFT = 'ruhui.join.draft';
const DONE = 'ruhui.join.done';
const LANG = 'ruhui.join.lang';

const root = document.getElementById('join')!;
const token = new URLSearchParams(location.search).get('t') ?? '';
const apiUrl = `/api/join/${encodeURIComponent(token)}`;
let lang: Lang = load<Lang>(LANG) ?? browserLang();
/** The stall behind the link: asked for while the form is already shown (one round trip less before typing). */
let stall: JoinStall | 'loading' | 'failed' = 'loading';
let paintStall: () => void = () => undefined;
let rerender: () => void = () => undefined;
/** The one sending loop (a re-render, e.g. a language switch, joins it rather than starting another). */
let active: Promise<SendResult> | null = null;
let hear: (s: SendState) => void = () => undefined;
/** Bumped by each form render: only the form on screen acts on the answer. */
let generation = 0;

const t = (key: JoinKey, params?: Record<string, string | number>) => tr(lang, key, params);

function setLang(next: Lang): void {
  lang = next;
  save(LANG, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('join.title');
  rerender();
}

function frame(...body: (Node | string | null | false)[]): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('join.title');
  show(
    root,
    h('header', { class: 'bar' },
      h('span', { class: 'brand' }, t('join.title')),
      h('button', { type: 'button', class: 'lang', lang: lang === 'zh' ? 'en' : 'zh-CN', onclick: () => setLang(lang === 'zh' ? 'en' : 'zh') }, lang === 'zh' ? 'English' : '中文'),
    ),
    h('main', {}, ...body),
  );
}

// ---------------------------------------------------------------------------------------------------
// Screens

function gone(status: 404 | 410): void {
  rerender = () => gone(status);
  const expired = status === 410;
  frame(
    h('section', { class: 'notice' },
      h('h1', {}, t(expired ? 'join.expiredTitle' : 'join.unknownTitle')),
      h('p', {}, t(expired ? 'join.expiredText' : 'join.unknownText')),
      h('p', { class: 'ask' }, t('join.askStaff')),
    ),
  );
}

function receipt(done: Done): void {
  rerender = () => receipt(done);
  const { answer } = done;
  const existing = answer.status === 'existing_member';
  const at = new Date(answer.receipt.at);
  const when = Number.isNaN(at.getTime())
    ? answer.receipt.at
    : at.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const row = (key: JoinKey, value: string, cls = '') => [h('dt', {}, t(key)), h('dd', { class: cls }, value)];
  frame(
    h('section', { class: existing ? 'receipt existing' : 'receipt', 'aria-labelledby': 'receipt-title' },
      h('h1', { id: 'receipt-title' }, t(existing ? 'join.doneExisting' : 'join.done')),
      existing && h('p', {}, t('join.existingText')),
      h('dl', {},
        ...row('join.receiptCode', answer.receipt.code, 'code'),
        ...row('join.receiptName', answer.receipt.maskedName),
        ...row('join.receiptStall', answer.receipt.stall),
        ...row('join.receiptTime', when),
      ),
      h('p', { class: 'show' }, t('join.showStaff')),
      h('button', { type: 'button', class: 'secondary', onclick: () => { drop(DONE); void start(); } }, t('join.another')),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------
// The form

/** Which control a server reason's dotted field belongs to (birth date and gender are read from the number). */
function controlOf(field: string | undefined): SelfControl | undefined {
  if (field === 'person.birthDate' || field === 'person.gender') return 'person.idNumber';
  if (field?.startsWith('consent.')) return field === 'consent.join' ? 'consent.join' : 'consent.sensitiveInfo';
  if (field?.startsWith('services')) return 'services';
  return SELF_CONTROLS.find((c) => c === field);
}

function form(draft: Draft): void {
  rerender = () => form(draft);
  const mine = ++generation;
  const f = draft.form;
  const today = localToday();
  let showErrors = false;
  const errorEls = new Map<SelfControl, HTMLElement>();
  const controls = new Map<SelfControl, HTMLElement>();
  const persist = () => save(DRAFT, draft);

  const errorFor = (c: SelfControl) => {
    const el = h('p', { class: 'err', id: `err-${c}` });
    errorEls.set(c, el);
    return el;
  };
  const field = (c: SelfControl, label: JoinKey, control: HTMLElement, ...extra: (Node | null)[]) => {
    control.id = `f-${c}`;
    control.setAttribute('aria-describedby', `err-${c}`);
    controls.set(c, control);
    return h('div', { class: 'field' }, h('label', { for: `f-${c}` }, t(label)), control, ...extra, errorFor(c));
  };
  const text = (name: SelfControl, value: string, attrs: Record<string, string>, set: (v: string) => void) =>
    h('input', { name, value, ...attrs, oninput: (e) => { set((e.target as HTMLInputElement).value); changed(); } });
  const select = <V extends string>(name: SelfControl, options: readonly V[], label: (v: V) => string, value: string, set: (v: V | '') => void, blank: boolean) => {
    const el = h('select', { name, onchange: (e) => { set((e.target as HTMLSelectElement).value as V | ''); changed(); } },
      blank ? h('option', { value: '' }, t('join.choose')) : null,
      ...options.map((o) => h('option', { value: o, selected: o === value }, label(o))));
    el.value = value;
    return el;
  };

  const idHint = h('p', { class: 'hint', id: 'id-hint', 'aria-live': 'polite' });
  const genderBox = h('fieldset', { class: 'field', id: 'f-person.gender' },
    h('legend', {}, t('join.gender')),
    ...GENDERS.map((g) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name: 'person.gender', value: g, checked: f.gender === g, onchange: () => { f.gender = g; changed(); } }),
      tr(lang, `gender.${g}` as JoinKey))),
    errorFor('person.gender'));
  controls.set('person.gender', genderBox);

  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('join.submit'));
  const formEl = h('form', { class: 'join-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); void send(); } },
    field('person.idType', 'join.idType', select('person.idType', ID_TYPES, (v) => tr(lang, `idType.${v}` as JoinKey), f.idType, (v) => (f.idType = v || 'resident'), false)),
    field('person.idNumber', 'join.idNumber',
      text('person.idNumber', f.idNumber, { autocomplete: 'off', inputmode: 'text', autocapitalize: 'characters', spellcheck: 'false', maxlength: '24' }, (v) => (f.idNumber = v)),
      idHint),
    genderBox,
    field('person.name', 'join.name', text('person.name', f.name, { autocomplete: 'name', maxlength: '60' }, (v) => (f.name = v))),
    field('person.phone', 'join.phone', text('person.phone', f.phone, { type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: '20' }, (v) => (f.phone = v))),
    field('person.occupation', 'join.occupation', select('person.occupation', OCCUPATIONS, (v) => tr(lang, `occupation.${v}` as JoinKey), f.occupation, (v) => (f.occupation = v), true)),
    field('person.employer', 'join.employer', text('person.employer', f.employer, { autocomplete: 'organization', maxlength: '80' }, (v) => (f.employer = v))),
    h('fieldset', { class: 'field' },
      h('legend', {}, t('join.services')),
      ...SERVICES.map((s) => h('label', { class: 'choice' },
        h('input', { type: 'checkbox', name: 'services', value: s, checked: f.services.includes(s), onchange: (e) => {
          f.services = (e.target as HTMLInputElement).checked ? [...f.services, s] : f.services.filter((x) => x !== s);
          changed();
        } }),
        tr(lang, `service.${s}` as JoinKey))),
      errorFor('services')),
    h('fieldset', { class: 'field consents' },
      h('legend', {}, t('join.consents')),
      consent('consent.join', 'join.consentJoin', () => f.consentJoin, (v) => (f.consentJoin = v)),
      errorFor('consent.join'),
      // The notice sits above the consent that refers to it, as on the staff form.
      h('details', { class: 'privacy' },
        h('summary', {}, t('join.noticeTitle', { version: NOTICE_VERSION })),
        ...PRIVACY_NOTICE[lang].map((p) => h('p', {}, p))),
      consent('consent.sensitiveInfo', 'join.consentSensitive', () => f.consentSensitive, (v) => (f.consentSensitive = v)),
      errorFor('consent.sensitiveInfo')),
    status,
    submit,
  );
  function consent(name: SelfControl, label: JoinKey, get: () => boolean, set: (v: boolean) => void) {
    const box = h('input', { type: 'checkbox', name, id: `f-${name}`, 'aria-describedby': `err-${name}`, checked: get(), onchange: (e) => { set((e.target as HTMLInputElement).checked); changed(); } });
    controls.set(name, box);
    return h('label', { class: 'choice', for: `f-${name}` }, box, t(label));
  }

  function paint(): Partial<Record<SelfControl, string>> {
    const progress = idNumberProgress(f.idType, f.idNumber, today);
    genderBox.hidden = !genderAsked(progress);
    idHint.textContent = progress.state === 'valid' && progress.birthDate ? t('join.idValid', { birthDate: progress.birthDate }) : t('join.idHint');
    const problems = checkSelfForm(f, today);
    const messages: Partial<Record<SelfControl, string>> = {};
    for (const c of SELF_CONTROLS) {
      const code = problems[c];
      // While typing the number, say it is wrong as soon as it can no longer be right.
      const live = c === 'person.idNumber' && progress.state === 'invalid';
      const message = code && (showErrors || live) ? tr(lang, `validation.${code}` as JoinKey) : '';
      if (code) messages[c] = message;
      const el = errorEls.get(c);
      if (el) el.textContent = message;
      const control = controls.get(c);
      if (control && control.tagName !== 'FIELDSET') {
        if (message) control.setAttribute('aria-invalid', 'true');
        else control.removeAttribute('aria-invalid');
      }
    }
    return messages;
  }
  function changed(): void {
    persist();
    paint();
  }
  function lock(locked: boolean): void {
    for (const el of formEl.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>('input, select, button')) el.disabled = locked;
    formEl.setAttribute('aria-busy', locked ? 'true' : 'false');
  }
  function onState(s: SendState): void {
    status.textContent =
      s.kind === 'sending' ? t(s.retry ? 'join.retrying' : 'join.submitting') : s.reason === 'busy' ? t('join.busy', { seconds: s.seconds }) : t('join.retrying');
  }

  async function send(): Promise<void> {
    if (!draft.sending) {
      showErrors = true;
      const messages = paint();
      const bad = SELF_CONTROLS.filter((c) => messages[c]);
      if (bad.length > 0) {
        status.textContent = t('join.fixErrors', { n: bad.length });
        const first = controls.get(bad[0]!);
        (first?.tagName === 'FIELDSET' ? first.querySelector('input') : first)?.focus();
        return;
      }
      draft.id ??= newId();
      draft.createdAt ??= localIsoWithOffset();
      draft.sending = true;
      persist();
    }
    lock(true);
    hear = onState;
    active ??= sendRegistration(apiUrl, selfRegistrationBody(f, { id: draft.id!, createdAt: draft.createdAt! }), lang, (s) => hear(s));
    const result = await active;
    active = null;
    if (mine !== generation) return;
    draft.sending = false;
    if (result.kind === 'done') {
      const done: Done = { token, answer: result.answer };
      save(DONE, done);
      drop(DRAFT);
      receipt(done);
      return;
    }
    persist();
    if (result.kind === 'gone') return gone(result.status);
    lock(false);
    if (result.kind === 'conflict') {
      // Another copy of this draft was sent with other details: a new registration id for this one.
      delete draft.id;
      delete draft.createdAt;
      persist();
      status.textContent = t('join.conflict');
      return;
    }
    const { field: where, code, message } = result.error;
    const control = controlOf(where);
    if (control && errorEls.has(control)) {
      errorEls.get(control)!.textContent = isJoinKey(`validation.${code}`) ? t(`validation.${code}` as JoinKey) : message;
      controls.get(control)?.setAttribute('aria-invalid', 'true');
    }
    status.textContent = message;
  }

  const stallBox = h('section', { class: 'stall' });
  paintStall = () => {
    if (typeof stall === 'object') {
      show(stallBox, h('h1', {}, stall.name), h('p', { class: 'org' }, stall.org), h('p', { class: 'muted' }, t('join.stallDate', { date: stall.date })));
    } else if (stall === 'loading') {
      show(stallBox, h('h1', {}, t('join.title')), h('p', { class: 'muted', role: 'status' }, t('join.loading')));
    } else {
      show(stallBox, h('h1', {}, t('join.title')), h('p', { role: 'alert' }, t('join.loadFailed')),
        h('button', { type: 'button', class: 'secondary', onclick: () => void loadStall() }, t('join.retry')));
    }
  };
  paintStall();
  frame(
    stallBox,
    h('p', { class: 'intro' }, t('join.intro')),
    persistent() ? null : h('p', { class: 'warn' }, t('join.draftMemory')),
    formEl,
  );
  paint();
  if (draft.sending) void send();
}

// ---------------------------------------------------------------------------------------------------
// Start

/** Asks the server for the stall behind the link; an unknown or expired link replaces the form with its page. */
async function loadStall(): Promise<void> {
  stall = 'loading';
  paintStall();
  let res: Response | null = null;
  try {
    res = await fetch(apiUrl, { headers: { 'Accept-Language': lang }, credentials: 'omit' });
  } catch {
    res = null;
  }
  if (res && (res.status === 404 || res.status === 410)) return gone(res.status);
  const info = res && res.ok ? ((await res.json().catch(() => null)) as JoinStall | null) : null;
  stall = info ?? 'failed';
  paintStall();
}

async function start(): Promise<void> {
  const done = load<Done>(DONE);
  if (done && done.token === token && done.answer?.receipt) return receipt(done);
  if (!/^[A-Za-z0-9_-]{10,200}$/.test(token)) return gone(404);
  const kept = load<Draft>(DRAFT);
  const draft: Draft = kept && kept.token === token && kept.form ? kept : { token, form: { ...EMPTY_SELF_FORM } };
  form(draft);
  if (typeof stall !== 'object') await loadStall();
}

void start();
