import { render } from 'preact';
import { startPageSync } from '../offline/sync-device';
import { App } from './App';
import { LangProvider } from './i18n';
import { registerServiceWorker } from './sw-bridge';
import './styles.css';

render(
  <LangProvider>
    <App />
  </LangProvider>,
  document.getElementById('app')!,
);
void registerServiceWorker();
// Sync runs from app start, with no tap needed; requests ask for rejection reasons in the UI's language.
startPageSync(() => document.documentElement.lang || 'zh-CN');
