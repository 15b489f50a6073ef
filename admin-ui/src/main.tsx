import { Component, render, type ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { AdminLayout } from './components/AdminLayout.js';
import { Notice } from './components/Notice.js';
import { setUpLiveRegions } from './components/announce.js';
import { Spinner } from './components/Spinner.js';
import { loadSession, session } from './session.js';
import './styles.css';

// Pages are loaded on demand (one chunk each).
const SetupPage = lazy(() => import('./pages/SetupPage.js'));
const LoginPage = lazy(() => import('./pages/LoginPage.js'));
const DashboardPage = lazy(() => import('./pages/dashboard/DashboardPage.js'));
const SettingsPage = lazy(() => import('./pages/SettingsPage.js'));
const TrainingPage = lazy(() => import('./pages/TrainingPage.js'));
const ChatbotPage = lazy(() => import('./pages/chatbot/ChatbotPage.js'));
const WidgetPage = lazy(() => import('./pages/widget/WidgetPage.js'));
const ConversationsPage = lazy(() => import('./pages/conversations/ConversationsPage.js'));
const ConversationPage = lazy(() => import('./pages/conversations/ConversationPage.js'));
const LeadsPage = lazy(() => import('./pages/leads/LeadsPage.js'));
const LeadPage = lazy(() => import('./pages/leads/LeadPage.js'));
const PlaygroundPage = lazy(() => import('./pages/playground/PlaygroundPage.js'));
const StartPage = lazy(() => import('./pages/start/StartPage.js'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.js'));

const LOGIN_PATH = '/admin/login';
const SETUP_PATH = '/admin/setup';
/** The guided start, where first-run setup leads. */
const START_PATH = '/admin/start';

function safeNext(next: string | undefined): string {
  // Only same-app paths: never an open redirect.
  return next?.startsWith('/admin/') && !next.startsWith('//') && !next.startsWith(LOGIN_PATH) && !next.startsWith(SETUP_PATH) ? next : '/admin/';
}

function App() {
  const s = session.value;
  const { path, url, query, route } = useLocation();
  const [pageLoading, setPageLoading] = useState(false);

  // Keep the address bar in step with the auth state (before paint: no screen shows under a stale URL).
  useLayoutEffect(() => {
    if (s.status !== 'ready') return;
    if (s.setupRequired) {
      if (path !== SETUP_PATH) route(SETUP_PATH, true);
    } else if (!s.authenticated) {
      if (path !== LOGIN_PATH) {
        const next = s.loggedOut || path === SETUP_PATH || path === '/admin' ? '' : `?next=${encodeURIComponent(url)}`;
        route(LOGIN_PATH + next, true);
      }
    } else if (path === SETUP_PATH) {
      route(START_PATH, true);
    } else if (path === LOGIN_PATH) {
      route(safeNext(query.next), true);
    }
  }, [s, path]);

  if (s.status === 'loading') {
    return (
      <div class="boot-screen" role="status">
        <Spinner label="Loading Docent…" />
      </div>
    );
  }
  if (s.status === 'error') {
    return (
      <div class="auth-screen">
        <div class="auth-box">
          <h1 class="auth-logo">Docent</h1>
          <Notice type="error">
            <p>{s.message}</p>
          </Notice>
          <p>
            <button type="button" class="button button-primary" onClick={() => loadSession()}>
              Try again
            </button>
          </p>
        </div>
      </div>
    );
  }

  if (s.setupRequired || !s.authenticated) {
    return (
      <PageBoundary>
        <Router>{[<Route key="auth" default component={s.setupRequired ? SetupPage : LoginPage} />]}</Router>
      </PageBoundary>
    );
  }

  return (
    <AdminLayout loading={pageLoading}>
      <PageBoundary>
        <Router onLoadStart={() => setPageLoading(true)} onLoadEnd={() => setPageLoading(false)}>
          <Route path="/admin" component={DashboardPage} />
          <Route path="/admin/index.html" component={DashboardPage} />
          <Route path="/admin/training" component={TrainingPage} />
          <Route path="/admin/chatbot" component={ChatbotPage} />
          <Route path="/admin/widget" component={WidgetPage} />
          <Route path="/admin/conversations" component={ConversationsPage} />
          <Route path="/admin/conversations/:id" component={ConversationPage} />
          <Route path="/admin/leads" component={LeadsPage} />
          <Route path="/admin/leads/:id" component={LeadPage} />
          <Route path="/admin/playground" component={PlaygroundPage} />
          <Route path="/admin/settings" component={SettingsPage} />
          <Route path={START_PATH} component={StartPage} />
          {/* Waiting for the session check to move us off these: */}
          <Route path={LOGIN_PATH} component={Blank} />
          <Route path={SETUP_PATH} component={Blank} />
          <Route default component={NotFoundPage} />
        </Router>
      </PageBoundary>
    </AdminLayout>
  );
}

/** Shows a readable message instead of a blank screen when a page fails (e.g. its code could not be loaded). */
class PageBoundary extends Component<{ children: ComponentChildren }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error) {
    console.error(error);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div class="wrap">
        <Notice type="error">
          <p>
            <strong>This screen could not be shown.</strong> The admin may have been updated in the meantime.
          </p>
          <p>
            <button type="button" class="button" onClick={() => location.reload()}>
              Reload the page
            </button>
          </p>
        </Notice>
      </div>
    );
  }
}

function Blank() {
  return null;
}

function Root() {
  useEffect(() => {
    setUpLiveRegions();
    loadSession();
  }, []);
  return (
    <LocationProvider scope="/admin">
      <App />
    </LocationProvider>
  );
}

render(<Root />, document.getElementById('app')!);
