// The console's entry: restore or ask for a session, then draw the frame and the page the address names.
import { resume, onLogout, currentSession } from './core/api.js';
import { onLangChange } from './core/i18n.js';
import { layout } from './core/layout.js';
import * as router from './core/router.js';
import { closeAll } from './core/live.js';
import { renderLogin } from './pages/login.js';
import './pages/models.js';
import './pages/products.js';
import './pages/devices.js';
import './pages/device_detail.js';
import './pages/storage.js';
import './pages/insight.js';
import './pages/environment.js';

const root = document.getElementById('app');

function showApp() {
  const main = layout(root);
  router.start(main, '/devices');
}

function showLogin() {
  router.stop();
  closeAll();
  renderLogin(root, showApp);
}

onLogout(showLogin);
onLangChange(() => (currentSession() ? showApp() : showLogin()));

resume().then((s) => (s ? showApp() : showLogin()));
