import { render } from 'preact';
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
